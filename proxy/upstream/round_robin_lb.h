#pragma once

// ROUND_ROBIN: smooth weighted round robin (nginx's algorithm): every pick
// adds each host's weight to its credit, takes the host with the most credit
// and charges it the total weight. Equal weights give plain rotation; unequal
// ones interleave (5,1,1 -> a a b a c a a) rather than bunch.

#include <vector>

#include "proxy/upstream/load_balancer.h"

namespace remora::upstream {

class RoundRobinLoadBalancer : public LoadBalancer {
 public:
  // `start` offsets the rotation so workers do not all begin on host 0.
  RoundRobinLoadBalancer(std::vector<HostImplConstSharedPtr> hosts, uint64_t start);
  HostImplConstSharedPtr pick(const LoadBalancerContext& context, uint32_t attempt) override;

 private:
  std::vector<HostImplConstSharedPtr> hosts_;
  bool equal_weights_ = true;
  size_t next_ = 0;
  int64_t total_weight_ = 0;
  std::vector<int64_t> credit_;
};

}  // namespace remora::upstream
