#pragma once

// Walks the records of one block image (as read from the device), for cold
// start, the defragmenter and the tomb raider. It stops at the first bytes
// that are not a record of this block: zeros, a foreign magic, or a copy
// whose block_seq is not the block's (stale bytes from the block's previous
// life). A record whose checksum fails is skipped and reported.
// Pure; thread-safe.

#include <cstdint>
#include <functional>

#include "kv/storage/record_codec.h"

namespace remora::kv::storage {

struct ScannedRecord {
  uint32_t offset = 0;
  RecordHeaderView header;
};

struct BlockScanResult {
  uint64_t records = 0;
  uint64_t corrupt = 0;
};

// `visit` returns false to stop early.
BlockScanResult scanBlock(const uint8_t* block, uint32_t block_size, uint64_t block_seq,
                          const std::function<bool(const ScannedRecord&)>& visit);

}  // namespace remora::kv::storage
