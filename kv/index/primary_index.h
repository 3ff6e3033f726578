#pragma once

// The primary index of a namespace: digest → IndexEntry for each of the 4096
// partitions. Aerospike keeps this in memory for every record; so do we.
//
// Threads: calls on one partition must be serialised by the caller (the
// storage engines hold a per-partition mutex); calls on different partitions
// may run concurrently. recordCount() and memoryBytes() may be read from any
// thread at any time (relaxed atomics: a snapshot, not a barrier).

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "kv/index/partition_table.h"
#include "kv/storage/record.h"

namespace remora::kv::index {

class PrimaryIndex {
 public:
  PrimaryIndex();

  IndexEntry* find(uint32_t partition, const storage::Digest& digest) {
    return tables_[partition].find(digest);
  }
  // See PartitionTable::findOrInsert.
  IndexEntry* findOrInsert(uint32_t partition, const storage::Digest& digest, bool& created);
  bool erase(uint32_t partition, const storage::Digest& digest);

  // Cache hints for a lookup about to happen, to issue before other work
  // (taking the lock, encoding the record) so the misses overlap it. With
  // 4096 partitions the table's header, its slot and its entry are each
  // usually a cache miss. prefetchTable needs no lock (only the address is
  // used); prefetch reads the table, so the caller holds the partition's lock.
  void prefetchTable(uint32_t partition) const { __builtin_prefetch(&tables_[partition]); }
  void prefetch(uint32_t partition, const storage::Digest& digest) const {
    tables_[partition].prefetch(digest);
  }
  // The visitor must not insert or erase.
  void forEach(uint32_t partition, const std::function<void(IndexEntry&)>& visit) {
    tables_[partition].forEach(visit);
  }
  uint32_t partitionSize(uint32_t partition) const { return tables_[partition].size(); }

  uint64_t recordCount() const { return count_.load(std::memory_order_relaxed); }
  uint64_t memoryBytes() const {
    return bytes_.load(std::memory_order_relaxed) + arena_.memoryBytes();
  }

 private:
  void account(uint64_t before, uint64_t after);

  EntryArena arena_{PartitionTable::kChunkEntries};
  std::unique_ptr<std::array<PartitionTable, storage::kPartitionCount>> tables_storage_;
  std::array<PartitionTable, storage::kPartitionCount>& tables_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> bytes_{0};
};

}  // namespace remora::kv::index
