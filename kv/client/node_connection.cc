#include "kv/client/node_connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "kv/client/status.h"

namespace remora::kv::client {

namespace {

Error connectionError(const std::string& what, int err = 0) {
  return makeError(what + (err ? std::string(": ") + std::strerror(err) : ""), status::kConnection);
}

Error timeoutError() { return makeError("client timeout", status::kTimeout); }

// Waits for `events`; false on deadline.
Result<bool> waitFor(int fd, short events, Deadline deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return connectionError("poll", errno);
  }
}

}  // namespace

Result<std::unique_ptr<NodeConnection>> NodeConnection::open(const network::Address& address,
                                                             Deadline deadline) {
  auto socket = network::createStreamSocket(address.family());
  if (!socket) return connectionError(socket.error().message);
  const int fd = socket->fd();
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (::connect(fd, address.sockAddr(), address.sockAddrLen()) != 0 && errno != EINPROGRESS) {
    return connectionError("connect " + address.toString(), errno);
  }
  auto ready = waitFor(fd, POLLOUT, deadline);
  if (!ready) return ready.error();
  if (!*ready) return timeoutError();
  if (int err = network::socketError(fd); err != 0) {
    return connectionError("connect " + address.toString(), err);
  }
  return std::unique_ptr<NodeConnection>(new NodeConnection(std::move(*socket)));
}

Status NodeConnection::send(std::string_view bytes, Deadline deadline) {
  size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = ::send(socket_.fd(), bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return connectionError("send", errno);
    }
    auto ready = waitFor(socket_.fd(), POLLOUT, deadline);
    if (!ready) return ready.error();
    if (!*ready) return timeoutError();
  }
  last_used_ = Clock::now();
  return okStatus();
}

Status NodeConnection::readExactly(char* out, size_t n, Deadline deadline) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::recv(socket_.fd(), out + got, n - got, 0);
    if (r > 0) {
      got += static_cast<size_t>(r);
      continue;
    }
    if (r == 0) return connectionError("connection closed by the node");
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return connectionError("recv", errno);
    }
    auto ready = waitFor(socket_.fd(), POLLIN, deadline);
    if (!ready) return ready.error();
    if (!*ready) return timeoutError();
  }
  return okStatus();
}

Result<Frame> NodeConnection::readFrame(Deadline deadline) {
  uint8_t header[protocol::kProtoHeaderSize];
  if (auto st = readExactly(reinterpret_cast<char*>(header), sizeof(header), deadline); !st) {
    return st.error();
  }
  auto h = protocol::decodeProtoHeader(header);
  if (!h) return makeError("bad reply header: " + h.error().message, status::kClientError);
  Frame frame;
  frame.type = h->type;
  frame.body.resize(h->size);
  if (auto st = readExactly(frame.body.data(), h->size, deadline); !st) return st.error();
  last_used_ = Clock::now();
  return frame;
}

Result<Frame> NodeConnection::roundTrip(std::string_view request, Deadline deadline) {
  if (auto st = send(request, deadline); !st) return st.error();
  return readFrame(deadline);
}

bool NodeConnection::reusable() const {
  char c;
  const ssize_t r = ::recv(socket_.fd(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
  // EAGAIN: open and nothing unread. 0: closed. > 0: stray bytes.
  return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace remora::kv::client
