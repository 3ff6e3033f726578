#include "kv/storage/set_registry.h"

#include <atomic>

namespace remora::kv::storage {

namespace {
std::atomic<uint64_t> next_serial{1};

// The last name this thread resolved, and in which registry.
struct LastSet {
  uint64_t serial = 0;
  std::string name;
  uint16_t id = 0;
};
thread_local LastSet last_set;
}  // namespace

SetRegistry::SetRegistry() : serial_(next_serial.fetch_add(1, std::memory_order_relaxed)) {}

std::optional<uint16_t> SetRegistry::idFor(std::string_view name) {
  if (name.empty()) {
    return 0;
  }
  if (last_set.serial == serial_ && last_set.name == name) {
    return last_set.id;  // ids never change once given
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = ids_.find(std::string(name));
  if (it != ids_.end()) {
    last_set = LastSet{serial_, std::string(name), it->second};
    return it->second;
  }
  if (ids_.size() >= kMaxSets) {
    return std::nullopt;
  }
  const auto id = static_cast<uint16_t>(ids_.size() + 1);
  ids_.emplace(std::string(name), id);
  names_.emplace_back(name);
  last_set = LastSet{serial_, std::string(name), id};
  return id;
}

std::optional<uint16_t> SetRegistry::find(std::string_view name) const {
  if (name.empty()) {
    return 0;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = ids_.find(std::string(name));
  if (it == ids_.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::string SetRegistry::nameOf(uint16_t id) const {
  if (id == 0) {
    return {};
  }
  if (last_set.serial == serial_ && last_set.id == id) {
    return last_set.name;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (id > names_.size()) {
    return {};
  }
  last_set = LastSet{serial_, names_[id - 1], id};
  return names_[id - 1];
}

RecordMeta recordMetaOf(const index::IndexEntry& e, const SetRegistry& sets) {
  RecordMeta meta;
  meta.set_name = sets.nameOf(e.setId());
  meta.generation = e.generation();
  meta.void_time = e.voidTime();
  meta.last_update_time_ms = e.lastUpdateMs();
  meta.has_user_key = e.hasUserKey();
  return meta;
}

}  // namespace remora::kv::storage
