#include "common/buffer/buffer.h"

#include <event2/buffer.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "common/assert.h"

namespace remora::buffer {

Buffer::Buffer() = default;

Buffer::~Buffer() {
  if (buf_ != nullptr) evbuffer_free(buf_);
}

evbuffer* Buffer::ensure() {
  if (buf_ == nullptr) {
    buf_ = evbuffer_new();
    REMORA_RELEASE_ASSERT(buf_ != nullptr, "out of memory");
  }
  return buf_;
}

void Buffer::releaseIfEmpty() {
  if (buf_ != nullptr && evbuffer_get_length(buf_) == 0) {
    evbuffer_free(buf_);
    buf_ = nullptr;
  }
}

void Buffer::add(const void* data, size_t size) {
  if (size == 0) return;
  REMORA_RELEASE_ASSERT(evbuffer_add(ensure(), data, size) == 0, "out of memory");
  onLengthChanged();
}

void Buffer::prepend(std::string_view data) {
  if (data.empty()) return;
  REMORA_RELEASE_ASSERT(evbuffer_prepend(ensure(), data.data(), data.size()) == 0, "out of memory");
  onLengthChanged();
}

void Buffer::move(Buffer& other) {
  if (other.length() == 0) return;
  if (buf_ == nullptr) {
    // Into an empty buffer (a proxy forwarding a read): take the other's
    // evbuffer whole, no allocation.
    buf_ = other.buf_;
    other.buf_ = nullptr;
  } else {
    REMORA_RELEASE_ASSERT(evbuffer_add_buffer(buf_, other.buf_) == 0, "out of memory");
    other.releaseIfEmpty();
  }
  other.onLengthChanged();
  onLengthChanged();
}

void Buffer::move(Buffer& other, size_t size) {
  if (size == 0 || other.length() == 0) return;
  REMORA_RELEASE_ASSERT(evbuffer_remove_buffer(other.buf_, ensure(), size) >= 0, "out of memory");
  other.releaseIfEmpty();
  other.onLengthChanged();
  onLengthChanged();
}

void Buffer::drain(size_t size) {
  if (size == 0 || buf_ == nullptr) return;
  evbuffer_drain(buf_, size);
  releaseIfEmpty();
  onLengthChanged();
}

size_t Buffer::length() const { return buf_ == nullptr ? 0 : evbuffer_get_length(buf_); }

bool Buffer::copyOut(size_t offset, size_t size, void* out) const {
  if (offset + size > length()) return false;
  if (size == 0) return true;
  evbuffer_ptr pos;
  if (evbuffer_ptr_set(buf_, &pos, offset, EVBUFFER_PTR_SET) != 0) return false;
  return evbuffer_copyout_from(buf_, &pos, out, size) == static_cast<ssize_t>(size);
}

const uint8_t* Buffer::linearize(size_t size) {
  if (size > length()) return nullptr;
  if (size == 0) return reinterpret_cast<const uint8_t*>("");
  return evbuffer_pullup(buf_, static_cast<ssize_t>(size));
}

std::string Buffer::toString() const {
  std::string out(length(), '\0');
  copyOut(0, out.size(), out.data());
  return out;
}

ssize_t Buffer::search(std::string_view needle, size_t start) const {
  if (start > length() || buf_ == nullptr) return -1;
  evbuffer_ptr from;
  if (evbuffer_ptr_set(buf_, &from, start, EVBUFFER_PTR_SET) != 0) return -1;
  evbuffer_ptr found = evbuffer_search(buf_, needle.data(), needle.size(), &from);
  return found.pos;
}

Buffer::Reservation Buffer::reserve(size_t size) {
  evbuffer_iovec vec;
  int n = evbuffer_reserve_space(ensure(), static_cast<ssize_t>(size), &vec, 1);
  REMORA_RELEASE_ASSERT(n == 1 && vec.iov_len >= size, "out of memory");
  return {static_cast<uint8_t*>(vec.iov_base), vec.iov_len};
}

void Buffer::commit(const Reservation& reservation, size_t size) {
  REMORA_RELEASE_ASSERT(buf_ != nullptr && size <= reservation.length, "commit without reserve");
  evbuffer_iovec vec;
  vec.iov_base = reservation.data;
  vec.iov_len = size;
  REMORA_RELEASE_ASSERT(evbuffer_commit_space(buf_, &vec, 1) == 0, "commit failed");
  releaseIfEmpty();
  if (size > 0) onLengthChanged();
}

IoCallResult Buffer::readFromFd(int fd, size_t max_bytes) {
  if (buf_ == nullptr && max_bytes <= kScratchBytes) return readIntoEmpty(fd, max_bytes);
  constexpr int kMaxSlices = 2;
  evbuffer_iovec vecs[kMaxSlices];
  int n = evbuffer_reserve_space(ensure(), static_cast<ssize_t>(max_bytes), vecs, kMaxSlices);
  REMORA_RELEASE_ASSERT(n > 0, "out of memory");
  iovec iov[kMaxSlices];
  size_t room = 0;
  int used = 0;
  for (; used < n && room < max_bytes; ++used) {
    iov[used].iov_base = vecs[used].iov_base;
    iov[used].iov_len = std::min(vecs[used].iov_len, max_bytes - room);
    room += iov[used].iov_len;
  }
  ssize_t rc = ::readv(fd, iov, used);
  if (rc <= 0) {
    int err = rc < 0 ? errno : 0;
    evbuffer_commit_space(buf_, vecs, 0);
    // An idle connection holds no read memory: the unused reservation goes
    // back with the buffer if nothing else is in it.
    releaseIfEmpty();
    return {0, err};
  }
  size_t left = static_cast<size_t>(rc);
  int commit = 0;
  for (; commit < used && left > 0; ++commit) {
    vecs[commit].iov_len = std::min(iov[commit].iov_len, left);
    left -= vecs[commit].iov_len;
  }
  evbuffer_commit_space(buf_, vecs, commit);
  if (rc > 0) onLengthChanged();
  return {rc, 0};
}

IoCallResult Buffer::readIntoEmpty(int fd, size_t max_bytes) {
  // Most reads into an empty buffer find nothing (EAGAIN), the end of the
  // stream, or one short message. Read into the thread's scratch space, so
  // that none of them allocates (and frees) an evbuffer and a 16 KiB chain,
  // and a short message is copied into a chain of its own size.
  thread_local std::array<uint8_t, kScratchBytes> scratch;
  ssize_t rc = ::recv(fd, scratch.data(), max_bytes, 0);
  if (rc <= 0) return {0, rc < 0 ? errno : 0};
  add(scratch.data(), static_cast<size_t>(rc));
  return {rc, 0};
}

IoCallResult Buffer::writeToFd(int fd) {
  constexpr int kMaxSlices = 16;
  evbuffer_iovec vecs[kMaxSlices];
  if (buf_ == nullptr) return {0, 0};
  int n = evbuffer_peek(buf_, -1, nullptr, vecs, kMaxSlices);
  if (n <= 0) return {0, 0};
  iovec iov[kMaxSlices];
  int count = std::min(n, kMaxSlices);
  for (int i = 0; i < count; ++i) {
    iov[i].iov_base = vecs[i].iov_base;
    iov[i].iov_len = vecs[i].iov_len;
  }
  ssize_t rc = ::writev(fd, iov, count);
  if (rc < 0) return {0, errno};
  drain(static_cast<size_t>(rc));
  return {rc, 0};
}

}  // namespace remora::buffer
