#pragma once

// The header at the start of every write block on a device; see
// docs/kv_storage.md, "Block header". Records follow it from byte 64. A block
// whose first page is all zeros is free (never written, or erased after
// defragmentation). Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace remora::kv::storage {

constexpr uint64_t kBlockMagic = 0x4b4c42564b524d52ull;  // "RMRKVBLK"
constexpr uint32_t kBlockFormatVersion = 1;
constexpr uint32_t kBlockHeaderSize = 64;
// Direct I/O unit: every device read and write is aligned to it.
constexpr uint32_t kIoAlign = 4096;

struct BlockHeader {
  uint64_t namespace_sig = 0;  // namespaceSignature() of the owning namespace
  uint64_t block_seq = 0;      // order in which blocks were opened for writing, from 1
  uint32_t write_block_size = 0;
  uint32_t device_index = 0;  // position of the device in the namespace's list
  uint32_t block_index = 0;   // position of the block on its device
};

uint64_t namespaceSignature(std::string_view namespace_name);

void encodeBlockHeader(const BlockHeader& header, uint8_t* out);

enum class BlockState { kFree, kUsed, kCorruptHeader, kForeign };

// Classifies the first kIoAlign bytes of a block. kUsed fills `header`.
// kForeign: not ours at all (no magic, or another version).
// kCorruptHeader: our magic but the header checksum fails.
BlockState parseBlockHeader(const uint8_t* page, BlockHeader& header);

}  // namespace remora::kv::storage
