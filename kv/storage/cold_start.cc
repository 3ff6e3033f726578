#include "kv/storage/cold_start.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "common/logging/logger.h"
#include "kv/storage/block_buffers.h"
#include "kv/storage/block_scanner.h"
#include "kv/storage/storage_error.h"

namespace remora::kv::storage {

namespace {

Error foreign(const std::string& path, uint32_t block, const std::string& why) {
  return storageError(StorageErrorCode::kForeignDevice,
                      "device " + path + ", block " + std::to_string(block) + ": " + why +
                          "; refusing to use it (wipe it or fix the namespace's device list)");
}

}  // namespace

Status ColdStart::run() {
  const auto started = std::chrono::steady_clock::now();
  BlockStore& store = *state_.store;
  BlockBuffers image(store.blockSize(), 1);  // one request per block read
  uint64_t max_seq = 0;
  for (uint32_t d = 0; d < store.deviceCount(); ++d) {
    const uint32_t blocks = store.blocksOnDevice(d);
    for (uint32_t b = 0; b < blocks; ++b) {
      Status st = store.readBlock(index::makeBlockId(d, b), image.at(0));
      if (!st) {
        return st;
      }
      st = loadBlock(d, b, image.at(0), max_seq);
      if (!st) {
        return st;
      }
    }
  }
  finish();
  store.finishColdStart(max_seq + 1);
  state_.cold_start_ms.store(
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count()));
  REMORA_LOG(info, logging::Component::Kv,
             "storage: cold start of namespace {} read {} record copies, {} records, {} "
             "tombstones, {} corrupt, in {} ms",
             state_.config.namespace_name, state_.cold_start_records.load(),
             state_.index.recordCount() - state_.tombstones.load(), state_.tombstones.load(),
             state_.corrupt_records.load(), state_.cold_start_ms.load());
  return okStatus();
}

Status ColdStart::loadBlock(uint32_t device, uint32_t block, const uint8_t* image,
                            uint64_t& max_seq) {
  BlockStore& store = *state_.store;
  const uint32_t id = index::makeBlockId(device, block);
  const std::string& path = state_.config.devices[device].path;
  BlockHeader header;
  switch (parseBlockHeader(image, header)) {
    case BlockState::kFree:
      store.installFree(id);
      return okStatus();
    case BlockState::kForeign:
      return foreign(path, block, "not a Remora KV block (foreign data)");
    case BlockState::kCorruptHeader:
      // Its records cannot be trusted to belong here; the block is reused.
      state_.corrupt_records.fetch_add(1, std::memory_order_relaxed);
      REMORA_LOG(err, logging::Component::Kv,
                 "storage: {} block {}: header checksum mismatch; block dropped", path, block);
      store.installFree(id);
      return okStatus();
    case BlockState::kUsed:
      break;
  }
  if (header.namespace_sig != namespaceSignature(state_.config.namespace_name)) {
    return foreign(path, block,
                   "belongs to another namespace than '" + state_.config.namespace_name + "'");
  }
  if (header.write_block_size != store.blockSize()) {
    return foreign(path, block,
                   "written with write-block-size " + std::to_string(header.write_block_size) +
                       ", configured " + std::to_string(store.blockSize()));
  }
  if (header.device_index != device || header.block_index != block) {
    return foreign(path, block,
                   "written as device " + std::to_string(header.device_index) + " block " +
                       std::to_string(header.block_index) + " (device list reordered?)");
  }
  store.installUsed(id, header.block_seq);
  max_seq = std::max(max_seq, header.block_seq);
  const BlockScanResult scanned =
      scanBlock(image, store.blockSize(), header.block_seq, [&](const ScannedRecord& r) {
        consider(id, header.block_seq, r.offset, r.header);
        return true;
      });
  state_.cold_start_records.fetch_add(scanned.records, std::memory_order_relaxed);
  if (scanned.corrupt != 0) {
    state_.corrupt_records.fetch_add(scanned.corrupt, std::memory_order_relaxed);
    REMORA_LOG(err, logging::Component::Kv,
               "storage: {} block {}: {} record(s) failed their checksum and were skipped", path,
               block, scanned.corrupt);
  }
  return okStatus();
}

void ColdStart::consider(uint32_t block_id, uint64_t seq, uint32_t offset,
                         const RecordHeaderView& h) {
  const uint32_t partition = partitionOf(h.digest);
  bool created = false;
  index::IndexEntry* e = state_.index.findOrInsert(partition, h.digest, created);
  if (e == nullptr) {
    return;  // partition index full (16M records): cannot happen at sane sizes
  }
  if (!created) {
    const index::DeviceLocation have = e->deviceLocation();
    const uint64_t have_seq = state_.store->seqOf(have.block_id);
    if (have_seq > seq || (have_seq == seq && have.offset > offset)) {
      return;
    }
  }
  e->setGeneration(h.generation);
  e->setVoidTime(h.void_time);
  e->setLastUpdateMs(h.last_update_ms);
  e->setSetId(state_.sets.idFor(h.set_name).value_or(0));
  e->setTombstone(h.tombstone);
  e->setHasUserKey(h.has_user_key);
  e->setSize(h.total_len);
  e->setDeviceLocation({block_id, offset});
}

void ColdStart::finish() {
  for (uint32_t p = 0; p < kPartitionCount; ++p) {
    state_.index.forEach(p, [this](index::IndexEntry& e) {
      if (!e.tombstone() && state_.expired(e)) {
        e.setTombstone(true);
      }
      state_.store->addLive(e.deviceLocation().block_id, alignRecord(e.size()));
      state_.countCopy(e);
    });
  }
}

}  // namespace remora::kv::storage
