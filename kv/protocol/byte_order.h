#pragma once

// Big- and little-endian loads and stores for the wire codecs. Aerospike's
// wire format is big-endian except for a few little-endian fields (scan
// partition ids, transaction id/deadline); callers name the order explicitly.
// Callers check bounds before calling.

#include <cstdint>
#include <cstring>
#include <string>

namespace remora::kv::protocol {

inline uint16_t loadBe16(const uint8_t* p) {
  return static_cast<uint16_t>((static_cast<uint16_t>(p[0]) << 8) | p[1]);
}
inline uint32_t loadBe32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}
inline uint64_t loadBe64(const uint8_t* p) {
  return (static_cast<uint64_t>(loadBe32(p)) << 32) | loadBe32(p + 4);
}
inline uint16_t loadLe16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (static_cast<uint16_t>(p[1]) << 8));
}

inline void storeBe16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void storeBe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
inline void storeBe64(uint8_t* p, uint64_t v) {
  storeBe32(p, static_cast<uint32_t>(v >> 32));
  storeBe32(p + 4, static_cast<uint32_t>(v));
}
inline void storeLe16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}

inline void appendU8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }
inline void appendBe16(std::string& out, uint16_t v) {
  uint8_t b[2];
  storeBe16(b, v);
  out.append(reinterpret_cast<const char*>(b), 2);
}
inline void appendBe32(std::string& out, uint32_t v) {
  uint8_t b[4];
  storeBe32(b, v);
  out.append(reinterpret_cast<const char*>(b), 4);
}
inline void appendBe64(std::string& out, uint64_t v) {
  uint8_t b[8];
  storeBe64(b, v);
  out.append(reinterpret_cast<const char*>(b), 8);
}
inline void appendLe16(std::string& out, uint16_t v) {
  uint8_t b[2];
  storeLe16(b, v);
  out.append(reinterpret_cast<const char*>(b), 2);
}

inline const uint8_t* bytesOf(const std::string& s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

}  // namespace remora::kv::protocol
