#include "common/network/splice_pipe.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace remora::network {

Result<SplicePipe> SplicePipe::create() {
  int fds[2];
  if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    return makeError(std::string("pipe2: ") + std::strerror(errno), errno);
  }
  // A bigger pipe means fewer splice calls per megabyte; an unprivileged
  // process may be capped lower (fs.pipe-max-size), then the default stays.
  int size = ::fcntl(fds[1], F_SETPIPE_SZ, static_cast<int>(kCapacity));
  if (size < 0) size = ::fcntl(fds[1], F_GETPIPE_SZ);
  return SplicePipe(fds[0], fds[1], size > 0 ? static_cast<size_t>(size) : 65536);
}

bool SplicePipe::capSinkUnsent(int sink_fd) {
  int lowat = kSinkNotSentLowat;
  return ::setsockopt(sink_fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof(lowat)) == 0;
}

SplicePipe::SplicePipe(int read_fd, int write_fd, size_t capacity)
    : read_fd_(read_fd), write_fd_(write_fd), capacity_(capacity) {}

SplicePipe::SplicePipe(SplicePipe&& other) noexcept
    : read_fd_(std::exchange(other.read_fd_, -1)),
      write_fd_(std::exchange(other.write_fd_, -1)),
      capacity_(other.capacity_),
      pending_(std::exchange(other.pending_, 0)) {}

SplicePipe::~SplicePipe() {
  if (read_fd_ >= 0) ::close(read_fd_);
  if (write_fd_ >= 0) ::close(write_fd_);
}

buffer::IoCallResult SplicePipe::fill(int from_fd) {
  ssize_t n = ::splice(from_fd, nullptr, write_fd_, nullptr, capacity_ - pending_,
                       SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (n < 0) return {0, errno};
  pending_ += static_cast<size_t>(n);
  return {n, 0};
}

buffer::IoCallResult SplicePipe::drain(int to_fd) {
  ssize_t n = ::splice(read_fd_, nullptr, to_fd, nullptr, pending_,
                       SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (n < 0) return {0, errno};
  pending_ -= static_cast<size_t>(n);
  return {n, 0};
}

}  // namespace remora::network
