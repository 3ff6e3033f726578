#include "kv/protocol/partition_map_codec.h"

#include <openssl/evp.h>

#include "kv/protocol/byte_order.h"
#include "kv/protocol/result_code.h"

namespace remora::kv::protocol {

std::string encodePartitionBitmap(const PartitionBitmap& owned) {
  uint8_t bytes[kPartitionBitmapBytes] = {};
  for (uint32_t p = 0; p < kPartitionCount; ++p) {
    if (owned.test(p)) bytes[p >> 3] |= static_cast<uint8_t>(0x80 >> (p & 7));
  }
  std::string out(kPartitionBitmapBase64Length + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes,
                                static_cast<int>(sizeof(bytes)));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<PartitionBitmap> decodePartitionBitmap(std::string_view base64) {
  if (base64.size() != kPartitionBitmapBase64Length) {
    return makeError("partition bitmap of " + std::to_string(base64.size()) + " characters");
  }
  // EVP_DecodeBlock keeps the padding bytes as zeros: 684 chars → 513 bytes.
  unsigned char bytes[kPartitionBitmapBase64Length / 4 * 3];
  const int n = EVP_DecodeBlock(bytes, reinterpret_cast<const unsigned char*>(base64.data()),
                                static_cast<int>(base64.size()));
  if (n < static_cast<int>(kPartitionBitmapBytes)) return makeError("bad base64 partition bitmap");
  PartitionBitmap owned;
  for (uint32_t p = 0; p < kPartitionCount; ++p) {
    if (bytes[p >> 3] & (0x80 >> (p & 7))) owned.set(p);
  }
  return owned;
}

std::string encodePidArray(const std::vector<uint16_t>& pids) {
  std::string out;
  out.reserve(pids.size() * 2);
  for (uint16_t pid : pids) appendLe16(out, pid);
  return out;
}

Result<std::vector<uint16_t>> decodePidArray(std::string_view field) {
  if (field.size() % 2 != 0) {
    return makeError("odd PID_ARRAY length", toWire(ResultCode::kParameterError));
  }
  std::vector<uint16_t> pids;
  pids.reserve(field.size() / 2);
  const auto* p = reinterpret_cast<const uint8_t*>(field.data());
  for (size_t i = 0; i < field.size(); i += 2) {
    const uint16_t pid = loadLe16(p + i);
    if (pid >= kPartitionCount) {
      return makeError("partition id " + std::to_string(pid), toWire(ResultCode::kParameterError));
    }
    pids.push_back(pid);
  }
  return pids;
}

}  // namespace remora::kv::protocol
