#include "tests/test_support/test_upstream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace remora::testing {

TestUpstream::TestUpstream(Mode mode, uint64_t blast_bytes, const std::string& ip)
    : mode_(mode), blast_bytes_(blast_bytes) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::listen(listen_fd_, 128);
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  accept_thread_ = std::thread([this] { acceptLoop(); });
}

TestUpstream::~TestUpstream() {
  stopping_ = true;
  stopListening();
  accept_thread_.join();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : threads_) t.join();
}

void TestUpstream::stopListening() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (listen_fd_ >= 0) {
    ::shutdown(listen_fd_, SHUT_RDWR);
  }
}

void TestUpstream::acceptLoop() {
  for (;;) {
    pollfd p{listen_fd_, POLLIN, 0};
    int rc = ::poll(&p, 1, 50);
    if (stopping_ || (rc == 1 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)))) break;
    if (rc != 1) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINVAL) break;  // shut down
      continue;
    }
    connections_++;
    std::lock_guard<std::mutex> lock(mutex_);
    fds_.push_back(fd);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ::close(listen_fd_);
  listen_fd_ = -1;
}

void TestUpstream::serve(int fd) {
  char buf[65536];
  if (mode_ == Mode::Echo) {
    for (;;) {
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      ssize_t off = 0;
      while (off < n) {
        ssize_t w = ::send(fd, buf + off, static_cast<size_t>(n - off), MSG_NOSIGNAL);
        if (w <= 0) break;
        off += w;
        bytes_written_ += static_cast<uint64_t>(w);
      }
    }
  } else if (mode_ == Mode::ReplyAfterFin) {
    uint64_t total = 0;
    for (;;) {
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      total += static_cast<uint64_t>(n);
    }
    std::string reply = "got " + std::to_string(total) + " bytes";
    ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  } else {
    std::string chunk(65536, 'b');
    uint64_t left = blast_bytes_;
    while (left > 0 && !stopping_) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(left, chunk.size()));
      ssize_t w = ::send(fd, chunk.data(), want, MSG_NOSIGNAL);
      if (w <= 0) break;
      left -= static_cast<uint64_t>(w);
      bytes_written_ += static_cast<uint64_t>(w);
    }
  }
  ::shutdown(fd, SHUT_WR);
  // Wait for the peer to go away before closing, so nothing is reset.
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
  }
  ::close(fd);
}

}  // namespace remora::testing
