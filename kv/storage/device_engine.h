#pragma once

// `storage-engine device`: the primary index in memory, record bodies in a
// log-structured stream of write blocks on raw devices or files
// (docs/kv_storage.md). Records are never overwritten in place; deletes and
// truncations write tombstones; a background defragmenter compacts blocks
// below defrag-lwm-pct; a flusher bounds how long buffered writes wait.
//
// Threads: as Engine. start() and shutdown() from the owner's thread, with
// no other call in flight; everything else from any thread.

#include <memory>

#include "kv/storage/background_loop.h"
#include "kv/storage/defragmenter.h"
#include "kv/storage/device_engine_state.h"
#include "kv/storage/device_io.h"
#include "kv/storage/engine.h"

namespace remora::kv::storage {

class DeviceEngine : public Engine {
 public:
  // `opener` opens each configured device (PosixDeviceIo when null).
  DeviceEngine(const StorageConfig& config, ClockPtr clock, DeviceOpener opener = nullptr);
  ~DeviceEngine() override;

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

  // Operational hooks (an info command, tests). Safe alongside the
  // background threads.
  // One defragmentation pass now; returns the number of blocks freed.
  Result<uint64_t> defragNow();
  // One tomb-raider run now; returns the number of tombstones dropped.
  Result<uint64_t> runTombRaider();
  // What the flusher does: buffered writes to the device, then fdatasync.
  Status flushNow();

 private:
  bool running() const { return running_.load(std::memory_order_acquire); }
  // Under the partition lock: appends a tombstone for `e` and repoints it.
  Status writeTombstone(index::IndexEntry& e);
  Result<std::optional<Record>> load(const index::IndexEntry& e);
  // Under the partition lock: the key's entry if it holds a live record.
  index::IndexEntry* findLive(uint32_t partition, const Digest& digest);
  void backgroundDefrag();

  DeviceOpener opener_;
  std::unique_ptr<DeviceEngineState> state_;
  Defragmenter defragmenter_;
  std::unique_ptr<BackgroundLoop> flusher_;
  std::unique_ptr<BackgroundLoop> defrag_loop_;
  uint64_t last_raid_ms_ = 0;  // defrag thread only
  std::atomic<bool> running_{false};
};

}  // namespace remora::kv::storage
