#pragma once

// An owned socket file descriptor and the system calls made on sockets.

#include <optional>
#include <utility>

#include "common/network/address.h"
#include "common/result.h"

namespace remora::network {

class SocketFd {
 public:
  SocketFd() = default;
  explicit SocketFd(int fd) : fd_(fd) {}
  ~SocketFd() { close(); }
  SocketFd(SocketFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  SocketFd& operator=(SocketFd&& other) noexcept;
  SocketFd(const SocketFd&) = delete;
  SocketFd& operator=(const SocketFd&) = delete;

  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void close();

 private:
  int fd_ = -1;
};

struct ListenSocketOptions {
  bool reuse_port = false;
  bool transparent = false;
  int backlog = -1;  // -1: the kernel's somaxconn
  bool ipv6_only = false;
  // TCP_NODELAY on the listening socket, which every accepted socket
  // inherits: a proxy forwards what it has at once (Envoy and HAProxy do the same).
  bool no_delay = true;
};

// socket + bind + listen, non-blocking, close-on-exec.
Result<SocketFd> createListenSocket(const Address& address, const ListenSocketOptions& options);
// A non-blocking TCP socket for `family` (AF_INET/AF_INET6).
Result<SocketFd> createStreamSocket(int family);
Result<Address> localAddress(int fd);
Result<Address> peerAddress(int fd);
// The destination before iptables REDIRECT/DNAT (SO_ORIGINAL_DST or
// IP6T_SO_ORIGINAL_DST); nullopt when the connection was not redirected.
std::optional<Address> originalDestination(int fd);
Status setNoDelay(int fd, bool enable);
// Pending socket error (SO_ERROR), 0 if none.
int socketError(int fd);

}  // namespace remora::network
