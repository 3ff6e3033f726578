#pragma once

// Fixed-size chunks of index entries carved from large slabs, so that the
// entries of all 4096 partitions pay no per-chunk allocator header and do not
// interleave with (and fragment around) the hash-slot arrays that are freed
// as tables grow. Chunks are never returned: a partition reuses its freed
// entries itself, and the arena is released whole with the index.
//
// Threads: allocate() and memoryBytes() are thread-safe (a mutex; one call per
// kChunkEntries inserts into a partition, so it is rarely contended).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "kv/index/index_entry.h"

namespace remora::kv::index {

class EntryArena {
 public:
  // Large enough that malloc serves each slab with its own mmap.
  static constexpr size_t kSlabBytes = 256 * 1024;

  explicit EntryArena(size_t chunk_entries) : chunk_bytes_(chunk_entries * sizeof(IndexEntry)) {}

  // A chunk of default-constructed entries, valid as long as the arena.
  IndexEntry* allocate() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (slabs_.empty() || used_ + chunk_bytes_ > kSlabBytes) {
      slabs_.push_back(std::make_unique<std::byte[]>(kSlabBytes));
      used_ = 0;
    }
    IndexEntry* chunk = reinterpret_cast<IndexEntry*>(slabs_.back().get() + used_);
    for (size_t i = 0; i < chunk_bytes_ / sizeof(IndexEntry); ++i) {
      new (chunk + i) IndexEntry();
    }
    used_ += chunk_bytes_;
    return chunk;
  }

  uint64_t memoryBytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return slabs_.size() * kSlabBytes + slabs_.capacity() * sizeof(void*);
  }

 private:
  const size_t chunk_bytes_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<std::byte[]>> slabs_;
  size_t used_ = 0;
};

}  // namespace remora::kv::index
