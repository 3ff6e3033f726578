#include "proxy/upstream/ring_hash_lb.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <string>

namespace remora::upstream {

RingHashLoadBalancer::RingHashLoadBalancer(std::vector<HostImplConstSharedPtr> hosts,
                                           const config::RingHashConfig& config, uint64_t seed)
    : hosts_(std::move(hosts)), rng_(seed) {
  if (hosts_.empty()) return;
  uint64_t total_weight = 0;
  uint32_t min_weight = hosts_.front()->weight();
  for (const auto& host : hosts_) {
    total_weight += host->weight();
    min_weight = std::min(min_weight, host->weight());
  }
  // Points per unit of the lightest weight: enough for minimum_ring_size,
  // rounded up to a power of two so that adding or removing a host rarely
  // changes the other hosts' points (only their own keys move).
  uint64_t unit = std::bit_ceil(static_cast<uint64_t>(
      std::ceil(static_cast<double>(config.minimum_ring_size) * min_weight / total_weight)));
  double per_weight = static_cast<double>(unit) / min_weight;
  if (per_weight * static_cast<double>(total_weight) >
      static_cast<double>(config.maximum_ring_size)) {
    per_weight = static_cast<double>(config.maximum_ring_size) / static_cast<double>(total_weight);
  }
  std::hash<std::string> hasher;
  for (uint32_t i = 0; i < hosts_.size(); ++i) {
    // Rounded half up (both factors are positive), without libm's llround.
    uint64_t count = std::max<uint64_t>(
        1, static_cast<uint64_t>(per_weight * hosts_[i]->weight() + 0.5));
    const std::string prefix = hosts_[i]->address().toString() + "_";
    for (uint64_t j = 0; j < count; ++j)
      ring_.push_back(Entry{hasher(prefix + std::to_string(j)), i});
  }
  std::sort(ring_.begin(), ring_.end(),
            [](const Entry& a, const Entry& b) { return a.hash < b.hash; });
}

HostImplConstSharedPtr RingHashLoadBalancer::pick(const LoadBalancerContext& context,
                                                  uint32_t attempt) {
  if (ring_.empty()) return nullptr;
  uint64_t key = context.hash_key ? *context.hash_key : rng_();
  auto it = std::lower_bound(ring_.begin(), ring_.end(), key,
                             [](const Entry& e, uint64_t k) { return e.hash < k; });
  size_t index = it == ring_.end() ? 0 : static_cast<size_t>(it - ring_.begin());
  if (attempt == 0) return hosts_[ring_[index].host];
  // Walk clockwise to the attempt-th host other than the ones already passed.
  std::vector<bool> seen(hosts_.size(), false);
  uint32_t distinct = 0;
  uint32_t wanted = attempt % static_cast<uint32_t>(hosts_.size());
  for (size_t step = 0; step < ring_.size(); ++step) {
    uint32_t host = ring_[(index + step) % ring_.size()].host;
    if (seen[host]) continue;
    seen[host] = true;
    if (distinct++ == wanted) return hosts_[host];
  }
  return hosts_[ring_[index].host];
}

}  // namespace remora::upstream
