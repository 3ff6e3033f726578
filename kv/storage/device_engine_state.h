#pragma once

// What the device engine's parts share: the index, the block store, the
// partition locks and the counters. DeviceEngine (the data path), ColdStart
// and Defragmenter each hold a reference; DeviceEngine owns it.
//
// Threads: index entries of a partition only under locks.of(partition);
// counters are relaxed atomics.

#include <atomic>
#include <cstdint>
#include <memory>

#include "kv/index/primary_index.h"
#include "kv/storage/block_store.h"
#include "kv/storage/clock.h"
#include "kv/storage/partition_locks.h"
#include "kv/storage/set_registry.h"
#include "kv/storage/storage_config.h"

namespace remora::kv::storage {

struct DeviceEngineState {
  DeviceEngineState(StorageConfig c, ClockPtr k) : config(std::move(c)), clock(std::move(k)) {}

  bool expired(const index::IndexEntry& e) const {
    return e.voidTime() != 0 && e.voidTime() < clock->nowVoidTime();
  }
  // Under the partition lock, before `e` is pointed elsewhere or erased: its
  // current on-device copy stops counting as live.
  void dropCopy(const index::IndexEntry& e) {
    store->markDead(e.deviceLocation(), e.size());
    if (e.tombstone()) {
      tombstones.fetch_sub(1, std::memory_order_relaxed);
    } else {
      data_bytes.fetch_sub(e.size(), std::memory_order_relaxed);
    }
  }
  // The converse, once `e` points at its new copy.
  void countCopy(const index::IndexEntry& e) {
    if (e.tombstone()) {
      tombstones.fetch_add(1, std::memory_order_relaxed);
    } else {
      data_bytes.fetch_add(e.size(), std::memory_order_relaxed);
    }
  }

  const StorageConfig config;
  const ClockPtr clock;
  std::unique_ptr<BlockStore> store;
  index::PrimaryIndex index;
  PartitionLocks locks;
  SetRegistry sets;

  std::atomic<uint64_t> tombstones{0};
  std::atomic<uint64_t> data_bytes{0};
  std::atomic<uint64_t> read_errors{0};
  std::atomic<uint64_t> corrupt_records{0};
  std::atomic<uint64_t> direct_io_fallbacks{0};
  std::atomic<uint64_t> defrag_blocks_reclaimed{0};
  std::atomic<uint64_t> defrag_records_moved{0};
  std::atomic<uint64_t> tombstones_reaped{0};
  std::atomic<uint64_t> cold_start_records{0};
  std::atomic<uint64_t> cold_start_ms{0};
};

}  // namespace remora::kv::storage
