#include "proxy/admin/admin_server.h"

#include <utility>

#include "common/logging/logger.h"
#include "common/network/raw_transport_socket.h"

namespace remora::admin {

network::Address defaultAdminAddress() { return *network::Address::fromIp("127.0.0.1", 15000); }

Result<std::unique_ptr<AdminServer>> AdminServer::create(event::Dispatcher& dispatcher,
                                                         stats::Store& store,
                                                         AdminServerOptions options) {
  if (!options.address.valid()) return makeError("admin server: no listen address given");
  auto socket = network::createListenSocket(options.address, {});
  if (!socket.ok()) {
    return makeError("admin server: cannot listen on " + options.address.toString() + ": " +
                         socket.error().message,
                     socket.error().code);
  }
  auto bound = network::localAddress(socket->fd());
  if (!bound.ok()) return bound.error();
  std::unique_ptr<AdminServer> server(new AdminServer(dispatcher, store, std::move(options)));
  server->socket_ = std::move(*socket);
  server->address_ = *bound;
  server->listener_ = dispatcher.createListener(server->socket_, *server);
  REMORA_LOG(info, logging::Component::Admin, "admin server listening on {} (stats http.{}.)",
             server->address_.toString(), server->options_.stat_prefix);
  return server;
}

AdminServer::AdminServer(event::Dispatcher& dispatcher, stats::Store& store,
                         AdminServerOptions options)
    : dispatcher_(dispatcher),
      options_(std::move(options)),
      stats_(AdminHttpStats::create(store, options_.stat_prefix)),
      router_(options_.serve_help) {}

AdminServer::~AdminServer() {
  shutting_down_ = true;
  listener_.reset();
  for (auto& [id, connection] : connections_) connection->abort();
  connections_.clear();
}

bool AdminServer::addHandler(const std::string& prefix, const std::string& help,
                             AdminHandler handler, bool mutates_state) {
  return router_.addHandler(prefix, help, std::move(handler), mutates_state);
}

void AdminServer::onAccept(network::SocketFd&& socket, const network::Address&) {
  auto connection = dispatcher_.createServerConnection(
      std::move(socket), std::make_unique<network::RawTransportSocket>());
  uint64_t id = connection->id();
  connections_.emplace(id, std::make_unique<AdminConnection>(
                               std::move(connection), router_, stats_, options_.connection,
                               [this](AdminConnection& closed) { onConnectionClosed(closed); }));
}

void AdminServer::onConnectionClosed(AdminConnection& connection) {
  // During shutdown the map is being cleared by the destructor itself.
  if (shutting_down_) return;
  auto it = connections_.find(connection.id());
  if (it == connections_.end()) return;
  // We are inside the connection's own callback: free it after it returns.
  dispatcher_.deferredDelete(std::move(it->second));
  connections_.erase(it);
}

}  // namespace remora::admin
