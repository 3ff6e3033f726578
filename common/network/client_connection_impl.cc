#include "common/network/client_connection_impl.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

namespace remora::network {

namespace {
SocketFd makeSocket(const Address& remote) {
  auto socket = createStreamSocket(remote.family());
  // A failed socket() surfaces as a connect failure (RemoteClose).
  return socket ? std::move(*socket) : SocketFd();
}
}  // namespace

ClientConnectionImpl::ClientConnectionImpl(event::Dispatcher& dispatcher, const Address& remote,
                                           const Address* source, TransportSocketPtr transport)
    : ConnectionImpl(dispatcher, makeSocket(remote), std::move(transport), false),
      bind_source_(source != nullptr) {
  info().remote_address = remote;
  // Until connect() binds it, the local address is the requested source.
  if (source != nullptr) info().local_address = *source;
}

void ClientConnectionImpl::connect() {
  if (!socket_.valid()) {
    immediate_error_ = EMFILE;
  } else {
    int fd = socket_.fd();
    // Nagle off, as on accepted sockets: small requests must not wait for an ACK.
    (void)setNoDelay(fd, true);
    if (bind_source_) {
      int one = 1;
      // The port is picked at connect time, so many connections can share one source IP.
      ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
      const Address& source = info().local_address;
      if (::bind(fd, source.sockAddr(), source.sockAddrLen()) != 0) immediate_error_ = errno;
    }
    if (immediate_error_ == 0) {
      const Address& remote = info().remote_address;
      int rc = ::connect(fd, remote.sockAddr(), remote.sockAddrLen());
      if (rc != 0 && errno != EINPROGRESS) immediate_error_ = errno;
    }
  }
  if (!socket_.valid()) {
    // No socket at all: report the failure on the next loop iteration.
    connect_timer_ = dispatcher_.createTimer([this] { closeSocket(ConnectionEvent::RemoteClose); });
    connect_timer_->enableTimer(std::chrono::milliseconds(0));
    return;
  }
  // Watched from here on: the next edge says the connect finished or failed.
  watchSocket();
  if (immediate_error_ != 0) socket_event_.activate(event::FileReady::kWrite);
}

void ClientConnectionImpl::setConnectTimeout(std::chrono::milliseconds timeout) {
  if (!connecting_) return;
  connect_timer_ = dispatcher_.createTimer([this] {
    if (connecting_) closeSocket(ConnectionEvent::ConnectTimeout);
  });
  connect_timer_->enableTimer(timeout);
}

void ClientConnectionImpl::onConnectReady(uint32_t events) {
  // The socket is watched only from connect() on, so this edge is the
  // outcome of the connect, not a wake-up of a socket still unconnected. A
  // failed connect always raises EPOLLERR, which arrives as read and write
  // (and kClosed: event/epoll_wrap.h); writable alone means connected,
  // without asking SO_ERROR.
  int err = immediate_error_;
  if (err == 0 && events != event::FileReady::kWrite) err = socketError(socket_.fd());
  // The timer is of no further use; long-lived connections do not keep it.
  connect_timer_.reset();
  if (err != 0) {
    closeSocket(ConnectionEvent::RemoteClose);
    return;
  }
  connecting_ = false;
  transport_->onConnected();
}

void ClientConnectionImpl::readLocalAddress() {
  if (connecting_ || !socket_.valid()) return;
  if (auto local = localAddress(socket_.fd())) info().local_address = *local;
}

}  // namespace remora::network
