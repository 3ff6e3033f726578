#include "kv/storage/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace remora::kv::storage {

namespace {

constexpr uint32_t kPoly = 0x82f63b78;  // reflected Castagnoli polynomial

using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables makeTables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) {
      c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    }
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i) {
    for (size_t s = 1; s < 8; ++s) {
      t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    }
  }
  return t;
}

constexpr Tables kTables = makeTables();

uint32_t softwareRaw(const uint8_t* p, size_t len, uint32_t crc) {
  while (len >= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof(word));  // little-endian hosts only (x86-64, arm64)
    word ^= crc;
    crc = kTables[7][word & 0xff] ^ kTables[6][(word >> 8) & 0xff] ^
          kTables[5][(word >> 16) & 0xff] ^ kTables[4][(word >> 24) & 0xff] ^
          kTables[3][(word >> 32) & 0xff] ^ kTables[2][(word >> 40) & 0xff] ^
          kTables[1][(word >> 48) & 0xff] ^ kTables[0][word >> 56];
    p += 8;
    len -= 8;
  }
  while (len-- > 0) {
    crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xff];
  }
  return crc;
}

#if defined(__x86_64__)

// Multiplication by x^(8 * n) modulo the polynomial, as a 4 x 256 table
// operator, to combine interleaved streams: crc(A || B) is
// shift(crc(A), |B|) ^ crc(B) on the raw (uninverted) values.
using ShiftTable = std::array<std::array<uint32_t, 256>, 4>;

// x^k mod P (reflected), multiplied into `v`.
constexpr uint32_t mulMod(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (int i = 0; i < 32; ++i) {
    if (a & 0x80000000u) {
      product ^= b;
    }
    a <<= 1;
    b = (b & 1) ? (b >> 1) ^ kPoly : b >> 1;
  }
  return product;
}

// x^(8 * bytes) mod P in reflected representation (x^0 = 0x80000000).
constexpr uint32_t xPow8n(size_t bytes) {
  uint32_t result = 0x80000000u;
  uint32_t square = 0x00800000u;  // x^8
  while (bytes != 0) {
    if (bytes & 1) {
      result = mulMod(result, square);
    }
    square = mulMod(square, square);
    bytes >>= 1;
  }
  return result;
}

constexpr ShiftTable makeShift(size_t bytes) {
  ShiftTable t{};
  const uint32_t k = xPow8n(bytes);
  for (uint32_t byte = 0; byte < 4; ++byte) {
    for (uint32_t i = 0; i < 256; ++i) {
      t[byte][i] = mulMod(i << (8 * byte), k);
    }
  }
  return t;
}

constexpr size_t kStripe = 256;  // bytes per stream per round
constexpr ShiftTable kShift1 = makeShift(kStripe);
constexpr ShiftTable kShift2 = makeShift(kStripe * 2);

uint32_t applyShift(const ShiftTable& t, uint32_t crc) {
  return t[0][crc & 0xff] ^ t[1][(crc >> 8) & 0xff] ^ t[2][(crc >> 16) & 0xff] ^ t[3][crc >> 24];
}

__attribute__((target("sse4.2"))) uint64_t step8(uint64_t crc, const uint8_t* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof(word));
  return _mm_crc32_u64(crc, word);
}

// Three independent streams hide the instruction's 3-cycle latency.
__attribute__((target("sse4.2"))) uint32_t hardwareRaw(const uint8_t* p, size_t len, uint32_t crc) {
  while (len >= 3 * kStripe) {
    uint64_t a = crc, b = 0, c = 0;
    for (size_t i = 0; i < kStripe; i += 8) {
      a = step8(a, p + i);
      b = step8(b, p + kStripe + i);
      c = step8(c, p + 2 * kStripe + i);
    }
    crc = applyShift(kShift2, static_cast<uint32_t>(a)) ^
          applyShift(kShift1, static_cast<uint32_t>(b)) ^ static_cast<uint32_t>(c);
    p += 3 * kStripe;
    len -= 3 * kStripe;
  }
  uint64_t c64 = crc;
  while (len >= 8) {
    c64 = step8(c64, p);
    p += 8;
    len -= 8;
  }
  crc = static_cast<uint32_t>(c64);
  while (len-- > 0) {
    crc = _mm_crc32_u8(crc, *p++);
  }
  return crc;
}

const bool kHasSse42 = __builtin_cpu_supports("sse4.2");

#else

const bool kHasSse42 = false;

uint32_t hardwareRaw(const uint8_t* p, size_t len, uint32_t crc) {
  return softwareRaw(p, len, crc);
}

#endif

}  // namespace

uint32_t crc32cSoftware(const void* data, size_t len, uint32_t crc) {
  return ~softwareRaw(static_cast<const uint8_t*>(data), len, ~crc);
}

uint32_t crc32c(const void* data, size_t len, uint32_t crc) {
  const auto* p = static_cast<const uint8_t*>(data);
  return kHasSse42 ? ~hardwareRaw(p, len, ~crc) : ~softwareRaw(p, len, ~crc);
}

bool crc32cHardware() { return kHasSse42; }

}  // namespace remora::kv::storage
