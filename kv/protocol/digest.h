#pragma once

// Aerospike's record digest and partition id (reference §4):
//   digest       = RIPEMD-160(set_name || key_type || key_bytes)
//   partition_id = (digest[0] | digest[1] << 8) & 4095
// The namespace is not hashed; an absent set hashes as an empty string.
// Thread-safe.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "kv/protocol/as_msg.h"

namespace remora::kv::protocol {

constexpr uint32_t kPartitionCount = 4096;
constexpr size_t kDigestSize = 20;
// The same type as kv::storage::Digest (both are this std::array).
using Digest = std::array<uint8_t, kDigestSize>;

// `key_type` is the particle type of the user key (1 integer, 2 double,
// 3 string, 4 blob) and `key_bytes` its wire encoding (8-byte big-endian for
// integers and doubles). Fails only if OpenSSL cannot provide RIPEMD-160.
Result<Digest> computeDigest(std::string_view set_name, ParticleType key_type,
                             std::string_view key_bytes);
// Convenience forms for the key types a client uses.
Result<Digest> digestForString(std::string_view set_name, std::string_view key);
Result<Digest> digestForInteger(std::string_view set_name, int64_t key);
Result<Digest> digestForBlob(std::string_view set_name, std::string_view key);

inline uint32_t partitionId(const Digest& d) {
  return (static_cast<uint32_t>(d[0]) | (static_cast<uint32_t>(d[1]) << 8)) &
         (kPartitionCount - 1);
}

std::string digestToHex(const Digest& d);

}  // namespace remora::kv::protocol
