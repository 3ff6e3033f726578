#include "kv/storage/block_store.h"

#include <algorithm>
#include <cstring>

#include "common/assert.h"
#include "kv/storage/aligned_buffer.h"
#include "kv/storage/block_format.h"
#include "kv/storage/record_codec.h"
#include "kv/storage/storage_error.h"

namespace remora::kv::storage {

namespace {
uint32_t alignDown(uint32_t v) { return v & ~(kIoAlign - 1); }
uint32_t alignUp(uint32_t v) { return (v + kIoAlign - 1) & ~(kIoAlign - 1); }

// Block buffers per namespace (the open one plus those waiting for the
// writer): about 4 MiB, enough to keep the device busy between appends.
constexpr uint32_t kBufferBudget = 4u << 20;
uint32_t bufferCount(uint32_t block_size) {
  return std::clamp<uint32_t>(kBufferBudget / block_size, 2, 8);
}
}  // namespace

BlockStore::BlockStore(BlockStoreOptions options, std::vector<DeviceIoPtr> devices)
    : options_(options),
      devices_(std::move(devices)),
      buffers_(options.write_block_size, bufferCount(options.write_block_size) + 1) {
  size_t total = 0;
  for (uint32_t d = 0; d < devices_.size(); ++d) {
    device_base_.push_back(total);
    total += blocksOnDevice(d);
  }
  blocks_.resize(total);
  needs_sync_.assign(devices_.size(), false);
  for (uint32_t i = 0; i + 1 < buffers_.count(); ++i) {
    spare_.push_back(buffers_.at(i));
  }
  scratch_ = buffers_.at(buffers_.count() - 1);
}

BlockStore::~BlockStore() { stopWriter(); }

uint32_t BlockStore::blocksOnDevice(uint32_t device) const {
  const uint64_t n = devices_[device]->size() / options_.write_block_size;
  return static_cast<uint32_t>(std::min<uint64_t>(n, index::kMaxBlocksPerDevice));
}

Status BlockStore::readBlock(uint32_t block_id, uint8_t* out) {
  return deviceOf(block_id).readAt(out, options_.write_block_size, deviceOffset(block_id));
}

void BlockStore::installFree(uint32_t block_id) {
  blocks_[slot(block_id)] = Block{};
  free_.push_back(block_id);
}

void BlockStore::installUsed(uint32_t block_id, uint64_t seq) {
  blocks_[slot(block_id)] = Block{seq, 0, State::kUsed};
}

uint64_t BlockStore::seqOf(uint32_t block_id) const { return blocks_[slot(block_id)].seq; }

void BlockStore::addLive(uint32_t block_id, uint32_t bytes) {
  blocks_[slot(block_id)].live += bytes;
}

void BlockStore::finishColdStart(uint64_t next_seq) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    next_seq_ = next_seq;
  }
  startWriter();
}

bool BlockStore::deviceFullLocked(bool for_defrag) {
  if (free_.size() > (for_defrag ? 0 : kDefragReserveBlocks)) {
    return false;
  }
  if (!for_defrag) {
    ++device_full_errors_;
  }
  return true;
}

const BlockStore::Buffered* BlockStore::bufferedLocked(uint32_t block_id) const {
  if (has_open_ && open_.id == block_id) {
    return &open_;
  }
  for (const Buffered& b : sealed_) {
    if (b.id == block_id) {
      return &b;
    }
  }
  return nullptr;
}

Status BlockStore::openBlockLocked(std::unique_lock<std::mutex>& lock, bool for_defrag) {
  // Every buffer is waiting for the writer: wait for one, unless the device
  // is failing, in which case the writer gets one more try.
  const bool waits = spare_.empty();
  const auto wait_start = std::chrono::steady_clock::now();
  while (spare_.empty()) {
    if (stopping_) {
      return storageError(StorageErrorCode::kShutDown, "block store stopping");
    }
    if (failing_) {
      const uint64_t attempt = attempts_;
      retry_now_ = true;
      writer_cv_.notify_one();
      done_cv_.wait(lock, [&] { return !spare_.empty() || attempts_ != attempt || stopping_; });
      if (spare_.empty()) {
        return storageError(StorageErrorCode::kIo, "device writes failing: no write buffer free");
      }
    } else {
      done_cv_.wait(lock, [&] { return !spare_.empty() || failing_ || stopping_; });
    }
  }
  if (waits) {
    ++buffer_waits_;
    buffer_wait_us_ += microsSince(wait_start);
  }
  // The lock may have been released: the caller re-checks (and counts) a
  // full device.
  if (has_open_ || free_.size() <= (for_defrag ? 0 : kDefragReserveBlocks)) {
    return okStatus();
  }
  open_.id = free_.front();
  free_.pop_front();
  open_.buf = spare_.back();
  spare_.pop_back();
  Block& b = blocks_[slot(open_.id)];
  b = Block{next_seq_++, 0, State::kOpen};
  BlockHeader header;
  header.namespace_sig = options_.namespace_sig;
  header.block_seq = b.seq;
  header.write_block_size = options_.write_block_size;
  header.device_index = index::deviceOfBlock(open_.id);
  header.block_index = index::blockInDevice(open_.id);
  encodeBlockHeader(header, open_.buf);
  open_.fill = kBlockHeaderSize;
  open_.flushed = 0;
  has_open_ = true;
  return okStatus();
}

Status BlockStore::sealLocked() {
  // The writer writes the whole tail, zeros included, so no stale bytes of
  // the block's previous life follow the last record. Buffers are reused
  // without being cleared (a whole block's memset is ~0.1 µs per 1 KiB
  // record), so the tail after the last record is zeroed here: usually
  // less than one record.
  std::memset(open_.buf + open_.fill, 0, options_.write_block_size - open_.fill);
  blocks_[slot(open_.id)].state = State::kSealed;
  open_.end_ticket = appended_;
  sealed_.push_back(std::move(open_));
  open_ = Buffered{};
  has_open_ = false;
  writer_cv_.notify_one();
  return okStatus();
}

Status BlockStore::waitLocked(std::unique_lock<std::mutex>& lock, Waiter& waiter) {
  if (!writer_.joinable() || stopping_) {
    return storageError(StorageErrorCode::kShutDown, "block store not running");
  }
  waiters_.push_back(&waiter);
  retry_now_ = true;
  writer_cv_.notify_one();
  done_cv_.wait(lock, [&] { return waiter.done; });
  return waiter.result;
}

Result<index::DeviceLocation> BlockStore::append(uint32_t size, bool for_defrag,
                                                 const Encoder& encode) {
  const uint32_t aligned = alignRecord(size);
  if (aligned > options_.write_block_size - kBlockHeaderSize) {
    return storageError(StorageErrorCode::kRecordTooBig, "record larger than a write block");
  }
  std::unique_lock<std::mutex> lock(mutex_);
  while (!has_open_ || open_.fill + aligned > options_.write_block_size) {
    if (deviceFullLocked(for_defrag)) {
      return storageError(StorageErrorCode::kDeviceFull, "device full: no free write block");
    }
    if (has_open_) {
      (void)sealLocked();
    }
    Status st = openBlockLocked(lock, for_defrag);
    if (!st) {
      return st.error();
    }
  }
  const uint32_t offset = open_.fill;
  const index::DeviceLocation loc{open_.id, offset};
  Block& b = blocks_[slot(open_.id)];
  encode(open_.buf + offset, b.seq);
  open_.fill += aligned;
  b.live += aligned;
  appended_ += aligned;
  if (!options_.commit_to_device) {
    return loc;
  }
  // Group commit: the writer writes and syncs everything waiting at once. If
  // that fails, every record not yet on stable storage (this one included)
  // is taken back out of the buffers and its append fails.
  Waiter waiter;
  waiter.ticket = appended_;
  waiter.sync = true;
  Status st = waitLocked(lock, waiter);
  if (!st) {
    return st.error();
  }
  return loc;
}

void BlockStore::markDead(index::DeviceLocation loc, uint32_t size) {
  const uint32_t aligned = alignRecord(size);
  std::lock_guard<std::mutex> lock(mutex_);
  Block& b = blocks_[slot(loc.block_id)];
  REMORA_ASSERT(b.live >= aligned, "live bytes underflow");
  const bool was_below = belowLwm(b);
  b.live -= std::min(b.live, aligned);
  if (b.state == State::kUsed && !was_below && belowLwm(b) && below_lwm_) {
    below_lwm_();
  }
}

Status BlockStore::readRecord(index::DeviceLocation loc, uint32_t size, std::vector<uint8_t>& out) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (const Buffered* b = bufferedLocked(loc.block_id)) {
      out.assign(b->buf + loc.offset, b->buf + loc.offset + size);
      return okStatus();
    }
  }
  // A block not in memory was written whole to the device.
  device_reads_.fetch_add(1, std::memory_order_relaxed);
  const uint32_t start = alignDown(loc.offset);
  const uint32_t end = alignUp(loc.offset + size);
  AlignedBuffer buf(end - start);
  Status st =
      deviceOf(loc.block_id).readAt(buf.data(), end - start, deviceOffset(loc.block_id) + start);
  if (!st) {
    return st;
  }
  const uint8_t* p = buf.data() + (loc.offset - start);
  out.assign(p, p + size);
  return okStatus();
}

Status BlockStore::flush(bool sync) {
  std::unique_lock<std::mutex> lock(mutex_);
  Waiter waiter;
  waiter.ticket = appended_;
  waiter.sync = sync;
  return waitLocked(lock, waiter);
}

std::vector<uint32_t> BlockStore::takeDefragCandidates() {
  // Sealed blocks still in memory become candidates once written.
  (void)flush(/*sync=*/false);
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::pair<uint32_t, uint32_t>> found;  // live, block id
  for (uint32_t d = 0; d < devices_.size(); ++d) {
    const uint32_t n = blocksOnDevice(d);
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t id = index::makeBlockId(d, i);
      Block& b = blocks_[slot(id)];
      if (b.state == State::kUsed && belowLwm(b)) {
        b.state = State::kDefrag;
        found.emplace_back(b.live, id);
      }
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<uint32_t> ids;
  ids.reserve(found.size());
  for (const auto& f : found) {
    ids.push_back(f.second);
  }
  return ids;
}

uint32_t BlockStore::liveBytes(uint32_t block_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return blocks_[slot(block_id)].live;
}

Status BlockStore::release(uint32_t block_id) {
  // Erased, not just forgotten: a later cold start must not find the dead
  // versions in it (the tomb raider counted on them being gone).
  AlignedBuffer zeros(kIoAlign);
  DeviceIo& device = deviceOf(block_id);
  Status st = device.writeAt(zeros.data(), kIoAlign, deviceOffset(block_id));
  if (st) {
    st = device.sync();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  Block& b = blocks_[slot(block_id)];
  if (!st) {
    ++write_errors_;
    b.state = State::kUsed;
    return st;
  }
  b = Block{};
  free_.push_back(block_id);
  return okStatus();
}

void BlockStore::abandon(uint32_t block_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  blocks_[slot(block_id)].state = State::kUsed;
}

std::vector<uint32_t> BlockStore::usedBlocks() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<uint32_t> ids;
  for (uint32_t d = 0; d < devices_.size(); ++d) {
    const uint32_t n = blocksOnDevice(d);
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t id = index::makeBlockId(d, i);
      if (blocks_[slot(id)].state != State::kFree) {
        ids.push_back(id);
      }
    }
  }
  return ids;
}

Status BlockStore::readBlockAnyState(uint32_t block_id, uint8_t* out) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (const Buffered* b = bufferedLocked(block_id)) {
      // An open block's buffer holds stale bytes after `fill`.
      std::memcpy(out, b->buf, b->fill);
      std::memset(out + b->fill, 0, options_.write_block_size - b->fill);
      return okStatus();
    }
  }
  return readBlock(block_id, out);
}

BlockStoreStats BlockStore::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  BlockStoreStats s;
  s.blocks_total = blocks_.size();
  s.blocks_free = free_.size();
  for (const Block& b : blocks_) {
    if (b.state == State::kUsed && belowLwm(b)) {
      ++s.blocks_pending_defrag;
    }
  }
  s.write_errors = write_errors_;
  s.device_full_errors = device_full_errors_;
  s.block_writes = block_writes_;
  s.block_write_us = block_write_us_;
  s.buffer_waits = buffer_waits_;
  s.buffer_wait_us = buffer_wait_us_;
  s.device_reads = device_reads_.load(std::memory_order_relaxed);
  return s;
}

bool BlockStore::anyBuffered() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return (has_open_ && open_.flushed < open_.fill) || !sealed_.empty();
}

}  // namespace remora::kv::storage
