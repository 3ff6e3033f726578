#pragma once

// The log-structured space of a device namespace: the devices cut into write
// blocks, each block's state and live bytes, the free list, and the one open
// write block that every record (new writes and defrag moves alike) is
// appended to. Appending to a single stream keeps "later position = newer
// copy" true, which cold start relies on (docs/kv_storage.md).
//
// Block life: kFree → kOpen (buffer in memory, being filled) → kSealed (full;
// queued for the writer thread, still served from memory) → kUsed (whole
// block on the device) → kDefrag (taken by the defragmenter) → kFree (header
// page erased on the device).
//
// Device writes of data blocks happen on one writer thread (block_writer.cc),
// so appends keep filling the next buffer while the previous block is being
// written (a small pool of block buffers; an append waits for a buffer only
// when the device is slower than the appends). With commit_to_device an
// append waits until its bytes are written and synced; appends waiting
// together share one write and one fdatasync (group commit).
//
// Threads: every method is thread-safe (one internal mutex, never held over
// device I/O on the data path). Callers that also hold a partition lock take
// it first (lock order: partition → store).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/result.h"
#include "kv/index/index_entry.h"
#include "kv/storage/block_buffers.h"
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
  // Where the write path's time goes (docs/kv_storage.md, "Measuring").
  uint64_t block_writes = 0;    // device writes of data blocks (whole or dirty pages)
  uint64_t block_write_us = 0;  // the writer thread's time in those writes
  uint64_t buffer_waits = 0;    // appends that found no free block buffer
  uint64_t buffer_wait_us = 0;  // and their time waiting for one
  uint64_t device_reads = 0;    // readRecord() calls that went to the device
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
  // Stops the writer thread; anything not flushed is dropped (call flush first).
  ~BlockStore();

  // --- Cold start (single-threaded, before any other call) ---
  uint32_t deviceCount() const { return static_cast<uint32_t>(devices_.size()); }
  uint32_t blocksOnDevice(uint32_t device) const;
  Status readBlock(uint32_t block_id, uint8_t* out);
  void installFree(uint32_t block_id);
  void installUsed(uint32_t block_id, uint64_t seq);
  uint64_t seqOf(uint32_t block_id) const;
  void addLive(uint32_t block_id, uint32_t bytes);
  // Ends cold start and starts the writer thread.
  void finishColdStart(uint64_t next_seq);

  // --- Data path ---
  // Appends a record of `size` bytes. kDeviceFull when no block is free
  // (`for_defrag` may use the reserve); kIo when a device write failed, in
  // which case nothing was appended. With commit_to_device the record is on
  // stable storage when this returns (kIo if its group failed to get there:
  // then the record is taken back out). Appends never fail because an earlier
  // buffered block failed to write, unless every block buffer is waiting on
  // the failing device: then kIo after one more attempt.
  Result<index::DeviceLocation> append(uint32_t size, bool for_defrag, const Encoder& encode);
  // The record at `loc` is no longer referenced by the index.
  void markDead(index::DeviceLocation loc, uint32_t size);
  // Copies the `size` record bytes at `loc` into `out`.
  Status readRecord(index::DeviceLocation loc, uint32_t size, std::vector<uint8_t>& out);
  // Returns once everything appended before the call is on the device (the
  // sealed blocks and the open block's pages), fdatasynced with `sync`; or
  // the error of a write or sync that failed meanwhile.
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
  void setBelowLwmCallback(std::function<void()> callback) {
    std::lock_guard<std::mutex> lock(mutex_);
    below_lwm_ = std::move(callback);
  }

  uint32_t blockSize() const { return options_.write_block_size; }
  BlockStoreStats stats() const;
  bool anyBuffered() const;

 private:
  enum class State : uint8_t { kFree, kOpen, kSealed, kUsed, kDefrag };
  struct Block {
    uint64_t seq = 0;
    uint32_t live = 0;
    State state = State::kFree;
  };
  // A block whose bytes are (partly) only in memory: the open one, or a
  // sealed one waiting for the writer.
  struct Buffered {
    uint32_t id = 0;
    uint8_t* buf = nullptr;   // one of buffers_; bytes past `fill` are stale until sealed
    uint32_t fill = 0;        // bytes appended
    uint32_t flushed = 0;     // bytes known written (and synced, with commit_to_device)
    uint64_t end_ticket = 0;  // ticket of its last byte once sealed
  };
  // An append (commit_to_device) or a flush waiting for the writer.
  struct Waiter {
    uint64_t ticket = 0;  // everything appended up to here must be written
    bool sync = false;
    bool done = false;
    Status result = okStatus();
  };
  // One device write taken by the writer thread.
  struct WriteJob {
    uint32_t id = 0;
    const uint8_t* data = nullptr;
    uint32_t start = 0;
    uint32_t end = 0;
    uint32_t fill = 0;  // the block's fill when taken
    uint64_t ticket = 0;
    bool sealed = false;
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
  static uint64_t microsSince(std::chrono::steady_clock::time_point start) {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - start)
                                     .count());
  }
  bool deviceFullLocked(bool for_defrag);
  const Buffered* bufferedLocked(uint32_t block_id) const;

  // block_store.cc
  Status openBlockLocked(std::unique_lock<std::mutex>& lock, bool for_defrag);
  Status sealLocked();
  Status waitLocked(std::unique_lock<std::mutex>& lock, Waiter& waiter);

  // block_writer.cc: the writer thread.
  void startWriter();
  void stopWriter();
  void writerLoop();
  bool takeJobLocked(WriteJob& job);
  void finishJobLocked(const WriteJob& job);
  Status syncDevicesLocked(std::unique_lock<std::mutex>& lock);
  void rollBackLocked();
  // Wakes the waiters up to ticket `upto` with `result`; all of them when it is an error.
  void resolveLocked(uint64_t upto, const Status& result);

  const BlockStoreOptions options_;
  std::vector<DeviceIoPtr> devices_;
  std::vector<size_t> device_base_;
  std::function<void()> below_lwm_;

  mutable std::mutex mutex_;
  std::condition_variable writer_cv_;  // the writer waits for work
  std::condition_variable done_cv_;    // waiters and buffer-starved appends
  std::vector<Block> blocks_;
  std::deque<uint32_t> free_;
  std::vector<bool> needs_sync_;
  uint64_t next_seq_ = 1;
  bool has_open_ = false;
  Buffered open_;
  std::deque<Buffered> sealed_;
  BlockBuffers buffers_;         // the pool below and scratch_
  std::vector<uint8_t*> spare_;  // free buffers
  uint8_t* scratch_ = nullptr;   // the writer's copy of the open block's dirty pages
  uint64_t appended_ = 0;        // tickets: bytes ever appended (aligned sizes)
  uint64_t written_ = 0;         // every ticket up to here is on the device
  std::deque<Waiter*> waiters_;
  uint64_t attempts_ = 0;  // finished writer jobs (ok or not)
  bool failing_ = false;   // the last write or sync failed
  bool retry_now_ = false;
  bool stopping_ = false;
  std::thread writer_;
  uint64_t write_errors_ = 0;
  uint64_t device_full_errors_ = 0;
  uint64_t block_writes_ = 0;
  uint64_t block_write_us_ = 0;
  uint64_t buffer_waits_ = 0;
  uint64_t buffer_wait_us_ = 0;
  std::atomic<uint64_t> device_reads_{0};  // counted outside the mutex
};

}  // namespace remora::kv::storage
