#include "kv/protocol/proto_header.h"

#include "kv/protocol/byte_order.h"

namespace remora::kv::protocol {

Result<ProtoHeader> decodeProtoHeader(const uint8_t* p, uint64_t max_body) {
  ProtoHeader h;
  h.version = p[0];
  if (h.version != kProtoVersion) {
    return makeError("unsupported proto version " + std::to_string(h.version));
  }
  if (p[1] < 1 || p[1] > 4) return makeError("unknown proto type " + std::to_string(p[1]));
  h.type = static_cast<MessageType>(p[1]);
  h.size = loadBe64(p) & 0xFFFFFFFFFFFFull;
  const uint64_t limit = max_body < kProtoSizeMax ? max_body : kProtoSizeMax;
  if (h.size > limit) {
    return makeError("proto size " + std::to_string(h.size) + " above limit " +
                     std::to_string(limit));
  }
  return h;
}

void encodeProtoHeader(uint8_t* p, MessageType type, uint64_t body_size) {
  storeBe64(p, (static_cast<uint64_t>(kProtoVersion) << 56) |
                   (static_cast<uint64_t>(type) << 48) | (body_size & 0xFFFFFFFFFFFFull));
}

size_t beginFrame(std::string& out) {
  const size_t start = out.size();
  out.append(kProtoHeaderSize, '\0');
  return start;
}

void endFrame(std::string& out, size_t frame_start, MessageType type) {
  encodeProtoHeader(reinterpret_cast<uint8_t*>(out.data() + frame_start), type,
                    out.size() - frame_start - kProtoHeaderSize);
}

}  // namespace remora::kv::protocol
