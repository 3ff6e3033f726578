#include "kv/storage/block_buffers.h"

#include <sys/mman.h>

#include <cstring>

#include "common/assert.h"

namespace remora::kv::storage {

namespace {
constexpr size_t kHugePage = size_t{2} << 20;

size_t roundUp(size_t v, size_t to) { return (v + to - 1) / to * to; }
}  // namespace

BlockBuffers::BlockBuffers(uint32_t block_size, uint32_t count)
    : block_size_(block_size), count_(count) {
  const size_t bytes = roundUp(static_cast<size_t>(block_size) * count, kHugePage);
  // One huge page more, so the buffers can start on a huge-page boundary.
  mapping_bytes_ = bytes + kHugePage;
  mapping_ =
      ::mmap(nullptr, mapping_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REMORA_RELEASE_ASSERT(mapping_ != MAP_FAILED, "out of memory");
  const auto start = reinterpret_cast<uintptr_t>(mapping_);
  base_ = reinterpret_cast<uint8_t*>(roundUp(start, kHugePage));
  // Advice only: EINVAL without THP support leaves ordinary pages.
  (void)::madvise(base_, bytes, MADV_HUGEPAGE);
  // Fault the pages in now (as huge pages, after the advice), not on the
  // first appends; they read as zeros either way.
  std::memset(base_, 0, bytes);
}

BlockBuffers::~BlockBuffers() { ::munmap(mapping_, mapping_bytes_); }

}  // namespace remora::kv::storage
