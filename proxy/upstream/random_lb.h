#pragma once

// RANDOM: a uniformly random host (weights are not applied, as in Envoy).

#include <random>
#include <vector>

#include "proxy/upstream/load_balancer.h"

namespace remora::upstream {

class RandomLoadBalancer : public LoadBalancer {
 public:
  RandomLoadBalancer(std::vector<HostImplConstSharedPtr> hosts, uint64_t seed);
  HostImplConstSharedPtr pick(const LoadBalancerContext& context, uint32_t attempt) override;

 private:
  std::vector<HostImplConstSharedPtr> hosts_;
  std::mt19937_64 rng_;
};

}  // namespace remora::upstream
