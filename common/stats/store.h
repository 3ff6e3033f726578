#pragma once

// The registry of every stat in a process. Made in main with the number of
// thread shards (1 + workers) and passed down; lookups by name are
// thread-safe and return stable references, so hot paths resolve a stat once
// and keep the reference.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/stats/stats.h"

namespace remora::stats {

class Store {
 public:
  explicit Store(uint32_t shards) : shards_(shards == 0 ? 1 : shards) {}

  Counter& counter(std::string_view name);
  Gauge& gauge(std::string_view name);
  Histogram& histogram(std::string_view name);

  // Visits every stat in name order (under the registry lock; do not create
  // stats from inside the visitor).
  void forEachCounter(const std::function<void(const Counter&)>& fn) const;
  void forEachGauge(const std::function<void(const Gauge&)>& fn) const;
  void forEachHistogram(const std::function<void(const Histogram&)>& fn) const;

  uint32_t shards() const { return shards_; }

 private:
  const uint32_t shards_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Counter>, std::less<>> counters_;
  std::map<std::string, std::unique_ptr<Gauge>, std::less<>> gauges_;
  std::map<std::string, std::unique_ptr<Histogram>, std::less<>> histograms_;
};

// A name prefix over a store: Scope(store, "cluster.web.").counter("upstream_cx_total").
class Scope {
 public:
  Scope(Store& store, std::string prefix) : store_(store), prefix_(std::move(prefix)) {}
  Counter& counter(std::string_view name) { return store_.counter(prefix_ + std::string(name)); }
  Gauge& gauge(std::string_view name) { return store_.gauge(prefix_ + std::string(name)); }
  Histogram& histogram(std::string_view name) {
    return store_.histogram(prefix_ + std::string(name));
  }
  Scope child(std::string_view name) const {
    return Scope(store_, prefix_ + std::string(name) + ".");
  }
  Store& store() const { return store_; }
  const std::string& prefix() const { return prefix_; }

 private:
  Store& store_;
  std::string prefix_;
};

// Text ("name: value" lines, Envoy's /stats) and Prometheus exposition.
std::string renderText(const Store& store, std::string_view filter = {});
std::string renderPrometheus(const Store& store);

}  // namespace remora::stats
