#include "proxy/upstream/random_lb.h"

namespace remora::upstream {

RandomLoadBalancer::RandomLoadBalancer(std::vector<HostImplConstSharedPtr> hosts, uint64_t seed)
    : hosts_(std::move(hosts)), rng_(seed) {}

HostImplConstSharedPtr RandomLoadBalancer::pick(const LoadBalancerContext&, uint32_t) {
  if (hosts_.empty()) return nullptr;
  return hosts_[rng_() % hosts_.size()];
}

}  // namespace remora::upstream
