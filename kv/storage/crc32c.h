#pragma once

// CRC-32C (Castagnoli), the checksum of on-device records and block headers.
// The SSE4.2 `crc32` instruction when the CPU has it (three interleaved
// streams, chosen once at start-up), software slicing-by-8 otherwise; both
// give the same values. Thread-safe (the tables are built at compile time).

#include <cstddef>
#include <cstdint>

namespace remora::kv::storage {

// `crc` is the running value of an earlier call, or 0 to start.
uint32_t crc32c(const void* data, size_t len, uint32_t crc = 0);

// The portable implementation alone (tests compare the two).
uint32_t crc32cSoftware(const void* data, size_t len, uint32_t crc = 0);

// True when crc32c() uses the CPU's instruction.
bool crc32cHardware();

}  // namespace remora::kv::storage
