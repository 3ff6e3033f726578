#include "kv/storage/defragmenter.h"

#include <cstring>
#include <unordered_map>

#include "common/logging/logger.h"
#include "kv/storage/block_buffers.h"
#include "kv/storage/block_format.h"
#include "kv/storage/block_scanner.h"
#include "kv/storage/storage_error.h"

namespace remora::kv::storage {

namespace {

struct DigestHash {
  size_t operator()(const Digest& d) const {
    size_t h;
    std::memcpy(&h, d.data() + 4, sizeof(h));
    return h;
  }
};

}  // namespace

Result<uint64_t> Defragmenter::pass() {
  std::lock_guard<std::mutex> guard(mutex_);
  BlockStore& store = *state_.store;
  std::vector<uint32_t> victims = store.takeDefragCandidates();
  if (victims.empty()) {
    return uint64_t{0};
  }
  BlockBuffers image(store.blockSize(), 1);  // one request per block read
  std::vector<uint32_t> emptied;
  for (uint32_t id : victims) {
    if (evacuate(id, image.at(0))) {
      emptied.push_back(id);
    } else {
      store.abandon(id);
    }
  }
  if (emptied.empty()) {
    return uint64_t{0};
  }
  // The moved copies must be durable before the originals are erased.
  Status st = store.flush(/*sync=*/true);
  if (!st) {
    for (uint32_t id : emptied) {
      store.abandon(id);
    }
    return st.error();
  }
  uint64_t freed = 0;
  for (uint32_t id : emptied) {
    if (store.release(id)) {
      ++freed;
    }
  }
  state_.defrag_blocks_reclaimed.fetch_add(freed, std::memory_order_relaxed);
  return freed;
}

bool Defragmenter::evacuate(uint32_t block_id, uint8_t* image) {
  BlockStore& store = *state_.store;
  if (store.liveBytes(block_id) == 0) {
    return true;
  }
  if (!store.readBlock(block_id, image)) {
    state_.read_errors.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  const uint64_t seq = store.seqOf(block_id);
  bool failed = false;
  scanBlock(image, store.blockSize(), seq, [&](const ScannedRecord& r) {
    const uint32_t partition = partitionOf(r.header.digest);
    std::lock_guard<std::mutex> lock(state_.locks.of(partition));
    index::IndexEntry* e = state_.index.find(partition, r.header.digest);
    if (e == nullptr || e->deviceLocation() != index::DeviceLocation{block_id, r.offset}) {
      return true;  // an older copy: dead already
    }
    const uint8_t* src = image + r.offset;
    auto moved =
        store.append(r.header.total_len, /*for_defrag=*/true, [&](uint8_t* out, uint64_t new_seq) {
          std::memcpy(out, src, alignRecord(r.header.total_len));
          patchBlockSeq(out, new_seq);
        });
    if (!moved) {
      failed = true;
      return false;
    }
    store.markDead(e->deviceLocation(), e->size());
    e->setDeviceLocation(*moved);
    state_.defrag_records_moved.fetch_add(1, std::memory_order_relaxed);
    return true;
  });
  return !failed && store.liveBytes(block_id) == 0;
}

Result<uint64_t> Defragmenter::raidTombs() {
  std::lock_guard<std::mutex> guard(mutex_);
  if (state_.tombstones.load(std::memory_order_relaxed) == 0) {
    return uint64_t{0};
  }
  std::unordered_map<Digest, index::DeviceLocation, DigestHash> candidates;
  for (uint32_t p = 0; p < kPartitionCount; ++p) {
    std::lock_guard<std::mutex> lock(state_.locks.of(p));
    state_.index.forEach(p, [&](index::IndexEntry& e) {
      if (e.tombstone()) {
        candidates.emplace(e.digest(), e.deviceLocation());
      }
    });
  }
  BlockStore& store = *state_.store;
  BlockBuffers image(store.blockSize(), 1);  // one request per block read
  for (uint32_t id : store.usedBlocks()) {
    if (candidates.empty()) {
      break;
    }
    if (!store.readBlockAnyState(id, image.at(0))) {
      state_.read_errors.fetch_add(1, std::memory_order_relaxed);
      return storageError(StorageErrorCode::kIo, "tomb raider: cannot read a block");
    }
    BlockHeader header;
    if (parseBlockHeader(image.at(0), header) != BlockState::kUsed) {
      continue;  // erased (freed) since the list was taken
    }
    scanBlock(image.at(0), store.blockSize(), header.block_seq, [&](const ScannedRecord& r) {
      if (r.header.tombstone) {
        return true;
      }
      auto it = candidates.find(r.header.digest);
      if (it != candidates.end() && it->second != index::DeviceLocation{id, r.offset}) {
        candidates.erase(it);  // an older copy is still on the device
      }
      return true;
    });
  }
  uint64_t reaped = 0;
  for (const auto& [digest, location] : candidates) {
    const uint32_t partition = partitionOf(digest);
    std::lock_guard<std::mutex> lock(state_.locks.of(partition));
    index::IndexEntry* e = state_.index.find(partition, digest);
    // Rewritten, re-deleted or moved meanwhile: not the entry that was raided.
    if (e == nullptr || !e->tombstone() || e->deviceLocation() != location) {
      continue;
    }
    state_.dropCopy(*e);
    state_.index.erase(partition, digest);
    ++reaped;
  }
  state_.tombstones_reaped.fetch_add(reaped, std::memory_order_relaxed);
  if (reaped != 0) {
    REMORA_LOG(debug, logging::Component::Kv, "storage: tomb raider dropped {} tombstones", reaped);
  }
  return reaped;
}

}  // namespace remora::kv::storage
