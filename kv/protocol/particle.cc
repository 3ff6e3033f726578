#include "kv/protocol/particle.h"

#include <cstring>

#include "kv/protocol/byte_order.h"
#include "kv/protocol/result_code.h"

namespace remora::kv::protocol {

std::string encodeInteger(int64_t value) {
  std::string out;
  appendBe64(out, static_cast<uint64_t>(value));
  return out;
}

std::string encodeDouble(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  std::string out;
  appendBe64(out, bits);
  return out;
}

Result<int64_t> decodeInteger(std::string_view bytes) {
  if (bytes.empty() || bytes.size() > 8) {
    return makeError("integer particle of " + std::to_string(bytes.size()) + " bytes",
                     toWire(ResultCode::kParameterError));
  }
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  // Sign-extend from the first byte, as the C client does for short integers.
  uint64_t v = (p[0] & 0x80) ? ~0ull : 0ull;
  for (size_t i = 0; i < bytes.size(); ++i) v = (v << 8) | p[i];
  return static_cast<int64_t>(v);
}

Result<double> decodeDouble(std::string_view bytes) {
  if (bytes.size() != 8) {
    return makeError("float particle of " + std::to_string(bytes.size()) + " bytes",
                     toWire(ResultCode::kParameterError));
  }
  const uint64_t bits = loadBe64(reinterpret_cast<const uint8_t*>(bytes.data()));
  double v;
  std::memcpy(&v, &bits, sizeof(v));
  return v;
}

}  // namespace remora::kv::protocol
