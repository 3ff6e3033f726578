#pragma once

// Particle (bin value) encodings: integers are 8-byte big-endian two's
// complement (1..7 bytes accepted on decode, sign-extended), doubles 8-byte
// big-endian IEEE-754, strings and blobs raw bytes. Lists, maps and the other
// types are carried opaquely.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace remora::kv::protocol {

std::string encodeInteger(int64_t value);
std::string encodeDouble(double value);
Result<int64_t> decodeInteger(std::string_view bytes);
Result<double> decodeDouble(std::string_view bytes);

}  // namespace remora::kv::protocol
