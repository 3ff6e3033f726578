#include "proxy/listener/listen_sockets.h"

namespace remora::listener {

Result<std::shared_ptr<ListenSockets>> ListenSockets::create(const network::Address& address,
                                                             uint32_t workers, bool shared) {
  auto sockets = std::make_shared<ListenSockets>();
  sockets->requested_ = address;
  network::Address bind_address = address;
  uint32_t count = shared || workers == 0 ? 1 : workers;
  for (uint32_t i = 0; i < count; ++i) {
    network::ListenSocketOptions options;
    options.reuse_port = count > 1;
    // Envoy's default (socket_address.ipv4_compat: false): "::" accepts IPv6 only, so an
    // IPv4 listener on the same port can coexist and each family gets its own original-dst.
    options.ipv6_only = true;
    auto socket = network::createListenSocket(bind_address, options);
    if (!socket) return socket.error();
    if (i == 0) {
      auto bound = network::localAddress(socket->fd());
      if (!bound) return bound.error();
      // With port 0 every further reuse-port socket must bind the port the first one got.
      bind_address = *bound;
      sockets->address_ = *bound;
    }
    sockets->sockets_.push_back(std::move(*socket));
  }
  return sockets;
}

void ListenSockets::closeAll() {
  for (auto& s : sockets_) s.close();
}

network::SocketFd& ListenSockets::socketFor(uint32_t worker_index) {
  return sockets_[sockets_.size() == 1 ? 0 : worker_index % sockets_.size()];
}

}  // namespace remora::listener
