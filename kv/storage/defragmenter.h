#pragma once

// Defragmentation and tomb raiding for the device engine.
//
// pass(): every used block whose live bytes are below defrag-lwm-pct has its
// live records (those the index still points at) appended again to the write
// stream, under their partition's lock so a concurrent write of the same
// digest is never clobbered; then the moved copies are synced and the block
// is erased and freed.
//
// raidTombs(): a tombstone entry may be dropped once no other non-tombstone
// copy of its digest remains in any used block (Aerospike EE's tomb raider):
// until then, forgetting it could let the older copy return at cold start.
//
// Threads: both may run concurrently with the data path from any one thread;
// an internal mutex runs one pass or raid at a time.

#include <cstdint>
#include <mutex>

#include "common/result.h"
#include "kv/storage/device_engine_state.h"

namespace remora::kv::storage {

class Defragmenter {
 public:
  explicit Defragmenter(DeviceEngineState& state) : state_(state) {}

  // Returns the number of blocks freed.
  Result<uint64_t> pass();
  // Returns the number of tombstones dropped.
  Result<uint64_t> raidTombs();

 private:
  // Moves the live records of `block_id`; true if it is now empty.
  bool evacuate(uint32_t block_id, uint8_t* image);

  DeviceEngineState& state_;
  std::mutex mutex_;
};

}  // namespace remora::kv::storage
