#pragma once

// Bin values as the client sees them: integer, double, string, bytes, or an
// opaque particle (lists, maps, GeoJSON, ...) carried as its wire bytes.

#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "kv/protocol/as_msg.h"

namespace remora::kv::client {

struct Opaque {
  protocol::ParticleType type = protocol::ParticleType::kNull;
  std::string bytes;
  bool operator==(const Opaque&) const = default;
};

struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};

class Value {
 public:
  Value() = default;
  Value(int64_t v) : v_(v) {}                    // NOLINT(google-explicit-constructor)
  Value(int v) : v_(static_cast<int64_t>(v)) {}  // NOLINT(google-explicit-constructor)
  Value(double v) : v_(v) {}                     // NOLINT(google-explicit-constructor)
  Value(std::string v) : v_(std::move(v)) {}     // NOLINT(google-explicit-constructor)
  Value(const char* v) : v_(std::string(v)) {}   // NOLINT(google-explicit-constructor)
  Value(Bytes v) : v_(std::move(v)) {}           // NOLINT(google-explicit-constructor)
  Value(Opaque v) : v_(std::move(v)) {}          // NOLINT(google-explicit-constructor)

  bool isNull() const { return v_.index() == 0; }
  bool isInt() const { return std::holds_alternative<int64_t>(v_); }
  bool isDouble() const { return std::holds_alternative<double>(v_); }
  bool isString() const { return std::holds_alternative<std::string>(v_); }
  bool isBytes() const { return std::holds_alternative<Bytes>(v_); }
  int64_t asInt() const { return std::get<int64_t>(v_); }
  double asDouble() const { return std::get<double>(v_); }
  const std::string& asString() const { return std::get<std::string>(v_); }
  const std::string& asBytes() const { return std::get<Bytes>(v_).data; }

  protocol::ParticleType particleType() const;
  // The particle's wire bytes.
  std::string encode() const;
  // From a particle on the wire; integers/doubles of a bad length become
  // an Opaque of their type.
  static Value decode(protocol::ParticleType type, std::string_view bytes);
  // For printing: 42, 1.5, "text", 0x01ff, <list 3 bytes>.
  std::string toString() const;

  bool operator==(const Value&) const = default;

 private:
  std::variant<std::monostate, int64_t, double, std::string, Bytes, Opaque> v_;
};

using Bins = std::map<std::string, Value>;

}  // namespace remora::kv::client
