#pragma once

// One mutex per partition. The engines take it around every index access,
// because besides the callers (who already serialise per partition) the
// engine's own threads (defragmenter, tomb raider) and cross-partition calls
// (truncate) touch the same entries.

#include <array>
#include <memory>
#include <mutex>

#include "kv/storage/record.h"

namespace remora::kv::storage {

class PartitionLocks {
 public:
  PartitionLocks() : locks_(std::make_unique<std::array<Padded, kPartitionCount>>()) {}

  std::mutex& of(uint32_t partition) { return (*locks_)[partition].mutex; }

 private:
  struct alignas(64) Padded {
    std::mutex mutex;
  };
  std::unique_ptr<std::array<Padded, kPartitionCount>> locks_;
};

}  // namespace remora::kv::storage
