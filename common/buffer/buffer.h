#pragma once

// A byte queue for network I/O, backed by libevent's evbuffer (chains of
// slices, zero-copy moves between buffers, readv/writev). The evbuffer exists
// only while the buffer holds bytes, so the many idle buffers of idle
// connections cost a pointer each. Not thread-safe: a buffer belongs to the
// thread of the connection that owns it.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <cerrno>
#include <sys/types.h>

struct evbuffer;

namespace remora::buffer {

// Outcome of a single read(2)/write(2) system call made on a buffer's behalf.
struct IoCallResult {
  ssize_t bytes = 0;  // >= 0 when err == 0
  int err = 0;        // errno of the failed call; EAGAIN means "try later"
  bool wouldBlock() const { return err == EAGAIN || err == EWOULDBLOCK; }
};

class Buffer {
 public:
  Buffer();
  virtual ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  void add(const void* data, size_t size);
  void add(std::string_view data) { add(data.data(), data.size()); }
  void prepend(std::string_view data);
  // Moves all (or the first `size`) bytes of `other` to the end of this buffer
  // without copying the payload.
  void move(Buffer& other);
  void move(Buffer& other, size_t size);
  void drain(size_t size);
  size_t length() const;
  bool empty() const { return length() == 0; }

  // Copies `size` bytes starting at `offset` into `out`; returns false if the
  // buffer holds fewer bytes.
  bool copyOut(size_t offset, size_t size, void* out) const;
  // Makes the first `size` bytes contiguous and returns them (nullptr if
  // fewer bytes are present). Valid until the buffer is next modified.
  const uint8_t* linearize(size_t size);
  std::string toString() const;
  // Returns the offset of `needle` or -1.
  ssize_t search(std::string_view needle, size_t start = 0) const;

  // Writable space at the end of the buffer, from reserve() to commit().
  struct Reservation {
    uint8_t* data;
    size_t length;  // at least the size asked for
  };
  // Reserves writable space of at least `size` bytes at the end; commit(r, n)
  // then appends the first n bytes written there. Every reservation must be
  // committed, with n = 0 if nothing was written (an empty buffer is then
  // released), and nothing else may change the buffer in between.
  Reservation reserve(size_t size);
  void commit(const Reservation& reservation, size_t size);

  // One read of at most `max_bytes` from a socket, appended to the buffer
  // (fewer only if the socket holds fewer). Up to kScratchBytes into an empty
  // buffer go through the thread's scratch space (readIntoEmpty()).
  IoCallResult readFromFd(int fd, size_t max_bytes);
  static constexpr size_t kScratchBytes = 16 * 1024;
  // One writev(2) of as much as the kernel takes; written bytes are drained.
  IoCallResult writeToFd(int fd);

 protected:
  // Called after every change of length; the watermark buffer overrides it.
  virtual void onLengthChanged() {}

 private:
  IoCallResult readIntoEmpty(int fd, size_t max_bytes);
  evbuffer* ensure();
  void releaseIfEmpty();

  evbuffer* buf_ = nullptr;
};

using BufferPtr = std::unique_ptr<Buffer>;

}  // namespace remora::buffer
