#pragma once

// The memory of block-sized I/O buffers: `count` buffers of `block_size`
// bytes in one anonymous mapping, zeroed, aligned for O_DIRECT, and advised
// onto transparent huge pages.
//
// Why huge pages: the kernel sends an O_DIRECT write to the disk as one
// segment per run of physically contiguous memory, and a virtio disk takes
// at most `max_segments` of them per request (254 on our VMs). A 1 MiB buffer
// of scattered 4 KiB pages (256 segments) therefore goes out as two requests,
// the second only once the first completes — measured 720–1100 µs per 1 MiB
// write instead of 450–600 µs from huge pages (fio, whose one buffer happens
// to be contiguous: 400–530 µs). A buffer inside a 2 MiB huge page is one
// segment. Without huge pages (THP disabled, or none free) the
// buffers are ordinary pages: correct, only slower writes. The mapping is
// rounded up to whole huge pages: at most 2 MiB more than the buffers.
//
// Threads: immutable after construction; a buffer's bytes belong to whoever
// holds its pointer.

#include <cstddef>
#include <cstdint>

namespace remora::kv::storage {

class BlockBuffers {
 public:
  // Out of memory ends the process, as everywhere in Remora.
  BlockBuffers(uint32_t block_size, uint32_t count);
  ~BlockBuffers();
  BlockBuffers(const BlockBuffers&) = delete;
  BlockBuffers& operator=(const BlockBuffers&) = delete;

  // Buffer `i` (< count()), owned by this object.
  uint8_t* at(uint32_t i) const { return base_ + static_cast<size_t>(i) * block_size_; }
  uint32_t count() const { return count_; }
  uint32_t blockSize() const { return block_size_; }

 private:
  void* mapping_ = nullptr;
  size_t mapping_bytes_ = 0;
  uint8_t* base_ = nullptr;
  uint32_t block_size_ = 0;
  uint32_t count_ = 0;
};

}  // namespace remora::kv::storage
