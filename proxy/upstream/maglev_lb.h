#pragma once

// MAGLEV: Google's Maglev lookup table (Eisenbud et al., NSDI 2016). Every
// host has a permutation of the table slots from two hashes of its address
// (offset, skip); hosts take turns claiming their next free slot until the
// table is full, a host with weight w taking w turns for every turn of the
// heaviest. A key goes to table[key % table_size]. Removing a host moves its
// slots and a few others (about twice ring hash's churn, as in Envoy).

#include <cstdint>
#include <random>
#include <vector>

#include "proxy/upstream/load_balancer.h"

namespace remora::upstream {

class MaglevLoadBalancer : public LoadBalancer {
 public:
  // `table_size` must be prime (the parser checks).
  MaglevLoadBalancer(std::vector<HostImplConstSharedPtr> hosts, uint64_t table_size, uint64_t seed);
  // Without a hash key the pick is random; a retry rehashes the key.
  HostImplConstSharedPtr pick(const LoadBalancerContext& context, uint32_t attempt) override;

 private:
  std::vector<HostImplConstSharedPtr> hosts_;
  std::vector<uint32_t> table_;
  std::mt19937_64 rng_;
};

}  // namespace remora::upstream
