#pragma once

// Per-worker host selection over one fixed list of hosts. A balancer is built
// from a snapshot and thrown away when the next snapshot arrives, so it never
// sees membership change. Not thread-safe: one instance per worker.

#include <cstdint>
#include <memory>
#include <vector>

#include "config/cluster_config.h"
#include "proxy/upstream/host_impl.h"

namespace remora::upstream {

class LoadBalancer {
 public:
  virtual ~LoadBalancer() = default;
  // Picks one of the hosts given at construction, or nullptr if there are
  // none. `attempt` counts earlier picks for the same context that were
  // rejected (already tried): hash policies then move to another host
  // deterministically instead of repeating the same one.
  virtual HostImplConstSharedPtr pick(const LoadBalancerContext& context, uint32_t attempt) = 0;
};
using LoadBalancerPtr = std::unique_ptr<LoadBalancer>;

// The balancer for `config.lb_policy` (CLUSTER_PROVIDED gets nullptr: the
// ORIGINAL_DST cluster picks by itself). `seed` seeds its random choices.
LoadBalancerPtr createLoadBalancer(const config::ClusterConfig& config,
                                   std::vector<HostImplConstSharedPtr> hosts, uint64_t seed);

// A 64-bit finaliser (splitmix64) that spreads hash bits; shared by the hash
// policies.
inline uint64_t mixHash(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace remora::upstream
