#pragma once

// RING_HASH: Ketama-style consistent hashing. Each host owns points on a
// 64-bit ring at hash("<address>_<i>") (std::hash, stable for one build),
// as many as its share of the ring size; a key goes to the first point at or
// after it. Removing a host remaps only the keys that pointed at it (~1/N).
// Ring size: the lightest host gets at least minimum_ring_size x its weight
// share points, rounded up to a power of two (so the ring holds between
// minimum_ring_size and about twice that), and the whole ring is capped at
// maximum_ring_size. Envoy scales exactly to minimum_ring_size instead, which
// makes every host's points shift when one host leaves; the rounding keeps
// ketama's "only the leaving host's keys move".

#include <cstdint>
#include <random>
#include <vector>

#include "proxy/upstream/load_balancer.h"

namespace remora::upstream {

class RingHashLoadBalancer : public LoadBalancer {
 public:
  RingHashLoadBalancer(std::vector<HostImplConstSharedPtr> hosts,
                       const config::RingHashConfig& config, uint64_t seed);
  // Without a hash key the pick is random. A retry (`attempt` > 0) walks on
  // to the attempt-th distinct host clockwise.
  HostImplConstSharedPtr pick(const LoadBalancerContext& context, uint32_t attempt) override;
  size_t ringSize() const { return ring_.size(); }

 private:
  struct Entry {
    uint64_t hash;
    uint32_t host;
  };
  std::vector<HostImplConstSharedPtr> hosts_;
  std::vector<Entry> ring_;
  std::mt19937_64 rng_;
};

}  // namespace remora::upstream
