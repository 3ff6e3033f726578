#include "kv/storage/block_store.h"

#include <algorithm>
#include <cstring>

#include "common/assert.h"
#include "kv/storage/block_format.h"
#include "kv/storage/record_codec.h"
#include "kv/storage/storage_error.h"

namespace remora::kv::storage {

namespace {
uint32_t alignDown(uint32_t v) { return v & ~(kIoAlign - 1); }
uint32_t alignUp(uint32_t v) { return (v + kIoAlign - 1) & ~(kIoAlign - 1); }
}  // namespace

BlockStore::BlockStore(BlockStoreOptions options, std::vector<DeviceIoPtr> devices)
    : options_(options), devices_(std::move(devices)), buffer_(options.write_block_size) {
  size_t total = 0;
  for (uint32_t d = 0; d < devices_.size(); ++d) {
    device_base_.push_back(total);
    total += blocksOnDevice(d);
  }
  blocks_.resize(total);
  needs_sync_.assign(devices_.size(), false);
}

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
  std::lock_guard<std::mutex> lock(mutex_);
  next_seq_ = next_seq;
}

Status BlockStore::openBlockLocked(bool for_defrag) {
  if (free_.size() <= (for_defrag ? 0 : kDefragReserveBlocks)) {
    if (!for_defrag) {
      ++device_full_errors_;
    }
    return storageError(StorageErrorCode::kDeviceFull, "device full: no free write block");
  }
  open_id_ = free_.front();
  free_.pop_front();
  Block& b = blocks_[slot(open_id_)];
  b = Block{next_seq_++, 0, State::kOpen};
  std::memset(buffer_.data(), 0, options_.write_block_size);
  BlockHeader header;
  header.namespace_sig = options_.namespace_sig;
  header.block_seq = b.seq;
  header.write_block_size = options_.write_block_size;
  header.device_index = index::deviceOfBlock(open_id_);
  header.block_index = index::blockInDevice(open_id_);
  encodeBlockHeader(header, buffer_.data());
  fill_ = kBlockHeaderSize;
  flushed_ = 0;
  has_open_ = true;
  return okStatus();
}

Status BlockStore::writeOpenPagesLocked(uint32_t end) {
  const uint32_t start = alignDown(flushed_);
  end = alignUp(end);
  if (start >= end) {
    return okStatus();
  }
  Status st = deviceOf(open_id_).writeAt(buffer_.data() + start, end - start,
                                         deviceOffset(open_id_) + start);
  if (!st) {
    ++write_errors_;
    return st;
  }
  needs_sync_[index::deviceOfBlock(open_id_)] = true;
  flushed_ = std::min(end, fill_);
  return okStatus();
}

Status BlockStore::sealLocked() {
  // The whole tail goes out, zeros included, so no stale bytes of the block's
  // previous life follow the last record.
  Status st = writeOpenPagesLocked(options_.write_block_size);
  if (!st) {
    return st;  // the block stays open, in memory, and is retried next time
  }
  Block& b = blocks_[slot(open_id_)];
  b.state = State::kUsed;
  has_open_ = false;
  if (belowLwm(b) && below_lwm_) {
    below_lwm_();
  }
  return okStatus();
}

Result<index::DeviceLocation> BlockStore::append(uint32_t size, bool for_defrag,
                                                 const Encoder& encode) {
  const uint32_t aligned = alignRecord(size);
  if (aligned > options_.write_block_size - kBlockHeaderSize) {
    return storageError(StorageErrorCode::kRecordTooBig, "record larger than a write block");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (has_open_ && fill_ + aligned > options_.write_block_size) {
    if (free_.size() <= (for_defrag ? 0 : kDefragReserveBlocks)) {
      if (!for_defrag) {
        ++device_full_errors_;
      }
      return storageError(StorageErrorCode::kDeviceFull, "device full: no free write block");
    }
    Status st = sealLocked();
    if (!st) {
      return st.error();
    }
  }
  if (!has_open_) {
    Status st = openBlockLocked(for_defrag);
    if (!st) {
      return st.error();
    }
  }
  const uint32_t offset = fill_;
  Block& b = blocks_[slot(open_id_)];
  encode(buffer_.data() + offset, b.seq);
  fill_ += aligned;
  b.live += aligned;
  if (options_.commit_to_device) {
    const uint32_t device = index::deviceOfBlock(open_id_);
    Status st = writeOpenPagesLocked(fill_);
    if (st) {
      st = devices_[device]->sync();
      if (!st) {
        ++write_errors_;
      }
    }
    if (!st) {
      // Not acknowledged, so not kept: the bytes on the device (if any) are
      // overwritten by the next flush of this page and fail their checksum
      // until then.
      std::memset(buffer_.data() + offset, 0, aligned);
      fill_ = offset;
      flushed_ = std::min(flushed_, offset);
      b.live -= aligned;
      return st.error();
    }
    needs_sync_[device] = false;
  }
  return index::DeviceLocation{open_id_, offset};
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
    if (has_open_ && open_id_ == loc.block_id) {
      out.assign(buffer_.data() + loc.offset, buffer_.data() + loc.offset + size);
      return okStatus();
    }
  }
  // A block that is not open was sealed, i.e. written whole to the device.
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
  std::lock_guard<std::mutex> lock(mutex_);
  if (has_open_ && flushed_ < fill_) {
    Status st = writeOpenPagesLocked(fill_);
    if (!st) {
      return st;
    }
  }
  if (sync) {
    // Synced under the mutex: a caller that gets OK back (the defragmenter,
    // before it erases a block) must know everything before it is durable.
    for (uint32_t d = 0; d < devices_.size(); ++d) {
      if (!needs_sync_[d]) {
        continue;
      }
      Status st = devices_[d]->sync();
      if (!st) {
        ++write_errors_;
        return st;
      }
      needs_sync_[d] = false;
    }
  }
  return okStatus();
}

std::vector<uint32_t> BlockStore::takeDefragCandidates() {
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
    if (has_open_ && open_id_ == block_id) {
      std::memcpy(out, buffer_.data(), options_.write_block_size);
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
  return s;
}

bool BlockStore::anyBuffered() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return has_open_ && flushed_ < fill_;
}

}  // namespace remora::kv::storage
