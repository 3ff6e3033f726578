#pragma once

// Set names ↔ the 12-bit set ids kept in index entries (Aerospike keeps a
// set id, not the name, in its index too). Ids are never reused while the
// engine lives. Thread-safe; idFor() answers a thread's repeated name from a
// per-thread cache, without the mutex (every write asks).

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kv/index/index_entry.h"
#include "kv/storage/record.h"

namespace remora::kv::storage {

class SetRegistry {
 public:
  static constexpr uint16_t kMaxSets = 4095;

  SetRegistry();

  // Id for `name` (0 for the empty name), assigned on first use; nullopt
  // when kMaxSets names are already known.
  std::optional<uint16_t> idFor(std::string_view name);
  // Id of a known name; nullopt if never seen.
  std::optional<uint16_t> find(std::string_view name) const;
  // Name of an id handed out by idFor() ("" for 0 or an unknown id).
  std::string nameOf(uint16_t id) const;

 private:
  const uint64_t serial_;  // unique per registry, so a thread's cache never outlives its owner
  mutable std::mutex mutex_;
  std::unordered_map<std::string, uint16_t> ids_;
  std::vector<std::string> names_;  // names_[id - 1]
};

// What the index entry `e` says of its record, its set named through `sets`
// (Engine::readMeta of both engines).
RecordMeta recordMetaOf(const index::IndexEntry& e, const SetRegistry& sets);

}  // namespace remora::kv::storage
