#include "kv/storage/set_registry.h"

namespace remora::kv::storage {

std::optional<uint16_t> SetRegistry::idFor(std::string_view name) {
  if (name.empty()) {
    return 0;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = ids_.find(std::string(name));
  if (it != ids_.end()) {
    return it->second;
  }
  if (ids_.size() >= kMaxSets) {
    return std::nullopt;
  }
  const auto id = static_cast<uint16_t>(ids_.size() + 1);
  ids_.emplace(std::string(name), id);
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

}  // namespace remora::kv::storage
