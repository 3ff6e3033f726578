#pragma once

// A service thread with its own dispatcher, owning the client sessions
// assigned to it (as the proxy's workers do). The main thread hands it
// accepted sockets; a session stays on its worker for its whole life.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/event/dispatcher.h"
#include "common/network/socket.h"
#include "kv/node/client_session.h"
#include "kv/node/connection_tracker.h"
#include "kv/node/node_context.h"
#include "kv/node/proxy_pool.h"
#include "kv/node/request_handler.h"

namespace remora::kv::node {

class Worker {
 public:
  // `shard` is the stats shard of the worker thread (1..N).
  // `tracker` already counts every socket passed to adopt(); the worker
  // releases the slot when the session (or the refused socket) closes.
  Worker(std::string name, uint32_t shard, NodeContext& context, const SessionLimits& limits,
         ConnectionTracker& tracker);
  ~Worker();

  // Starts the thread. Main thread only.
  void start();
  // Thread-safe: the worker adopts the accepted socket.
  void adopt(network::SocketFd socket);
  // Thread-safe: idle sessions close now, busy ones after their request.
  void drain();
  // Closes every session, stops the loop and joins the thread. Main thread.
  void stop();
  // Sockets adopted and not yet closed (sessions, and adopted sockets still
  // queued). Any thread; the node gives a new connection to the worker with
  // the fewest, so that one blocked in a device read holds as few clients as
  // possible.
  uint32_t connections() const { return connections_.load(std::memory_order_relaxed); }

 private:
  void onAdopt(int fd);
  void onSessionClosed(ClientSession& session);
  void releaseConnection();

  const std::string name_;
  const uint32_t shard_;
  NodeContext& context_;
  ConnectionTracker& tracker_;
  const SessionLimits limits_;
  event::DispatcherPtr dispatcher_;
  RequestHandler handler_;
  std::unique_ptr<ProxyPool> proxy_;  // only on a node of a static cluster
  std::thread thread_;
  std::atomic<uint32_t> connections_{0};
  bool draining_ = false;  // worker thread only
  std::unordered_map<uint64_t, std::unique_ptr<ClientSession>> sessions_;
};

}  // namespace remora::kv::node
