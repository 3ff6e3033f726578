#pragma once

// A record as the storage engine keeps it: Aerospike's model of a digest-keyed
// set of named bins with a generation and an expiry.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace remora::kv::storage {

constexpr uint32_t kPartitionCount = 4096;
using Digest = std::array<uint8_t, 20>;

// Partition id from a digest, as Aerospike's clients and server compute it.
inline uint32_t partitionOf(const Digest& d) {
  return (static_cast<uint32_t>(d[0]) | (static_cast<uint32_t>(d[1]) << 8)) & (kPartitionCount - 1);
}

struct Bin {
  std::string name;
  uint8_t particle_type = 0;  // Aerospike particle type (1 integer, 2 double, 3 string, 4 blob, ...)
  std::string value;          // the particle's wire bytes
};

struct Record {
  Digest digest{};
  std::string set_name;
  uint32_t generation = 0;
  // Expiry in seconds since the Aerospike epoch (2010-01-01T00:00:00Z); 0 = never.
  uint32_t void_time = 0;
  uint64_t last_update_time_ms = 0;  // since the Unix epoch
  // The user key when the client sent it with POLICY_KEY_SEND: key type + bytes.
  std::optional<std::pair<uint8_t, std::string>> user_key;
  std::vector<Bin> bins;
};

// What the primary index knows of a record without reading its body: enough
// for a write whose result does not depend on the old bins (a replace, a
// create, a delete) to check exists policies and generations.
struct RecordMeta {
  std::string set_name;
  uint32_t generation = 0;
  uint32_t void_time = 0;  // Aerospike epoch; 0 = never
  uint64_t last_update_time_ms = 0;
  // The record stores a user key (its bytes are only in the body).
  bool has_user_key = false;
};

}  // namespace remora::kv::storage
