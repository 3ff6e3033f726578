#include "proxy/upstream/least_request_lb.h"

namespace remora::upstream {

LeastRequestLoadBalancer::LeastRequestLoadBalancer(std::vector<HostImplConstSharedPtr> hosts,
                                                   uint32_t choice_count, uint64_t seed)
    : hosts_(std::move(hosts)), choice_count_(choice_count < 1 ? 1 : choice_count), rng_(seed) {}

HostImplConstSharedPtr LeastRequestLoadBalancer::pick(const LoadBalancerContext&, uint32_t) {
  if (hosts_.empty()) return nullptr;
  const HostImplConstSharedPtr* best = nullptr;
  for (uint32_t i = 0; i < choice_count_; ++i) {
    const auto& candidate = hosts_[rng_() % hosts_.size()];
    if (best == nullptr) {
      best = &candidate;
      continue;
    }
    // Cross-multiplied to compare (active+1)/weight without division.
    auto load = [](const HostImplConstSharedPtr& h, const HostImplConstSharedPtr& other) {
      int64_t active = h->cxActive() < 0 ? 0 : h->cxActive();
      return static_cast<uint64_t>(active + 1) * other->weight();
    };
    if (load(candidate, *best) < load(*best, candidate)) best = &candidate;
  }
  return *best;
}

}  // namespace remora::upstream
