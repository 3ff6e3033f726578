#include "common/network/socket.h"

#include <fcntl.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace remora::network {

namespace {
Error sysError(const std::string& what, int err) {
  return makeError(what + ": " + std::strerror(err), err);
}
}  // namespace

SocketFd& SocketFd::operator=(SocketFd&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void SocketFd::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Result<SocketFd> createStreamSocket(int family) {
  int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return sysError("socket", errno);
  return SocketFd(fd);
}

Result<SocketFd> createListenSocket(const Address& address, const ListenSocketOptions& options) {
  auto socket = createStreamSocket(address.family());
  if (!socket) return socket.error();
  int fd = socket->fd();
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (options.reuse_port && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0) {
    return sysError("setsockopt(SO_REUSEPORT)", errno);
  }
  if (options.transparent && ::setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one)) != 0) {
    return sysError("setsockopt(IP_TRANSPARENT)", errno);
  }
  if (options.no_delay && ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
    return sysError("setsockopt(TCP_NODELAY)", errno);
  }
  if (address.family() == AF_INET6) {
    int v6only = options.ipv6_only ? 1 : 0;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
  }
  if (::bind(fd, address.sockAddr(), address.sockAddrLen()) != 0) {
    return sysError("bind " + address.toString(), errno);
  }
  if (::listen(fd, options.backlog < 0 ? SOMAXCONN : options.backlog) != 0) {
    return sysError("listen " + address.toString(), errno);
  }
  return socket;
}

Result<Address> localAddress(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    return sysError("getsockname", errno);
  }
  return Address::fromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

Result<Address> peerAddress(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    return sysError("getpeername", errno);
  }
  return Address::fromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

std::optional<Address> originalDestination(int fd) {
  auto local = localAddress(fd);
  if (!local) return std::nullopt;
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  int rc = local->family() == AF_INET6
               ? ::getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, &ss, &len)
               : ::getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &ss, &len);
  if (rc != 0) return std::nullopt;
  Address original = Address::fromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
  // Without a REDIRECT the kernel reports the local address itself.
  if (original == *local) return std::nullopt;
  return original;
}

Status setNoDelay(int fd, bool enable) {
  int value = enable ? 1 : 0;
  if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, sizeof(value)) != 0) {
    return sysError("setsockopt(TCP_NODELAY)", errno);
  }
  return okStatus();
}

int socketError(int fd) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

}  // namespace remora::network
