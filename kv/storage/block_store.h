#pragma once

// The log-structured space of a device namespace: the devices cut into write
// blocks, each block's state and live bytes, the free list, and the one open
// write block that every record (new writes and defrag moves alike) is
// appended to. Appending to a single stream keeps "later position = newer
// copy" true, which cold start relies on (docs/kv_storage.md).
//
// Block life: kFree → kOpen (buffer in memory, pages flushed as they fill or
// on commit/flush) → kUsed (sealed: whole block on the device) → kDefrag
// (taken by the defragmenter) → kFree (header page erased on the device).
//
// Threads: every method is thread-safe (one internal mutex). Callers that
// also hold a partition lock take it first (lock order: partition → store).
// Device reads of sealed blocks happen outside the mutex.

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "common/result.h"
#include "kv/index/index_entry.h"
#include "kv/storage/aligned_buffer.h"
#include "kv/storage/device_io.h"

namespace remora::kv::storage {

struct BlockStoreOptions {
  uint32_t write_block_size = 1u << 20;
  uint64_t namespace_sig = 0;
  bool commit_to_device = false;
  uint32_t defrag_lwm_pct = 50;
};

struct BlockStoreStats {
  uint64_t blocks_total = 0;
  uint64_t blocks_free = 0;
  uint64_t blocks_pending_defrag = 0;
  uint64_t write_errors = 0;
  uint64_t device_full_errors = 0;
};

class BlockStore {
 public:
  // Blocks kept free for the defragmenter: user writes see a full device one
  // block earlier, so defrag can always make room (a victim is < 1 block).
  static constexpr uint32_t kDefragReserveBlocks = 1;

  // Writes the record bytes (alignRecord(size) of them, padding zeroed) at
  // `out`; `block_seq` is the sequence of the block they land in.
  using Encoder = std::function<void(uint8_t* out, uint64_t block_seq)>;

  BlockStore(BlockStoreOptions options, std::vector<DeviceIoPtr> devices);

  // --- Cold start (single-threaded, before any other call) ---
  uint32_t deviceCount() const { return static_cast<uint32_t>(devices_.size()); }
  uint32_t blocksOnDevice(uint32_t device) const;
  Status readBlock(uint32_t block_id, uint8_t* out);
  void installFree(uint32_t block_id);
  void installUsed(uint32_t block_id, uint64_t seq);
  uint64_t seqOf(uint32_t block_id) const;
  void addLive(uint32_t block_id, uint32_t bytes);
  void finishColdStart(uint64_t next_seq);

  // --- Data path ---
  // Appends a record of `size` bytes. kDeviceFull when no block is free
  // (`for_defrag` may use the reserve); kIo when a device write failed, in
  // which case nothing was appended. With commit_to_device the record is on
  // stable storage when this returns.
  Result<index::DeviceLocation> append(uint32_t size, bool for_defrag, const Encoder& encode);
  // The record at `loc` is no longer referenced by the index.
  void markDead(index::DeviceLocation loc, uint32_t size);
  // Copies the `size` record bytes at `loc` into `out`.
  Status readRecord(index::DeviceLocation loc, uint32_t size, std::vector<uint8_t>& out);
  // Writes the open block's unflushed pages; with `sync`, fdatasyncs every
  // device written since the last sync.
  Status flush(bool sync);

  // --- Defragmenter ---
  // Used blocks below the low-water mark, now kDefrag; fewest live bytes first.
  std::vector<uint32_t> takeDefragCandidates();
  uint32_t liveBytes(uint32_t block_id) const;
  // Erases the block's header page (durably) and frees it. Call only once
  // its live bytes are 0 and the copies made of them are flushed and synced.
  Status release(uint32_t block_id);
  // Gives a kDefrag block back to kUsed (it could not be emptied).
  void abandon(uint32_t block_id);
  // Blocks that hold data (kOpen, kUsed, kDefrag), for the tomb raider.
  std::vector<uint32_t> usedBlocks() const;
  // Like readBlock, but a kOpen block is copied from memory.
  Status readBlockAnyState(uint32_t block_id, uint8_t* out);

  // Called (under the store's mutex: it must only signal) when a used
  // block drops below the low-water mark.
  void setBelowLwmCallback(std::function<void()> callback) { below_lwm_ = std::move(callback); }

  uint32_t blockSize() const { return options_.write_block_size; }
  BlockStoreStats stats() const;
  bool anyBuffered() const;

 private:
  enum class State : uint8_t { kFree, kOpen, kUsed, kDefrag };
  struct Block {
    uint64_t seq = 0;
    uint32_t live = 0;
    State state = State::kFree;
  };

  size_t slot(uint32_t block_id) const {
    return device_base_[index::deviceOfBlock(block_id)] + index::blockInDevice(block_id);
  }
  uint64_t deviceOffset(uint32_t block_id) const {
    return static_cast<uint64_t>(index::blockInDevice(block_id)) * options_.write_block_size;
  }
  DeviceIo& deviceOf(uint32_t block_id) { return *devices_[index::deviceOfBlock(block_id)]; }
  bool belowLwm(const Block& b) const {
    return static_cast<uint64_t>(b.live) * 100 <
           static_cast<uint64_t>(options_.defrag_lwm_pct) * options_.write_block_size;
  }

  Status openBlockLocked(bool for_defrag);
  Status sealLocked();
  // Writes pages [flushed_, fill_) of the open block.
  Status writeOpenPagesLocked(uint32_t end);

  const BlockStoreOptions options_;
  std::vector<DeviceIoPtr> devices_;
  std::vector<size_t> device_base_;
  std::function<void()> below_lwm_;

  mutable std::mutex mutex_;
  std::vector<Block> blocks_;
  std::deque<uint32_t> free_;
  std::vector<bool> needs_sync_;
  uint64_t next_seq_ = 1;
  bool has_open_ = false;
  uint32_t open_id_ = 0;
  AlignedBuffer buffer_;
  uint32_t fill_ = 0;
  uint32_t flushed_ = 0;  // bytes of the open block known to be written
  uint64_t write_errors_ = 0;
  uint64_t device_full_errors_ = 0;
};

}  // namespace remora::kv::storage
