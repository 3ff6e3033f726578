#include "kv/storage/block_format.h"

#include <cstring>

#include "kv/storage/crc32c.h"

namespace remora::kv::storage {

uint64_t namespaceSignature(std::string_view namespace_name) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  for (char c : namespace_name) {
    h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  }
  return h;
}

// Layout: 0 magic u64, 8 version u32, 12 crc32c of [16, 64) u32, 16 ns sig
// u64, 24 block_seq u64, 32 write_block_size u32, 36 device_index u32,
// 40 block_index u32, 44..64 zero.
void encodeBlockHeader(const BlockHeader& header, uint8_t* out) {
  std::memset(out, 0, kBlockHeaderSize);
  std::memcpy(out, &kBlockMagic, 8);
  std::memcpy(out + 8, &kBlockFormatVersion, 4);
  std::memcpy(out + 16, &header.namespace_sig, 8);
  std::memcpy(out + 24, &header.block_seq, 8);
  std::memcpy(out + 32, &header.write_block_size, 4);
  std::memcpy(out + 36, &header.device_index, 4);
  std::memcpy(out + 40, &header.block_index, 4);
  const uint32_t crc = crc32c(out + 16, kBlockHeaderSize - 16);
  std::memcpy(out + 12, &crc, 4);
}

BlockState parseBlockHeader(const uint8_t* page, BlockHeader& header) {
  bool all_zero = true;
  for (uint32_t i = 0; i < kIoAlign; i += 8) {
    uint64_t word;
    std::memcpy(&word, page + i, 8);
    if (word != 0) {
      all_zero = false;
      break;
    }
  }
  if (all_zero) {
    return BlockState::kFree;
  }
  uint64_t magic;
  uint32_t version;
  uint32_t crc;
  std::memcpy(&magic, page, 8);
  std::memcpy(&version, page + 8, 4);
  std::memcpy(&crc, page + 12, 4);
  if (magic != kBlockMagic || version != kBlockFormatVersion) {
    return BlockState::kForeign;
  }
  if (crc32c(page + 16, kBlockHeaderSize - 16) != crc) {
    return BlockState::kCorruptHeader;
  }
  std::memcpy(&header.namespace_sig, page + 16, 8);
  std::memcpy(&header.block_seq, page + 24, 8);
  std::memcpy(&header.write_block_size, page + 32, 4);
  std::memcpy(&header.device_index, page + 36, 4);
  std::memcpy(&header.block_index, page + 40, 4);
  return BlockState::kUsed;
}

}  // namespace remora::kv::storage
