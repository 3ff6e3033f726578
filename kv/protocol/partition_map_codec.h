#pragma once

// The partition bitmaps of the `replicas` info reply (reference §3.5): 4096
// bits, partition p is bit 0x80 >> (p & 7) of byte p >> 3, standard base64
// with padding, exactly 684 characters. Also the scan's PID_ARRAY field
// (u16 little-endian per partition). Pure functions.

#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "kv/protocol/digest.h"

namespace remora::kv::protocol {

constexpr size_t kPartitionBitmapBytes = kPartitionCount / 8;
constexpr size_t kPartitionBitmapBase64Length = 684;

using PartitionBitmap = std::bitset<kPartitionCount>;

std::string encodePartitionBitmap(const PartitionBitmap& owned);
Result<PartitionBitmap> decodePartitionBitmap(std::string_view base64);

std::string encodePidArray(const std::vector<uint16_t>& pids);
// Errors on an odd length or a partition id >= 4096.
Result<std::vector<uint16_t>> decodePidArray(std::string_view field);

}  // namespace remora::kv::protocol
