#pragma once

// Compressed messages (proto type 4, reference §1.2): body = u64 big-endian
// uncompressed size + a zlib stream whose output is a complete type-3 frame,
// its own 8-byte proto header included. Pure functions.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace remora::kv::protocol {

// Inflates a type-4 body. Errors when the declared size exceeds `max_size`,
// the stream is corrupt, or the output length differs from the declared size.
Result<std::string> decompressBody(std::string_view body, uint64_t max_size);
// Builds a whole type-4 frame around `frame` (a complete type-3 frame).
Result<std::string> compressFrame(std::string_view frame);

}  // namespace remora::kv::protocol
