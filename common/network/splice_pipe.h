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

  // TCP_NOTSENT_LOWAT for the socket a pipe drains into: that socket takes
  // bytes only while fewer than this many wait unsent in it, so the rest stays
  // in the pipe and goes out from the proxy's own splice call. Without the
  // cap, bytes the socket cannot send at once wait in the kernel and are sent
  // as ACKs come in, in the softirq of the core that handles those ACKs; on
  // one host that is the peer's core, which then also did the proxy's
  // transmit work (bulk through the proxy: docs/benchmarks.md).
  static constexpr int kSinkNotSentLowat = 64 * 1024;
  // Sets it on `sink_fd`; false (errno set) where the kernel lacks it.
  static bool capSinkUnsent(int sink_fd);

 private:
  SplicePipe(int read_fd, int write_fd, size_t capacity);
  int read_fd_ = -1;
  int write_fd_ = -1;
  size_t capacity_ = 0;
  size_t pending_ = 0;
};

}  // namespace remora::network
