#pragma once

// The 8-byte header in front of every Aerospike message, in both directions:
// version (2), type, and a 48-bit big-endian body length.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/result.h"

namespace remora::kv::protocol {

constexpr size_t kProtoHeaderSize = 8;
constexpr uint8_t kProtoVersion = 2;
// The clients refuse bodies above 128 MiB; nothing legitimate is larger.
constexpr uint64_t kProtoSizeMax = 128ull << 20;

enum class MessageType : uint8_t {
  kInfo = 1,
  kAdmin = 2,
  kAsMsg = 3,
  kCompressed = 4,
};

struct ProtoHeader {
  uint8_t version = kProtoVersion;
  MessageType type = MessageType::kAsMsg;
  uint64_t size = 0;  // body length, not counting these 8 bytes
};

// Decodes the 8 bytes at `p`. Errors: a version other than 2, a type outside
// 1..4, a size above `max_body` (never above kProtoSizeMax).
Result<ProtoHeader> decodeProtoHeader(const uint8_t* p, uint64_t max_body = kProtoSizeMax);
void encodeProtoHeader(uint8_t* p, MessageType type, uint64_t body_size);

// Frame building into a string: beginFrame() reserves the header and returns
// its offset; endFrame() writes the header for everything appended since.
size_t beginFrame(std::string& out);
void endFrame(std::string& out, size_t frame_start, MessageType type);

}  // namespace remora::kv::protocol
