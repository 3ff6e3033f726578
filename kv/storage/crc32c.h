#pragma once

// CRC-32C (Castagnoli), the checksum of on-device records and block headers.
// Software slicing-by-8; thread-safe (the tables are built at compile time).

#include <cstddef>
#include <cstdint>

namespace remora::kv::storage {

// `crc` is the running value of an earlier call, or 0 to start.
uint32_t crc32c(const void* data, size_t len, uint32_t crc = 0);

}  // namespace remora::kv::storage
