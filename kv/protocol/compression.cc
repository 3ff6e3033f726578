#include "kv/protocol/compression.h"

#include <zlib.h>

#include "kv/protocol/byte_order.h"
#include "kv/protocol/proto_header.h"

namespace remora::kv::protocol {

Result<std::string> decompressBody(std::string_view body, uint64_t max_size) {
  if (body.size() < 8) return makeError("compressed body shorter than its size prefix");
  const uint64_t declared = loadBe64(reinterpret_cast<const uint8_t*>(body.data()));
  if (declared > max_size || declared < kProtoHeaderSize) {
    return makeError("compressed message declares " + std::to_string(declared) + " bytes");
  }
  std::string out(declared, '\0');
  uLongf out_len = static_cast<uLongf>(declared);
  const int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &out_len,
                            reinterpret_cast<const Bytef*>(body.data() + 8),
                            static_cast<uLong>(body.size() - 8));
  if (rc != Z_OK || out_len != declared) {
    return makeError("corrupt compressed message (zlib " + std::to_string(rc) + ")");
  }
  return out;
}

Result<std::string> compressFrame(std::string_view frame) {
  uLongf bound = compressBound(static_cast<uLong>(frame.size()));
  std::string out;
  const size_t start = beginFrame(out);
  appendBe64(out, frame.size());
  const size_t data_at = out.size();
  out.resize(data_at + bound);
  const int rc = compress2(reinterpret_cast<Bytef*>(out.data() + data_at), &bound,
                           reinterpret_cast<const Bytef*>(frame.data()),
                           static_cast<uLong>(frame.size()), 1);
  if (rc != Z_OK) return makeError("zlib compress2 failed: " + std::to_string(rc));
  out.resize(data_at + bound);
  endFrame(out, start, MessageType::kCompressed);
  return out;
}

}  // namespace remora::kv::protocol
