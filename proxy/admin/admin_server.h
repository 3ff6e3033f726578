#pragma once

// An HTTP/1.1 listener serving admin endpoints: Envoy's admin port
// (127.0.0.1:15000) and, built the same way with fewer handlers, Istio's
// readiness (15021) and Prometheus (15090) ports — see builtin_handlers.h.
//
// Threading: created, used and destroyed on the thread that runs
// `dispatcher` (the main thread). Handlers run there too, one request at a
// time.
//
// Lifetime: the dispatcher and the stats store must outlive the server.
// Destroying the server closes its listener and every open admin connection
// at once, without flushing; it must not happen inside one of its own
// handlers (post() it instead).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/event/dispatcher.h"
#include "common/network/address.h"
#include "common/network/listener.h"
#include "common/network/socket.h"
#include "common/result.h"
#include "common/stats/store.h"
#include "proxy/admin/admin.h"
#include "proxy/admin/admin_connection.h"
#include "proxy/admin/admin_http_stats.h"
#include "proxy/admin/admin_router.h"

namespace remora::admin {

struct AdminServerOptions {
  // Where to listen; port 0 picks a free one (see address()).
  network::Address address;
  // Stats go under "http.<stat_prefix>." (Envoy: "admin" for the admin port;
  // Istio's bootstrap uses "agent" for 15021 and "stats" for 15090).
  std::string stat_prefix = "admin";
  // "/" and "/help" list the endpoints.
  bool serve_help = true;
  AdminConnectionConfig connection;
};

// 127.0.0.1:15000, the admin address Istio sidecars use.
network::Address defaultAdminAddress();

class AdminServer : public Admin, public network::ListenerCallbacks {
 public:
  // Binds and starts listening. Fails, naming the address, when the socket
  // cannot be bound.
  static Result<std::unique_ptr<AdminServer>> create(event::Dispatcher& dispatcher,
                                                     stats::Store& store,
                                                     AdminServerOptions options);
  ~AdminServer() override;
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Admin
  bool addHandler(const std::string& prefix, const std::string& help, AdminHandler handler,
                  bool mutates_state) override;

  // The bound address, with the port the kernel chose when asked for 0.
  const network::Address& address() const { return address_; }
  const AdminRouter& router() const { return router_; }
  // Open admin connections.
  size_t connectionCount() const { return connections_.size(); }
  // Stops or resumes accepting; open connections are not touched.
  void stopListening() { listener_->disable(); }
  void resumeListening() { listener_->enable(); }

  // network::ListenerCallbacks
  void onAccept(network::SocketFd&& socket, const network::Address& peer) override;

 private:
  AdminServer(event::Dispatcher& dispatcher, stats::Store& store, AdminServerOptions options);
  void onConnectionClosed(AdminConnection& connection);

  event::Dispatcher& dispatcher_;
  const AdminServerOptions options_;
  AdminHttpStats stats_;
  AdminRouter router_;
  network::SocketFd socket_;
  network::Address address_;
  network::ListenerPtr listener_;
  std::map<uint64_t, std::unique_ptr<AdminConnection>> connections_;
  bool shutting_down_ = false;
};

}  // namespace remora::admin
