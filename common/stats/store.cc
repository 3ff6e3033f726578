#include "common/stats/store.h"

namespace remora::stats {

namespace {
template <class T, class Map>
T& findOrCreate(Map& map, std::string_view name, uint32_t shards) {
  auto it = map.find(name);
  if (it != map.end()) return *it->second;
  auto stat = std::make_unique<T>(std::string(name), shards);
  T& ref = *stat;
  map.emplace(std::string(name), std::move(stat));
  return ref;
}
}  // namespace

Counter& Store::counter(std::string_view name) {
  std::lock_guard<std::mutex> lock(mutex_);
  return findOrCreate<Counter>(counters_, name, shards_);
}

Gauge& Store::gauge(std::string_view name) {
  std::lock_guard<std::mutex> lock(mutex_);
  return findOrCreate<Gauge>(gauges_, name, shards_);
}

Histogram& Store::histogram(std::string_view name) {
  std::lock_guard<std::mutex> lock(mutex_);
  return findOrCreate<Histogram>(histograms_, name, shards_);
}

void Store::forEachCounter(const std::function<void(const Counter&)>& fn) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [name, counter] : counters_) fn(*counter);
}

void Store::forEachGauge(const std::function<void(const Gauge&)>& fn) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [name, gauge] : gauges_) fn(*gauge);
}

void Store::forEachHistogram(const std::function<void(const Histogram&)>& fn) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [name, histogram] : histograms_) fn(*histogram);
}

}  // namespace remora::stats
