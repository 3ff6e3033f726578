#include "proxy/upstream/load_balancer.h"

#include "proxy/upstream/least_request_lb.h"
#include "proxy/upstream/maglev_lb.h"
#include "proxy/upstream/random_lb.h"
#include "proxy/upstream/ring_hash_lb.h"
#include "proxy/upstream/round_robin_lb.h"

namespace remora::upstream {

LoadBalancerPtr createLoadBalancer(const config::ClusterConfig& config,
                                   std::vector<HostImplConstSharedPtr> hosts, uint64_t seed) {
  switch (config.lb_policy) {
    case config::LbPolicy::RoundRobin:
      return std::make_unique<RoundRobinLoadBalancer>(std::move(hosts), seed);
    case config::LbPolicy::LeastRequest:
      return std::make_unique<LeastRequestLoadBalancer>(std::move(hosts),
                                                        config.least_request.choice_count, seed);
    case config::LbPolicy::Random:
      return std::make_unique<RandomLoadBalancer>(std::move(hosts), seed);
    case config::LbPolicy::RingHash:
      return std::make_unique<RingHashLoadBalancer>(std::move(hosts), config.ring_hash, seed);
    case config::LbPolicy::Maglev:
      return std::make_unique<MaglevLoadBalancer>(std::move(hosts), config.maglev.table_size, seed);
    case config::LbPolicy::ClusterProvided:
      return nullptr;
  }
  return nullptr;
}

}  // namespace remora::upstream
