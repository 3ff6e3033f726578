#pragma once

// Cold start: rebuilds the primary index and the block table by reading
// every block of every device. For each digest the copy at the latest
// position wins — (block_seq, offset) is the order in which copies were
// appended, whatever generation or clock the caller put in them. Tombstones
// win like records; expired records load as tombstone entries so that defrag
// keeps them until no older copy remains (docs/kv_storage.md, "Cold start").
//
// Threads: runs alone, before the engine's threads start.

#include "common/result.h"
#include "kv/storage/block_format.h"
#include "kv/storage/record_codec.h"
#include "kv/storage/device_engine_state.h"

namespace remora::kv::storage {

class ColdStart {
 public:
  explicit ColdStart(DeviceEngineState& state) : state_(state) {}

  // kForeignDevice when a device holds anything but this namespace's blocks;
  // kIo when a device cannot be read.
  Status run();

 private:
  Status loadBlock(uint32_t device, uint32_t block, const uint8_t* image, uint64_t& max_seq);
  void consider(uint32_t block_id, uint64_t seq, uint32_t offset, const RecordHeaderView& h);
  void finish();

  DeviceEngineState& state_;
};

}  // namespace remora::kv::storage
