#pragma once

// A kernel pipe that moves bytes from one socket to another with splice(2):
// the payload never enters user space. Non-blocking on both ends.

#include <cstddef>

#include "common/buffer/buffer.h"
#include "common/result.h"

namespace remora::network {

class SplicePipe {
 public:
  // pipe2() with O_NONBLOCK | O_CLOEXEC, grown to kCapacity when the kernel allows.
  static Result<SplicePipe> create();
  SplicePipe(SplicePipe&& other) noexcept;
  SplicePipe& operator=(SplicePipe&&) = delete;
  SplicePipe(const SplicePipe&) = delete;
  ~SplicePipe();

  // Socket -> pipe, at most what fits. bytes 0 with err 0 is the peer's FIN;
  // EAGAIN: the socket is empty or the pipe has no free slot.
  buffer::IoCallResult fill(int from_fd);
  // Pipe -> socket. EAGAIN: the socket's send buffer is full.
  buffer::IoCallResult drain(int to_fd);
  size_t pending() const { return pending_; }
  bool full() const { return pending_ >= capacity_; }

  static constexpr size_t kCapacity = 256 * 1024;

 private:
  SplicePipe(int read_fd, int write_fd, size_t capacity);
  int read_fd_ = -1;
  int write_fd_ = -1;
  size_t capacity_ = 0;
  size_t pending_ = 0;
};

}  // namespace remora::network
