#pragma once

// LEAST_REQUEST: `choice_count` random hosts (default 2, "power of two
// choices"), keeping the one with the fewest active connections relative to
// its weight, i.e. the smallest (active + 1) / weight. With equal weights this
// is Envoy's P2C exactly; with unequal weights it approximates Envoy's
// weight / (active + 1) schedule at O(choice_count) per pick.

#include <random>
#include <vector>

#include "proxy/upstream/load_balancer.h"

namespace remora::upstream {

class LeastRequestLoadBalancer : public LoadBalancer {
 public:
  LeastRequestLoadBalancer(std::vector<HostImplConstSharedPtr> hosts, uint32_t choice_count,
                           uint64_t seed);
  HostImplConstSharedPtr pick(const LoadBalancerContext& context, uint32_t attempt) override;

 private:
  std::vector<HostImplConstSharedPtr> hosts_;
  uint32_t choice_count_;
  std::mt19937_64 rng_;
};

}  // namespace remora::upstream
