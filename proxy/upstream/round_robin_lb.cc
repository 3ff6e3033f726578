#include "proxy/upstream/round_robin_lb.h"

namespace remora::upstream {

RoundRobinLoadBalancer::RoundRobinLoadBalancer(std::vector<HostImplConstSharedPtr> hosts,
                                               uint64_t start)
    : hosts_(std::move(hosts)), credit_(hosts_.size(), 0) {
  for (const auto& host : hosts_) {
    total_weight_ += host->weight();
    if (host->weight() != hosts_.front()->weight()) equal_weights_ = false;
  }
  if (!hosts_.empty()) next_ = start % hosts_.size();
}

HostImplConstSharedPtr RoundRobinLoadBalancer::pick(const LoadBalancerContext&, uint32_t) {
  if (hosts_.empty()) return nullptr;
  if (equal_weights_) {
    // O(1) for the common case.
    const auto& host = hosts_[next_];
    next_ = (next_ + 1) % hosts_.size();
    return host;
  }
  size_t best = 0;
  for (size_t i = 0; i < hosts_.size(); ++i) {
    credit_[i] += hosts_[i]->weight();
    if (credit_[i] > credit_[best]) best = i;
  }
  credit_[best] -= total_weight_;
  return hosts_[best];
}

}  // namespace remora::upstream
