#include "filters/filter_registry.h"

namespace remora::filters {

void FilterRegistry::add(std::unique_ptr<NetworkFilterFactory> factory) {
  std::string name = factory->name();
  network_[name] = std::move(factory);
}

void FilterRegistry::add(std::unique_ptr<ListenerFilterFactory> factory) {
  std::string name = factory->name();
  listener_[name] = std::move(factory);
}

NetworkFilterFactory* FilterRegistry::networkFilter(std::string_view name) const {
  auto it = network_.find(name);
  return it == network_.end() ? nullptr : it->second.get();
}

ListenerFilterFactory* FilterRegistry::listenerFilter(std::string_view name) const {
  auto it = listener_.find(name);
  return it == listener_.end() ? nullptr : it->second.get();
}

std::string FilterRegistry::networkFilterNames() const {
  std::string out;
  for (const auto& [name, f] : network_) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::string FilterRegistry::listenerFilterNames() const {
  std::string out;
  for (const auto& [name, f] : listener_) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace remora::filters
