#include "kv/storage/device_engine.h"

#include <algorithm>
#include <vector>

#include "common/logging/logger.h"
#include "kv/storage/cold_start.h"
#include "kv/storage/posix_device_io.h"
#include "kv/storage/record_codec.h"
#include "kv/storage/storage_error.h"

namespace remora::kv::storage {

namespace {

constexpr uint32_t kMinBlockSize = 16 * 1024;
constexpr uint32_t kMaxBlockSize = 8 * 1024 * 1024;

Status validate(const StorageConfig& c) {
  const uint32_t bs = c.write_block_size;
  if (bs < kMinBlockSize || bs > kMaxBlockSize || (bs & (bs - 1)) != 0) {
    return makeError("write-block-size must be a power of two from 16 KiB to 8 MiB");
  }
  if (c.devices.empty() || c.devices.size() > index::kMaxDevices) {
    return makeError("storage-engine device needs 1 to 128 devices");
  }
  if (c.defrag_lwm_pct == 0 || c.defrag_lwm_pct >= 100) {
    return makeError("defrag-lwm-pct must be 1..99");
  }
  if (c.max_record_size > bs - kBlockHeaderSize) {
    return makeError("max-record-size must not exceed write-block-size minus 64");
  }
  return okStatus();
}

Error notRunning() {
  return storageError(StorageErrorCode::kShutDown, "storage engine not running");
}

}  // namespace

DeviceEngine::DeviceEngine(const StorageConfig& config, ClockPtr clock, DeviceOpener opener)
    : opener_(std::move(opener)),
      state_(std::make_unique<DeviceEngineState>(config, std::move(clock))),
      defragmenter_(*state_) {}

DeviceEngine::~DeviceEngine() { (void)shutdown(); }

Status DeviceEngine::start() {
  if (running() || state_->store != nullptr) {
    return makeError("storage engine already started");
  }
  const StorageConfig& config = state_->config;
  Status valid = validate(config);
  if (!valid) {
    return valid;
  }
  std::vector<DeviceIoPtr> devices;
  for (uint32_t i = 0; i < config.devices.size(); ++i) {
    const DeviceConfig& d = config.devices[i];
    auto device =
        opener_ ? opener_(d.path, d.filesize, i) : PosixDeviceIo::open(d.path, d.filesize);
    if (!device) {
      return device.error();
    }
    if (!(*device)->directIo()) {
      state_->direct_io_fallbacks.fetch_add(1, std::memory_order_relaxed);
    }
    if ((*device)->size() < config.write_block_size * 2ull) {
      return makeError("device " + d.path + " holds fewer than 2 write blocks");
    }
    devices.push_back(std::move(*device));
  }
  BlockStoreOptions options;
  options.write_block_size = config.write_block_size;
  options.namespace_sig = namespaceSignature(config.namespace_name);
  options.commit_to_device = config.commit_to_device;
  options.defrag_lwm_pct = config.defrag_lwm_pct;
  state_->store = std::make_unique<BlockStore>(options, std::move(devices));

  Status cold = ColdStart(*state_).run();
  if (!cold) {
    state_->store.reset();
    return cold;
  }
  flusher_ = std::make_unique<BackgroundLoop>(std::max<uint32_t>(config.flush_max_ms, 1), [this] {
    Status st = flushNow();
    if (!st) {
      REMORA_LOG(err, logging::Component::Kv, "storage: flush failed: {}", st.error().message);
    }
  });
  flusher_->start();
  if (config.defrag_sleep_ms > 0) {
    defrag_loop_ =
        std::make_unique<BackgroundLoop>(config.defrag_sleep_ms, [this] { backgroundDefrag(); });
    state_->store->setBelowLwmCallback([loop = defrag_loop_.get()] { loop->wake(); });
    defrag_loop_->start();
  }
  running_.store(true, std::memory_order_release);
  return okStatus();
}

Status DeviceEngine::shutdown() {
  if (!running_.exchange(false)) {
    return okStatus();
  }
  if (defrag_loop_) {
    defrag_loop_->stop();
  }
  flusher_->stop();
  Status st = state_->store->flush(/*sync=*/true);
  state_->store->setBelowLwmCallback(nullptr);
  state_->store.reset();  // closes the devices
  return st;
}

void DeviceEngine::backgroundDefrag() {
  auto freed = defragmenter_.pass();
  if (!freed) {
    REMORA_LOG(err, logging::Component::Kv, "storage: defrag failed: {}", freed.error().message);
  }
  const uint32_t period = state_->config.tomb_raider_period_ms;
  const uint64_t now = state_->clock->nowMs();
  if (period != 0 && now - last_raid_ms_ >= period) {
    last_raid_ms_ = now;
    auto reaped = defragmenter_.raidTombs();
    if (!reaped) {
      REMORA_LOG(err, logging::Component::Kv, "storage: tomb raider failed: {}",
                 reaped.error().message);
    }
  }
}

Result<uint64_t> DeviceEngine::defragNow() {
  if (!running()) return notRunning();
  return defragmenter_.pass();
}

Result<uint64_t> DeviceEngine::runTombRaider() {
  if (!running()) return notRunning();
  return defragmenter_.raidTombs();
}

Status DeviceEngine::flushNow() {
  if (!running() && state_->store == nullptr) return notRunning();
  return state_->store->flush(/*sync=*/true);
}

Result<std::optional<Record>> DeviceEngine::load(const index::IndexEntry& e) {
  std::vector<uint8_t> bytes;
  Status st = state_->store->readRecord(e.deviceLocation(), e.size(), bytes);
  if (!st) {
    state_->read_errors.fetch_add(1, std::memory_order_relaxed);
    return st.error();
  }
  auto record = decodeRecord(bytes.data(), bytes.size());
  if (!record || record->digest != e.digest()) {
    state_->corrupt_records.fetch_add(1, std::memory_order_relaxed);
    return storageError(
        StorageErrorCode::kCorrupt,
        record ? "record digest does not match its index entry" : record.error().message);
  }
  return std::optional<Record>(std::move(*record));
}

index::IndexEntry* DeviceEngine::findLive(uint32_t partition, const Digest& digest) {
  index::IndexEntry* e = state_->index.find(partition, digest);
  if (e == nullptr || e->tombstone() || state_->expired(*e)) return nullptr;
  return e;
}

Result<std::optional<Record>> DeviceEngine::read(uint32_t partition, const Digest& digest) {
  if (!running()) return notRunning();
  std::lock_guard<std::mutex> lock(state_->locks.of(partition));
  const index::IndexEntry* e = findLive(partition, digest);
  if (e == nullptr) return std::optional<Record>();
  return load(*e);
}

Result<std::optional<RecordMeta>> DeviceEngine::readMeta(uint32_t partition, const Digest& digest) {
  if (!running()) return notRunning();
  std::lock_guard<std::mutex> lock(state_->locks.of(partition));
  const index::IndexEntry* e = findLive(partition, digest);
  if (e == nullptr) return std::optional<RecordMeta>();
  return std::optional<RecordMeta>(recordMetaOf(*e, state_->sets));
}

Result<bool> DeviceEngine::exists(uint32_t partition, const Digest& digest) {
  if (!running()) return notRunning();
  std::lock_guard<std::mutex> lock(state_->locks.of(partition));
  const index::IndexEntry* e = state_->index.find(partition, digest);
  return e != nullptr && !e->tombstone() && !state_->expired(*e);
}

Status DeviceEngine::write(uint32_t partition, const Record& record) {
  if (!running()) return notRunning();
  state_->index.prefetchTable(partition);
  const uint32_t size = encodedRecordSize(record);
  const uint32_t limit = state_->config.max_record_size != 0
                             ? state_->config.max_record_size
                             : state_->config.write_block_size - kBlockHeaderSize;
  if (size == 0 || alignRecord(size) > limit) {
    return storageError(StorageErrorCode::kRecordTooBig, "record too big for a write block");
  }
  const auto set_id = state_->sets.idFor(record.set_name);
  if (!set_id) {
    return storageError(StorageErrorCode::kTooManySets, "namespace has too many sets");
  }
  std::lock_guard<std::mutex> lock(state_->locks.of(partition));
  // The index's misses (slot, entry) load while the record is encoded.
  state_->index.prefetch(partition, record.digest);
  auto loc = state_->store->append(size, /*for_defrag=*/false, [&](uint8_t* out, uint64_t seq) {
    encodeRecord(record, seq, out);
  });
  if (!loc) {
    return loc.error();
  }
  bool created = false;
  index::IndexEntry* e = state_->index.findOrInsert(partition, record.digest, created);
  if (e == nullptr) {
    state_->store->markDead(*loc, size);
    return storageError(StorageErrorCode::kDeviceFull, "partition index full");
  }
  if (!created) {
    state_->dropCopy(*e);
  }
  e->setGeneration(record.generation);
  e->setVoidTime(record.void_time);
  e->setLastUpdateMs(record.last_update_time_ms);
  e->setSetId(*set_id);
  e->setTombstone(false);
  e->setHasUserKey(record.user_key.has_value());
  e->setSize(size);
  e->setDeviceLocation(*loc);
  state_->countCopy(*e);
  return okStatus();
}

Status DeviceEngine::writeTombstone(index::IndexEntry& e) {
  const uint64_t now = state_->clock->nowMs();
  auto loc = state_->store->append(kRecordHeaderSize, /*for_defrag=*/false,
                                   [&](uint8_t* out, uint64_t seq) {
                                     encodeTombstone(e.digest(), e.generation(), now, seq, out);
                                   });
  if (!loc) {
    return loc.error();
  }
  state_->dropCopy(e);
  e.setTombstone(true);
  e.setHasUserKey(false);
  e.setLastUpdateMs(now);
  e.setVoidTime(0);
  e.setSize(kRecordHeaderSize);
  e.setDeviceLocation(*loc);
  state_->countCopy(e);
  return okStatus();
}

Result<bool> DeviceEngine::remove(uint32_t partition, const Digest& digest) {
  if (!running()) return notRunning();
  std::lock_guard<std::mutex> lock(state_->locks.of(partition));
  index::IndexEntry* e = findLive(partition, digest);
  if (e == nullptr) return false;
  Status st = writeTombstone(*e);
  if (!st) {
    return st.error();
  }
  return true;
}

void DeviceEngine::scan(uint32_t partition, const std::function<bool(const Record&)>& visit) {
  if (!running()) return;
  std::lock_guard<std::mutex> lock(state_->locks.of(partition));
  bool more = true;
  state_->index.forEach(partition, [&](index::IndexEntry& e) {
    if (!more || e.tombstone() || state_->expired(e)) {
      return;
    }
    auto record = load(e);
    if (record) {
      more = visit(**record);
    }
  });
}

Status DeviceEngine::truncate(const std::string& set_name, uint64_t before_ms) {
  if (!running()) return notRunning();
  const auto set_id = state_->sets.find(set_name);
  if (!set_id) {
    return okStatus();  // nothing was ever written to that set
  }
  const bool all_sets = set_name.empty();
  for (uint32_t p = 0; p < kPartitionCount; ++p) {
    std::lock_guard<std::mutex> lock(state_->locks.of(p));
    std::vector<index::IndexEntry*> victims;
    state_->index.forEach(p, [&](index::IndexEntry& e) {
      if (!e.tombstone() && (all_sets || e.setId() == *set_id) && e.lastUpdateMs() < before_ms) {
        victims.push_back(&e);
      }
    });
    // Tombstones, not index erasure: a truncated record must not come back
    // at the next cold start either.
    for (index::IndexEntry* e : victims) {
      Status st = writeTombstone(*e);
      if (!st) {
        return st;
      }
    }
  }
  return okStatus();
}

uint64_t DeviceEngine::expire(uint32_t partition, uint32_t now_void_time) {
  if (!running()) return 0;
  std::lock_guard<std::mutex> lock(state_->locks.of(partition));
  uint64_t expired = 0;
  state_->index.forEach(partition, [&](index::IndexEntry& e) {
    if (e.tombstone() || e.voidTime() == 0 || e.voidTime() >= now_void_time) {
      return;
    }
    // The expired copy stays the entry's copy (and live in its block): it is
    // what keeps older versions dead at cold start until the tomb raider
    // finds none left.
    state_->data_bytes.fetch_sub(e.size(), std::memory_order_relaxed);
    state_->tombstones.fetch_add(1, std::memory_order_relaxed);
    e.setTombstone(true);
    ++expired;
  });
  return expired;
}

EngineStats DeviceEngine::stats() const {
  const DeviceEngineState& s = *state_;
  EngineStats out;
  out.tombstones = s.tombstones.load(std::memory_order_relaxed);
  const uint64_t entries = s.index.recordCount();
  out.records = entries > out.tombstones ? entries - out.tombstones : 0;
  out.index_bytes = s.index.memoryBytes();
  out.data_bytes = s.data_bytes.load(std::memory_order_relaxed);
  if (s.store != nullptr) {
    const BlockStoreStats b = s.store->stats();
    out.device_total_bytes = b.blocks_total * s.config.write_block_size;
    out.device_free_bytes = b.blocks_free * s.config.write_block_size;
    out.write_blocks_total = b.blocks_total;
    out.write_blocks_free = b.blocks_free;
    out.defrag_blocks_pending = b.blocks_pending_defrag;
    out.write_errors = b.write_errors;
    out.device_full_errors = b.device_full_errors;
    out.block_writes = b.block_writes;
    out.block_write_us = b.block_write_us;
    out.buffer_waits = b.buffer_waits;
    out.buffer_wait_us = b.buffer_wait_us;
    out.device_reads = b.device_reads;
  }
  out.defrag_blocks_reclaimed = s.defrag_blocks_reclaimed.load(std::memory_order_relaxed);
  out.defrag_records_moved = s.defrag_records_moved.load(std::memory_order_relaxed);
  out.read_errors = s.read_errors.load(std::memory_order_relaxed);
  out.corrupt_records = s.corrupt_records.load(std::memory_order_relaxed);
  out.direct_io_fallbacks = s.direct_io_fallbacks.load(std::memory_order_relaxed);
  out.tombstones_reaped = s.tombstones_reaped.load(std::memory_order_relaxed);
  out.cold_start_records = s.cold_start_records.load(std::memory_order_relaxed);
  out.cold_start_ms = s.cold_start_ms.load(std::memory_order_relaxed);
  return out;
}

}  // namespace remora::kv::storage
