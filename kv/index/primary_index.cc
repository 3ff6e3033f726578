#include "kv/index/primary_index.h"

namespace remora::kv::index {

PrimaryIndex::PrimaryIndex()
    : tables_storage_(std::make_unique<std::array<PartitionTable, storage::kPartitionCount>>()),
      tables_(*tables_storage_) {
  for (PartitionTable& table : tables_) {
    table.setArena(&arena_);
  }
  bytes_.store(sizeof(*this) + sizeof(*tables_storage_), std::memory_order_relaxed);
}

void PrimaryIndex::account(uint64_t before, uint64_t after) {
  if (after >= before) {
    bytes_.fetch_add(after - before, std::memory_order_relaxed);
  } else {
    bytes_.fetch_sub(before - after, std::memory_order_relaxed);
  }
}

IndexEntry* PrimaryIndex::findOrInsert(uint32_t partition, const storage::Digest& digest,
                                       bool& created) {
  PartitionTable& table = tables_[partition];
  // memoryBytes() reads cold fields: only when the insert may allocate.
  const bool may_allocate = table.mayAllocateOnInsert();
  const uint64_t before = may_allocate ? table.memoryBytes() : 0;
  IndexEntry* entry = table.findOrInsert(digest, created);
  if (created) {
    count_.fetch_add(1, std::memory_order_relaxed);
    if (may_allocate) account(before, table.memoryBytes());
  }
  return entry;
}

bool PrimaryIndex::erase(uint32_t partition, const storage::Digest& digest) {
  PartitionTable& table = tables_[partition];
  const uint64_t before = table.memoryBytes();
  const bool erased = table.erase(digest);
  if (erased) {
    count_.fetch_sub(1, std::memory_order_relaxed);
    account(before, table.memoryBytes());
  }
  return erased;
}

}  // namespace remora::kv::index
