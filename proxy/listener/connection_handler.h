#pragma once

// A worker's listeners and connections. Lives on the worker's thread; the
// main thread talks to it only through dispatcher().post().

#include <atomic>
#include <map>
#include <memory>
#include <vector>

#include "common/event/dispatcher.h"
#include "proxy/listener/listener_runtime.h"
#include "proxy/upstream/upstream.h"

namespace remora::listener {

class ActiveTcpListener;

class ConnectionHandler {
 public:
  ConnectionHandler(event::Dispatcher& dispatcher, uint32_t worker_index,
                    upstream::ClusterManager& cluster_manager);
  ~ConnectionHandler();

  // Makes the worker run exactly `listeners`: new ones start accepting,
  // unchanged ones (same tag) are kept, missing ones stop accepting and their
  // connections drain (they close on their own, or at closeDrainingConnections).
  void updateListeners(const std::vector<ListenerRuntimeConstSharedPtr>& listeners);
  // Stops accepting on every listener (drain).
  void stopListeners();
  // Closes every connection (the end of a drain).
  void closeAllConnections();

  // The listener a use_original_dst hand-off goes to: exact address first,
  // then a wildcard listener on the same port; nullptr if none.
  ActiveTcpListener* findListenerForAddress(const network::Address& address);
  ActiveTcpListener* findListenerByTag(uint64_t tag);

  event::Dispatcher& dispatcher() { return dispatcher_; }
  uint32_t workerIndex() const { return worker_index_; }
  upstream::ClusterManager& clusterManager() { return cluster_manager_; }
  // Posts a socket to another worker's listener with the same tag (exact balance).
  void setPeers(std::vector<ConnectionHandler*> peers) { peers_ = std::move(peers); }
  ConnectionHandler* peer(uint32_t index) { return index < peers_.size() ? peers_[index] : nullptr; }

  // Thread-safe: connections and pending sockets open on this worker.
  uint64_t activeConnections() const { return active_connections_.load(std::memory_order_relaxed); }
  void onConnectionOpened() { active_connections_.fetch_add(1, std::memory_order_relaxed); }
  void onConnectionClosed() { active_connections_.fetch_sub(1, std::memory_order_relaxed); }
  void onListenerEmpty(ActiveTcpListener& listener);

 private:
  event::Dispatcher& dispatcher_;
  const uint32_t worker_index_;
  upstream::ClusterManager& cluster_manager_;
  std::map<uint64_t, std::unique_ptr<ActiveTcpListener>> listeners_;
  std::vector<std::unique_ptr<ActiveTcpListener>> draining_;
  std::vector<ConnectionHandler*> peers_;
  std::atomic<uint64_t> active_connections_{0};
};

}  // namespace remora::listener
