#pragma once

// The storage engine behind a namespace: a primary index in memory and record
// bodies in memory or on a device. The partition is the unit of locking,
// scanning and (later) migration: callers serialise operations on one
// partition (the node holds a per-partition lock around read-modify-write);
// operations on different partitions may run concurrently from any thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "kv/storage/record.h"

namespace remora::kv::storage {

enum class StorageErrorCode : int {
  kNone = 0,
  kDeviceFull = 1,    // no free block: writes refused, reads keep working
  kIo = 2,            // a failed or short device read/write
  kRecordTooBig = 3,  // larger than a write block
  kCorrupt = 4,       // checksum mismatch on read
  // Added with the storage engine (issue 5):
  kTooManySets = 5,    // the namespace already has the maximum number of sets (4095)
  kForeignDevice = 6,  // a device holds data of another namespace or program: refused at start
  kShutDown = 7,       // the engine is not started, or was shut down
};

struct EngineStats {
  uint64_t records = 0;
  uint64_t tombstones = 0;
  uint64_t index_bytes = 0;       // memory used by the primary index
  uint64_t data_bytes = 0;        // live record bytes
  uint64_t device_total_bytes = 0;
  uint64_t device_free_bytes = 0;
  uint64_t write_blocks_total = 0;
  uint64_t write_blocks_free = 0;
  uint64_t defrag_blocks_reclaimed = 0;
  uint64_t defrag_records_moved = 0;
  uint64_t write_errors = 0;
  // Added with the storage engine (issue 5):
  uint64_t read_errors = 0;            // failed or short device reads
  uint64_t corrupt_records = 0;        // checksum/format failures (reads and cold start)
  uint64_t direct_io_fallbacks = 0;    // devices opened buffered because O_DIRECT was refused
  uint64_t device_full_errors = 0;     // writes refused with kDeviceFull
  uint64_t defrag_blocks_pending = 0;  // used blocks below defrag-lwm-pct, awaiting defrag
  uint64_t tombstones_reaped = 0;      // tombstones dropped by the tomb raider
  uint64_t cold_start_records = 0;     // record copies read by the last cold start
  uint64_t cold_start_ms = 0;          // duration of the last cold start
  // Where a device engine's write time goes:
  uint64_t block_writes = 0;    // device writes of data blocks (whole blocks or dirty pages)
  uint64_t block_write_us = 0;  // time spent in them (with commit-to-device, their syncs too)
  uint64_t buffer_waits = 0;    // writes that found every block buffer waiting for the device
  uint64_t buffer_wait_us = 0;  // and the time they waited
  // Record reads that went to the device (not served from a write buffer).
  uint64_t device_reads = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // Brings the engine up; for a device engine this is the cold start that
  // rebuilds the index by scanning the device.
  virtual Status start() = 0;
  // Flushes what is buffered and closes the devices.
  virtual Status shutdown() = 0;

  // nullopt when absent (or expired: void_time passed per `now_void_time`).
  virtual Result<std::optional<Record>> read(uint32_t partition, const Digest& digest) = 0;
  virtual Result<bool> exists(uint32_t partition, const Digest& digest) = 0;
  // The record's metadata from the primary index alone: never reads a
  // device. nullopt when absent or expired, as read().
  virtual Result<std::optional<RecordMeta>> readMeta(uint32_t partition, const Digest& digest) = 0;
  // Stores the whole record (replacing any earlier version). Acknowledged
  // durability follows the namespace's commit-to-device setting.
  virtual Status write(uint32_t partition, const Record& record) = 0;
  // Removes the record durably (a tombstone on a device, so it never returns
  // after a restart). Returns false if it was not there.
  virtual Result<bool> remove(uint32_t partition, const Digest& digest) = 0;
  // Visits the records of one partition; stop by returning false.
  virtual void scan(uint32_t partition, const std::function<bool(const Record&)>& visit) = 0;
  // Removes every record of `set_name` (all sets if empty) last updated
  // before `before_ms` (since the Unix epoch).
  virtual Status truncate(const std::string& set_name, uint64_t before_ms) = 0;
  // Removes records whose void_time is before `now_void_time`; returns how many.
  virtual uint64_t expire(uint32_t partition, uint32_t now_void_time) = 0;

  virtual EngineStats stats() const = 0;
};

using EnginePtr = std::unique_ptr<Engine>;

}  // namespace remora::kv::storage
