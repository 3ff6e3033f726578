#include "proxy/upstream/load_balancer.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "common/stats/store.h"
#include "proxy/upstream/host_set.h"
#include "proxy/upstream/maglev_lb.h"
#include "proxy/upstream/ring_hash_lb.h"
#include "proxy/upstream/round_robin_lb.h"
#include "proxy/upstream/thread_local_cluster_impl.h"

namespace remora::upstream {
namespace {

HostImplConstSharedPtr makeHost(int index, uint32_t weight = 1) {
  auto address = network::Address::fromIp("10.0.0." + std::to_string(index), 80);
  return std::make_shared<HostImpl>(*address, "", weight, nullptr);
}

std::vector<HostImplConstSharedPtr> makeHosts(int count) {
  std::vector<HostImplConstSharedPtr> hosts;
  for (int i = 1; i <= count; ++i) hosts.push_back(makeHost(i));
  return hosts;
}

config::ClusterConfig policy(config::LbPolicy lb_policy) {
  config::ClusterConfig c;
  c.name = "test";
  c.lb_policy = lb_policy;
  return c;
}

std::map<const HostImpl*, int> countPicks(LoadBalancer& lb, int picks, bool hashed = false) {
  std::map<const HostImpl*, int> counts;
  for (int i = 0; i < picks; ++i) {
    LoadBalancerContext context;
    if (hashed) context.hash_key = mixHash(static_cast<uint64_t>(i));
    counts[lb.pick(context, 0).get()]++;
  }
  return counts;
}

// Maps `keys` hash keys to hosts by address.
std::vector<std::string> mapKeys(LoadBalancer& lb, int keys) {
  std::vector<std::string> out;
  for (int i = 0; i < keys; ++i) {
    LoadBalancerContext context;
    context.hash_key = mixHash(static_cast<uint64_t>(i) * 7919);
    out.push_back(lb.pick(context, 0)->address().toString());
  }
  return out;
}

TEST(RoundRobinLoadBalancerTest, EqualWeightsRotateInOrder) {
  auto hosts = makeHosts(3);
  RoundRobinLoadBalancer lb(hosts, 0);
  std::vector<const HostImpl*> got;
  for (int i = 0; i < 6; ++i) got.push_back(lb.pick({}, 0).get());
  EXPECT_EQ(got, (std::vector<const HostImpl*>{hosts[0].get(), hosts[1].get(), hosts[2].get(),
                                               hosts[0].get(), hosts[1].get(), hosts[2].get()}));
}

TEST(RoundRobinLoadBalancerTest, WeightsInterleaveSmoothly) {
  std::vector<HostImplConstSharedPtr> hosts{makeHost(1, 5), makeHost(2, 1), makeHost(3, 1)};
  RoundRobinLoadBalancer lb(hosts, 0);
  std::string order;
  for (int i = 0; i < 14; ++i) {
    auto picked = lb.pick({}, 0);
    order += picked == hosts[0] ? 'a' : picked == hosts[1] ? 'b' : 'c';
  }
  EXPECT_EQ(order, "aabacaaaabacaa");
}

TEST(RandomLoadBalancerTest, SpreadsRoughlyUniformlyWithAFixedSeed) {
  auto lb = createLoadBalancer(policy(config::LbPolicy::Random), makeHosts(4), 42);
  auto counts = countPicks(*lb, 40000);
  ASSERT_EQ(counts.size(), 4u);
  for (const auto& [host, n] : counts) {
    EXPECT_GT(n, 9000);
    EXPECT_LT(n, 11000);
  }
}

TEST(LeastRequestLoadBalancerTest, PrefersTheIdleHost) {
  auto hosts = makeHosts(2);
  for (int i = 0; i < 10; ++i) hosts[0]->onConnectionOpened();
  auto lb = createLoadBalancer(policy(config::LbPolicy::LeastRequest), hosts, 7);
  auto counts = countPicks(*lb, 10000);
  // P2C with replacement picks the busy host only when both draws hit it (1/4).
  EXPECT_GT(counts[hosts[1].get()], 7000);
  EXPECT_LT(counts[hosts[0].get()], 3000);
}

TEST(LeastRequestLoadBalancerTest, MoreChoicesFindTheIdleHostMoreOften) {
  auto hosts = makeHosts(4);
  for (int h = 0; h < 3; ++h) {
    for (int i = 0; i < 5; ++i) hosts[h]->onConnectionOpened();
  }
  auto c = policy(config::LbPolicy::LeastRequest);
  c.least_request.choice_count = 8;
  auto lb = createLoadBalancer(c, hosts, 7);
  auto counts = countPicks(*lb, 10000);
  // Missing the idle host in 8 draws: (3/4)^8 ~ 10%.
  EXPECT_GT(counts[hosts[3].get()], 8500);
}

TEST(LeastRequestLoadBalancerTest, EqualLoadFavoursTheHeavierWeight) {
  std::vector<HostImplConstSharedPtr> hosts{makeHost(1, 1), makeHost(2, 3)};
  auto lb = createLoadBalancer(policy(config::LbPolicy::LeastRequest), hosts, 3);
  auto counts = countPicks(*lb, 10000);
  EXPECT_GT(counts[hosts[1].get()], 7000);
}

TEST(RingHashLoadBalancerTest, SameKeySameHostAndEvenSpread) {
  auto lb = createLoadBalancer(policy(config::LbPolicy::RingHash), makeHosts(4), 1);
  EXPECT_EQ(mapKeys(*lb, 1000), mapKeys(*lb, 1000));
  auto counts = countPicks(*lb, 20000, true);
  ASSERT_EQ(counts.size(), 4u);
  for (const auto& [host, n] : counts) {
    EXPECT_GT(n, 3500) << host->address().toString();
    EXPECT_LT(n, 6500) << host->address().toString();
  }
}

TEST(RingHashLoadBalancerTest, RemovingAHostRemapsOnlyItsKeys) {
  auto hosts = makeHosts(5);
  auto before_lb = createLoadBalancer(policy(config::LbPolicy::RingHash), hosts, 1);
  auto removed = hosts[2]->address().toString();
  hosts.erase(hosts.begin() + 2);
  auto after_lb = createLoadBalancer(policy(config::LbPolicy::RingHash), hosts, 1);
  auto before = mapKeys(*before_lb, 10000);
  auto after = mapKeys(*after_lb, 10000);
  int moved = 0;
  for (size_t i = 0; i < before.size(); ++i) {
    if (before[i] == after[i]) continue;
    ++moved;
    EXPECT_EQ(before[i], removed) << "key " << i << " moved although its host stayed";
  }
  EXPECT_GT(moved, 1000);  // ~1/5 of 10000
  EXPECT_LT(moved, 3000);
}

TEST(RingHashLoadBalancerTest, RingSizeHonoursMinimumAndMaximum) {
  config::RingHashConfig sizes;
  sizes.minimum_ring_size = 1024;
  sizes.maximum_ring_size = 8 * 1024 * 1024;
  RingHashLoadBalancer big(makeHosts(3), sizes, 1);
  EXPECT_GE(big.ringSize(), 1024u);
  EXPECT_LT(big.ringSize(), 2048u);
  sizes.minimum_ring_size = 10;
  sizes.maximum_ring_size = 60;
  std::vector<HostImplConstSharedPtr> skewed{makeHost(1, 1), makeHost(2, 100)};
  RingHashLoadBalancer capped(skewed, sizes, 1);
  EXPECT_LE(capped.ringSize(), 62u);
}

TEST(MaglevLoadBalancerTest, SameKeySameHostAndEvenSpread) {
  auto lb = createLoadBalancer(policy(config::LbPolicy::Maglev), makeHosts(4), 1);
  EXPECT_EQ(mapKeys(*lb, 1000), mapKeys(*lb, 1000));
  auto counts = countPicks(*lb, 20000, true);
  ASSERT_EQ(counts.size(), 4u);
  for (const auto& [host, n] : counts) {
    EXPECT_GT(n, 4500);
    EXPECT_LT(n, 5500);
  }
}

TEST(MaglevLoadBalancerTest, RemovingAHostMovesFewOtherKeys) {
  auto hosts = makeHosts(5);
  auto before_lb = createLoadBalancer(policy(config::LbPolicy::Maglev), hosts, 1);
  auto removed = hosts[2]->address().toString();
  hosts.erase(hosts.begin() + 2);
  auto after_lb = createLoadBalancer(policy(config::LbPolicy::Maglev), hosts, 1);
  auto before = mapKeys(*before_lb, 10000);
  auto after = mapKeys(*after_lb, 10000);
  int moved = 0;
  int moved_from_survivors = 0;
  for (size_t i = 0; i < before.size(); ++i) {
    if (before[i] == after[i]) continue;
    ++moved;
    if (before[i] != removed) ++moved_from_survivors;
  }
  EXPECT_GT(moved, 1500);
  EXPECT_LT(moved, 3500);
  // Maglev trades a little extra churn for its even spread.
  EXPECT_LT(moved_from_survivors, 1000);
}

TEST(MaglevLoadBalancerTest, WeightsSetTheShareOfTheTable) {
  std::vector<HostImplConstSharedPtr> hosts{makeHost(1, 1), makeHost(2, 2)};
  MaglevLoadBalancer lb(hosts, 65537, 1);
  auto counts = countPicks(lb, 30000, true);
  double heavy = counts[hosts[1].get()] / 30000.0;
  EXPECT_GT(heavy, 0.62);
  EXPECT_LT(heavy, 0.71);
}

class ThreadLocalClusterTest : public ::testing::Test {
 protected:
  std::unique_ptr<ThreadLocalClusterImpl> makeCluster(
      config::LbPolicy lb_policy, const std::vector<HostImplConstSharedPtr>& hosts) {
    info_ = std::make_shared<ClusterInfoImpl>(policy(lb_policy), store_, nullptr);
    return std::make_unique<ThreadLocalClusterImpl>(info_, makeHostSet(hosts), nullptr, 5);
  }
  stats::Store store_{1};
  ClusterInfoImplConstSharedPtr info_;
};

TEST_F(ThreadLocalClusterTest, AvoidsAttemptedHostsWhenOthersExist) {
  auto hosts = makeHosts(3);
  for (auto lb_policy :
       {config::LbPolicy::RoundRobin, config::LbPolicy::Random, config::LbPolicy::LeastRequest,
        config::LbPolicy::RingHash, config::LbPolicy::Maglev}) {
    auto cluster = makeCluster(lb_policy, hosts);
    for (int i = 0; i < 100; ++i) {
      LoadBalancerContext context;
      context.hash_key = mixHash(static_cast<uint64_t>(i));
      context.attempted_hosts = {hosts[0], hosts[1]};
      EXPECT_EQ(cluster->chooseHost(context), hosts[2])
          << static_cast<int>(lb_policy) << " key " << i;
    }
  }
}

TEST_F(ThreadLocalClusterTest, ReturnsAnAttemptedHostWhenItIsTheOnlyOne) {
  auto hosts = makeHosts(1);
  auto cluster = makeCluster(config::LbPolicy::RoundRobin, hosts);
  LoadBalancerContext context;
  context.attempted_hosts = {hosts[0]};
  EXPECT_EQ(cluster->chooseHost(context), hosts[0]);
}

TEST_F(ThreadLocalClusterTest, SkipsUnhealthyHosts) {
  auto hosts = makeHosts(3);
  hosts[1]->setHealthFlag(HealthFlag::FailedOutlierCheck, true);
  auto cluster = makeCluster(config::LbPolicy::RoundRobin, hosts);
  for (int i = 0; i < 30; ++i) EXPECT_NE(cluster->chooseHost({}), hosts[1]);
  EXPECT_EQ(store_.counter("cluster.test.lb_healthy_panic").value(), 0u);
}

TEST_F(ThreadLocalClusterTest, PanicsOverAllHostsWhenNoneIsHealthy) {
  auto hosts = makeHosts(2);
  for (auto& h : hosts) h->setHealthFlag(HealthFlag::FailedActiveHc, true);
  auto cluster = makeCluster(config::LbPolicy::RoundRobin, hosts);
  std::map<const Host*, int> counts;
  for (int i = 0; i < 10; ++i) counts[cluster->chooseHost({}).get()]++;
  EXPECT_EQ(counts.size(), 2u);
  EXPECT_EQ(store_.counter("cluster.test.lb_healthy_panic").value(), 10u);
}

TEST_F(ThreadLocalClusterTest, EmptyClusterYieldsNoHost) {
  auto cluster = makeCluster(config::LbPolicy::RoundRobin, {});
  EXPECT_EQ(cluster->chooseHost({}), nullptr);
}

}  // namespace
}  // namespace remora::upstream
