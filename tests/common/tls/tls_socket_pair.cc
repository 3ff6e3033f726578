#include "tests/common/tls/tls_socket_pair.h"

#include <fcntl.h>

#include <cstdlib>

namespace remora::tls::test {

TlsSocketPair::TlsSocketPair(network::TransportSocketPtr client,
                             network::TransportSocketPtr server) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
  client_.fd = network::SocketFd(fds[0]);
  server_.fd = network::SocketFd(fds[1]);
  for (PairEnd* end : {&server_, &client_}) {
    end->callbacks = std::make_unique<FakeTransportCallbacks>(end->fd.fd());
  }
  client_.socket = std::move(client);
  server_.socket = std::move(server);
  server_.socket->setTransportSocketCallbacks(*server_.callbacks);
  client_.socket->setTransportSocketCallbacks(*client_.callbacks);
  server_.socket->onConnected();
  client_.socket->onConnected();
}

bool TlsSocketPair::step(PairEnd& end) {
  if (end.closed || !end.fd.valid()) return false;
  bool progress = false;
  size_t before_events = end.callbacks->events.size();
  auto r = end.socket->doRead(end.read_buffer);
  progress |= r.bytes_processed > 0;
  if (r.end_stream_read && !end.end_stream) {
    end.end_stream = true;
    progress = true;
  }
  if (r.action == network::PostIoAction::Close) {
    end.closed = true;
    // A real connection closes its fd, which the peer then reads as EOF.
    end.socket->closeSocket(network::ConnectionEvent::LocalClose);
    end.fd.close();
    return true;
  }
  auto w = end.socket->doWrite(end.write_buffer, false);
  progress |= w.bytes_processed > 0;
  if (w.action == network::PostIoAction::Close) {
    end.closed = true;
    end.fd.close();
    return true;
  }
  return progress || end.callbacks->events.size() != before_events;
}

bool TlsSocketPair::pump(const std::function<bool()>& done, int max_rounds) {
  // Without progress a few rounds in a row, nothing will change any more
  // (everything is in kernel buffers of the same process).
  int idle = 0;
  for (int i = 0; i < max_rounds && !done(); ++i) {
    bool progress = step(server_);
    progress |= step(client_);
    idle = progress ? 0 : idle + 1;
    if (idle >= 3) break;
  }
  return done();
}

bool TlsSocketPair::handshake() {
  return pump([this] {
    return (client_.connected() && server_.connected()) || client_.closed || server_.closed;
  }) && client_.connected() && server_.connected();
}

}  // namespace remora::tls::test
