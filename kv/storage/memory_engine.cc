#include "kv/storage/memory_engine.h"

#include <vector>

#include "kv/storage/block_format.h"
#include "kv/storage/record_codec.h"
#include "kv/storage/storage_error.h"

namespace remora::kv::storage {

MemoryEngine::MemoryEngine(const StorageConfig& config, ClockPtr clock)
    : max_record_size_(config.max_record_size != 0 ? config.max_record_size
                                                   : config.write_block_size - kBlockHeaderSize),
      clock_(std::move(clock)) {}

MemoryEngine::~MemoryEngine() {
  for (uint32_t p = 0; p < kPartitionCount; ++p) {
    index_.forEach(p, [this](index::IndexEntry& e) { release(e); });
  }
}

Status MemoryEngine::start() { return okStatus(); }
Status MemoryEngine::shutdown() { return okStatus(); }

bool MemoryEngine::live(const index::IndexEntry& entry) const {
  return entry.voidTime() == 0 || entry.voidTime() >= clock_->nowVoidTime();
}

void MemoryEngine::release(index::IndexEntry& entry) {
  delete[] static_cast<uint8_t*>(entry.memoryLocation());
  entry.setMemoryLocation(nullptr);
  data_bytes_.fetch_sub(entry.size(), std::memory_order_relaxed);
}

Result<std::optional<Record>> MemoryEngine::read(uint32_t partition, const Digest& digest) {
  std::lock_guard<std::mutex> lock(locks_.of(partition));
  const index::IndexEntry* e = index_.find(partition, digest);
  if (e == nullptr || !live(*e)) {
    return std::optional<Record>();
  }
  auto record = decodeRecord(static_cast<const uint8_t*>(e->memoryLocation()), e->size());
  if (!record) {
    return record.error();
  }
  return std::optional<Record>(std::move(*record));
}

Result<std::optional<RecordMeta>> MemoryEngine::readMeta(uint32_t partition, const Digest& digest) {
  std::lock_guard<std::mutex> lock(locks_.of(partition));
  const index::IndexEntry* e = index_.find(partition, digest);
  if (e == nullptr || !live(*e)) {
    return std::optional<RecordMeta>();
  }
  return std::optional<RecordMeta>(recordMetaOf(*e, sets_));
}

Result<bool> MemoryEngine::exists(uint32_t partition, const Digest& digest) {
  std::lock_guard<std::mutex> lock(locks_.of(partition));
  const index::IndexEntry* e = index_.find(partition, digest);
  return e != nullptr && live(*e);
}

Status MemoryEngine::write(uint32_t partition, const Record& record) {
  const uint32_t size = encodedRecordSize(record);
  if (size == 0 || size > max_record_size_) {
    return storageError(StorageErrorCode::kRecordTooBig, "record too big");
  }
  auto set_id = sets_.idFor(record.set_name);
  if (!set_id) {
    return storageError(StorageErrorCode::kTooManySets, "too many sets");
  }
  // Encode outside the lock; the allocation is the record's only heap block.
  std::unique_ptr<uint8_t[]> body(new uint8_t[alignRecord(size)]);
  encodeRecord(record, 0, body.get());

  std::lock_guard<std::mutex> lock(locks_.of(partition));
  bool created = false;
  index::IndexEntry* e = index_.findOrInsert(partition, record.digest, created);
  if (e == nullptr) {
    return storageError(StorageErrorCode::kDeviceFull, "partition index full");
  }
  if (!created) {
    release(*e);
  }
  e->setGeneration(record.generation);
  e->setVoidTime(record.void_time);
  e->setLastUpdateMs(record.last_update_time_ms);
  e->setSetId(*set_id);
  e->setHasUserKey(record.user_key.has_value());
  e->setSize(size);
  e->setMemoryLocation(body.release());
  data_bytes_.fetch_add(size, std::memory_order_relaxed);
  return okStatus();
}

Result<bool> MemoryEngine::remove(uint32_t partition, const Digest& digest) {
  std::lock_guard<std::mutex> lock(locks_.of(partition));
  index::IndexEntry* e = index_.find(partition, digest);
  if (e == nullptr) {
    return false;
  }
  const bool was_live = live(*e);
  release(*e);
  index_.erase(partition, digest);
  return was_live;
}

void MemoryEngine::scan(uint32_t partition, const std::function<bool(const Record&)>& visit) {
  std::lock_guard<std::mutex> lock(locks_.of(partition));
  bool more = true;
  index_.forEach(partition, [&](index::IndexEntry& e) {
    if (!more || !live(e)) {
      return;
    }
    auto record = decodeRecord(static_cast<const uint8_t*>(e.memoryLocation()), e.size());
    if (record) {
      more = visit(*record);
    }
  });
}

uint64_t MemoryEngine::eraseIf(uint32_t partition,
                               const std::function<bool(const index::IndexEntry&)>& pick) {
  std::lock_guard<std::mutex> lock(locks_.of(partition));
  std::vector<Digest> victims;
  index_.forEach(partition, [&](index::IndexEntry& e) {
    if (pick(e)) {
      victims.push_back(e.digest());
    }
  });
  for (const Digest& d : victims) {
    release(*index_.find(partition, d));
    index_.erase(partition, d);
  }
  return victims.size();
}

Status MemoryEngine::truncate(const std::string& set_name, uint64_t before_ms) {
  const auto set_id = sets_.find(set_name);
  if (!set_id) {
    return okStatus();  // no record was ever written to that set
  }
  const bool all_sets = set_name.empty();
  for (uint32_t p = 0; p < kPartitionCount; ++p) {
    eraseIf(p, [&](const index::IndexEntry& e) {
      return (all_sets || e.setId() == *set_id) && e.lastUpdateMs() < before_ms;
    });
  }
  return okStatus();
}

uint64_t MemoryEngine::expire(uint32_t partition, uint32_t now_void_time) {
  return eraseIf(partition, [&](const index::IndexEntry& e) {
    return e.voidTime() != 0 && e.voidTime() < now_void_time;
  });
}

EngineStats MemoryEngine::stats() const {
  EngineStats s;
  s.records = index_.recordCount();
  s.index_bytes = index_.memoryBytes();
  s.data_bytes = data_bytes_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace remora::kv::storage
