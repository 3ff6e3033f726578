#pragma once

// `storage-engine memory`: the primary index plus each record's encoded bytes
// (record_codec.h) in one heap allocation. Nothing survives a restart.
// Threads: as Engine; every method may be called from any thread.

#include <atomic>
#include <memory>

#include "kv/index/primary_index.h"
#include "kv/storage/clock.h"
#include "kv/storage/engine.h"
#include "kv/storage/partition_locks.h"
#include "kv/storage/set_registry.h"
#include "kv/storage/storage_config.h"

namespace remora::kv::storage {

class MemoryEngine : public Engine {
 public:
  MemoryEngine(const StorageConfig& config, ClockPtr clock);
  ~MemoryEngine() override;

  Status start() override;
  Status shutdown() override;
  Result<std::optional<Record>> read(uint32_t partition, const Digest& digest) override;
  Result<std::optional<RecordMeta>> readMeta(uint32_t partition, const Digest& digest) override;
  Result<bool> exists(uint32_t partition, const Digest& digest) override;
  Status write(uint32_t partition, const Record& record) override;
  Result<bool> remove(uint32_t partition, const Digest& digest) override;
  void scan(uint32_t partition, const std::function<bool(const Record&)>& visit) override;
  Status truncate(const std::string& set_name, uint64_t before_ms) override;
  uint64_t expire(uint32_t partition, uint32_t now_void_time) override;
  EngineStats stats() const override;

 private:
  bool live(const index::IndexEntry& entry) const;
  void release(index::IndexEntry& entry);
  // Erases the entries of `partition` the predicate picks; returns how many.
  uint64_t eraseIf(uint32_t partition, const std::function<bool(const index::IndexEntry&)>& pick);

  const uint32_t max_record_size_;
  ClockPtr clock_;
  index::PrimaryIndex index_;
  PartitionLocks locks_;
  SetRegistry sets_;
  std::atomic<uint64_t> data_bytes_{0};
};

}  // namespace remora::kv::storage
