#include "proxy/upstream/maglev_lb.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <string>

namespace remora::upstream {

namespace {
constexpr uint32_t kEmpty = std::numeric_limits<uint32_t>::max();

struct BuildEntry {
  uint64_t offset;
  uint64_t skip;
  uint64_t next = 0;    // position in this host's permutation
  uint64_t target = 0;  // weighted turn bookkeeping
};
}  // namespace

MaglevLoadBalancer::MaglevLoadBalancer(std::vector<HostImplConstSharedPtr> hosts,
                                       uint64_t table_size, uint64_t seed)
    : hosts_(std::move(hosts)), rng_(seed) {
  if (hosts_.empty() || table_size < 2) return;
  table_.assign(table_size, kEmpty);
  std::vector<BuildEntry> entries;
  uint64_t max_weight = 0;
  std::hash<std::string> hasher;
  for (const auto& host : hosts_) {
    uint64_t h = hasher(host->address().toString());
    entries.push_back(
        BuildEntry{mixHash(h) % table_size, mixHash(h ^ 0x5bd1e995ULL) % (table_size - 1) + 1});
    max_weight = std::max<uint64_t>(max_weight, host->weight());
  }
  uint64_t filled = 0;
  for (uint64_t iteration = 1; filled < table_size; ++iteration) {
    for (size_t i = 0; i < entries.size() && filled < table_size; ++i) {
      auto& e = entries[i];
      // A host claims a slot in this round only while its weighted share
      // (iteration x weight) is ahead of the turns it has already taken
      // (counted in units of the heaviest weight).
      if (iteration * hosts_[i]->weight() < e.target) continue;
      e.target += max_weight;
      uint64_t slot = (e.offset + e.skip * e.next) % table_size;
      while (table_[slot] != kEmpty) {
        ++e.next;
        slot = (e.offset + e.skip * e.next) % table_size;
      }
      table_[slot] = static_cast<uint32_t>(i);
      ++e.next;
      ++filled;
    }
  }
}

HostImplConstSharedPtr MaglevLoadBalancer::pick(const LoadBalancerContext& context,
                                                uint32_t attempt) {
  if (table_.empty()) return nullptr;
  uint64_t key = context.hash_key ? *context.hash_key : rng_();
  if (attempt > 0) key = mixHash(key + attempt);
  return hosts_[table_[key % table_.size()]];
}

}  // namespace remora::upstream
