#pragma once

// One listener on one worker: accepts, runs listener filters on each new
// socket (ActiveTcpSocket), selects the filter chain, and owns the
// connections it made (ActiveConnection) until they close.

#include <list>
#include <memory>
#include <optional>

#include "common/event/dispatcher.h"
#include "common/network/listener.h"
#include "filters/common/stream_info.h"
#include "filters/network/filter_manager_impl.h"
#include "proxy/listener/listener_runtime.h"

namespace remora::listener {

class ConnectionHandler;
class ActiveTcpListener;

// A socket whose listener filters are still running.
class ActiveTcpSocket : public filters::ListenerFilterCallbacks, public event::DeferredDeletable {
 public:
  // `addresses` carries the socket's local and remote address (and, when
  // handed off, its original destination) as already known to the caller.
  ActiveTcpSocket(ActiveTcpListener& listener, network::SocketFd&& socket,
                  network::ConnectionInfo addresses, bool handed_off);
  ~ActiveTcpSocket() override;
  void start();

  int fd() const override { return socket_.fd(); }
  network::ConnectionInfo& info() override { return info_; }

 private:
  void continueFilterChain();
  void onReadable();
  void onTimeout();
  void finish(bool close);

  ActiveTcpListener& listener_;
  network::SocketFd socket_;
  network::ConnectionInfo info_;
  std::vector<filters::ListenerFilterPtr> filters_;
  size_t next_filter_ = 0;
  bool handed_off_;
  event::FileEventPtr peek_event_;
  event::TimerPtr timer_;
  bool done_ = false;
};

class ActiveConnection : public network::ConnectionCallbacks, public event::DeferredDeletable {
 public:
  ActiveConnection(ActiveTcpListener& listener, network::ConnectionPtr connection,
                   const FilterChain& chain);
  ~ActiveConnection() override;
  void onEvent(network::ConnectionEvent event) override;
  // Records what the secure transport learned about the peer.
  void onTransportReady();
  network::Connection& connection() { return *connection_; }

 private:
  ActiveTcpListener& listener_;
  ListenerRuntimeConstSharedPtr runtime_;  // keeps the chain's factories alive
  uint32_t worker_index_;
  network::ConnectionPtr connection_;
  filters::StreamInfo stream_info_;
  // In place, not on the heap: every connection has one. Declared after the
  // connection and the stream info, so destroyed before them: the filters
  // reference both.
  filters::FilterManagerImpl filter_manager_;
  // Bounds a secure transport's handshake (slow or silent peers).
  event::TimerPtr handshake_timer_;
  // Links of the listener's connection list (owned by the listener; intrusive,
  // so a connection costs no list node of its own).
  ActiveConnection* prev_ = nullptr;
  ActiveConnection* next_ = nullptr;
  friend class ActiveTcpListener;
};

class ActiveTcpListener : public network::ListenerCallbacks {
 public:
  ActiveTcpListener(ConnectionHandler& handler, ListenerRuntimeConstSharedPtr runtime);
  ~ActiveTcpListener() override;

  void onAccept(network::SocketFd&& socket, const network::Address& peer) override;
  // A socket accepted elsewhere: handed off by a use_original_dst listener
  // (`info` holds its addresses and original destination) or rebalanced
  // from another worker.
  void acceptHandedOff(network::SocketFd&& socket, const network::ConnectionInfo& info);
  void acceptBalanced(network::SocketFd&& socket, network::ConnectionInfo addresses);
  // Stops accepting; open connections carry on.
  void stopAccepting();
  size_t connectionCount() const { return connection_count_ + sockets_.size(); }
  void closeAllConnections();

  const ListenerRuntimeConstSharedPtr& runtime() const { return runtime_; }
  ConnectionHandler& handler() { return handler_; }

  // Called when the listener filters are done (by ActiveTcpSocket, or at
  // once when the listener has none).
  void onSocketReady(network::SocketFd&& fd, network::ConnectionInfo info, bool handed_off);
  void removeSocket(ActiveTcpSocket& socket);
  void removeConnection(ActiveConnection& connection);

 private:
  void newConnection(network::SocketFd&& fd, network::ConnectionInfo info);
  void runListenerFilters(network::SocketFd&& socket, network::ConnectionInfo addresses,
                          bool handed_off);
  void linkConnection(std::unique_ptr<ActiveConnection> connection);
  // Takes `connection` out of the list and hands back its ownership.
  std::unique_ptr<ActiveConnection> unlinkConnection(ActiveConnection& connection);
  // The accepted socket's local address: the listener's own, unless it is
  // bound to a wildcard address and only the kernel knows which one.
  network::Address acceptedLocalAddress(const network::SocketFd& socket) const;

  ConnectionHandler& handler_;
  ListenerRuntimeConstSharedPtr runtime_;
  network::ListenerPtr listener_;
  std::list<std::unique_ptr<ActiveTcpSocket>> sockets_;
  // Open connections, newest first; the list owns them (see unlinkConnection).
  ActiveConnection* connections_ = nullptr;
  size_t connection_count_ = 0;
};

}  // namespace remora::listener
