#include "kv/client/value.h"

#include <cstdio>

#include "kv/protocol/particle.h"

namespace remora::kv::client {

using protocol::ParticleType;

ParticleType Value::particleType() const {
  switch (v_.index()) {
    case 1: return ParticleType::kInteger;
    case 2: return ParticleType::kFloat;
    case 3: return ParticleType::kString;
    case 4: return ParticleType::kBlob;
    case 5: return std::get<Opaque>(v_).type;
    default: return ParticleType::kNull;
  }
}

std::string Value::encode() const {
  switch (v_.index()) {
    case 1: return protocol::encodeInteger(std::get<int64_t>(v_));
    case 2: return protocol::encodeDouble(std::get<double>(v_));
    case 3: return std::get<std::string>(v_);
    case 4: return std::get<Bytes>(v_).data;
    case 5: return std::get<Opaque>(v_).bytes;
    default: return {};
  }
}

Value Value::decode(ParticleType type, std::string_view bytes) {
  switch (type) {
    case ParticleType::kNull: return Value();
    case ParticleType::kInteger:
      if (auto v = protocol::decodeInteger(bytes)) return Value(*v);
      break;
    case ParticleType::kFloat:
      if (auto v = protocol::decodeDouble(bytes)) return Value(*v);
      break;
    case ParticleType::kString: return Value(std::string(bytes));
    case ParticleType::kBlob: return Value(Bytes{std::string(bytes)});
    default: break;
  }
  return Value(Opaque{type, std::string(bytes)});
}

std::string Value::toString() const {
  switch (v_.index()) {
    case 0: return "null";
    case 1: return std::to_string(std::get<int64_t>(v_));
    case 2: {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.17g", std::get<double>(v_));
      return buf;
    }
    case 3: return "\"" + std::get<std::string>(v_) + "\"";
    case 4: {
      static constexpr char kHex[] = "0123456789abcdef";
      std::string out = "0x";
      for (unsigned char c : std::get<Bytes>(v_).data) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
      return out;
    }
    default:
      return "<particle " + std::to_string(static_cast<int>(std::get<Opaque>(v_).type)) + ", " +
             std::to_string(std::get<Opaque>(v_).bytes.size()) + " bytes>";
  }
}

}  // namespace remora::kv::client
