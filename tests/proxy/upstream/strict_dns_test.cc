// STRICT_DNS clusters resolved through evdns against a fake DNS server.

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>

#include "common/stats/store.h"
#include "proxy/upstream/cluster_manager_impl.h"
#include "tests/proxy/upstream/fake_dns_server.h"
#include "tests/test_support/wait.h"

namespace remora::upstream {
namespace {

class StrictDnsClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dispatcher_ = event::createDispatcher("main");
    dns_ = std::make_unique<testing::FakeDnsServer>(*dispatcher_);
    manager_ = std::make_unique<ClusterManagerImpl>(*dispatcher_, store_);
  }
  void TearDown() override {
    manager_.reset();
    dns_.reset();
    dispatcher_->run(event::RunType::NonBlock);
  }

  config::ClusterConfig dnsCluster(const std::string& name, std::chrono::milliseconds refresh) {
    config::ClusterConfig c;
    c.name = name;
    c.type = config::DiscoveryType::StrictDns;
    c.dns_lookup_family = config::DnsLookupFamily::V4Only;
    c.dns_refresh_rate = refresh;
    c.dns_resolvers = {dns_->address()};
    c.endpoints.push_back(config::EndpointConfig{"backend.test", 8080, 1});
    return c;
  }
  std::set<std::string> hosts(const std::string& cluster = "dns") {
    std::set<std::string> out;
    if (const auto* c = manager_->cluster(cluster)) {
      for (const auto& h : c->hosts()) out.insert(h->address().toString());
    }
    return out;
  }
  const HostImpl* hostFor(const std::string& address) {
    for (const auto& h : manager_->cluster("dns")->hosts()) {
      if (h->address().toString() == address) return h.get();
    }
    return nullptr;
  }

  stats::Store store_{1};
  event::DispatcherPtr dispatcher_;
  std::unique_ptr<testing::FakeDnsServer> dns_;
  std::unique_ptr<ClusterManagerImpl> manager_;
};

TEST_F(StrictDnsClusterTest, HostsFollowTheAnswersAndSurvivorsKeepTheirIdentity) {
  dns_->setA("backend.test", {"10.0.0.1", "10.0.0.2"});
  ASSERT_TRUE(manager_->update({dnsCluster("dns", std::chrono::milliseconds(50))}).ok());
  bool initialized = false;
  manager_->onInitialized([&] { initialized = true; });
  auto& worker = manager_->registerWorker(*dispatcher_);
  const std::set<std::string> first{"10.0.0.1:8080", "10.0.0.2:8080"};
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] { return hosts() == first; }));
  EXPECT_TRUE(initialized);
  EXPECT_EQ(hostFor("10.0.0.1:8080")->hostname(), "backend.test");
  const HostImpl* survivor = hostFor("10.0.0.1:8080");
  survivor->setHealthFlag(HealthFlag::FailedOutlierCheck, true);  // state that must survive

  dns_->setA("backend.test", {"10.0.0.1", "10.0.0.3"});
  const std::set<std::string> second{"10.0.0.1:8080", "10.0.0.3:8080"};
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] { return hosts() == second; }));
  EXPECT_EQ(hostFor("10.0.0.1:8080"), survivor);
  EXPECT_TRUE(survivor->healthFlag(HealthFlag::FailedOutlierCheck));
  EXPECT_GE(store_.counter("cluster.dns.update_success").value(), 2u);
  EXPECT_GE(store_.counter("cluster.dns.update_attempt").value(), 2u);
  EXPECT_EQ(store_.gauge("cluster.dns.membership_total").value(), 2);

  // The worker's balancer sees the new set (the survivor is unhealthy).
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] {
    auto host = worker.getThreadLocalCluster("dns")->chooseHost({});
    return host != nullptr && host->address().toString() == "10.0.0.3:8080";
  }));
}

TEST_F(StrictDnsClusterTest, FailedRefreshKeepsTheLastGoodHosts) {
  dns_->setA("backend.test", {"10.0.0.7"});
  ASSERT_TRUE(manager_->update({dnsCluster("dns", std::chrono::milliseconds(50))}).ok());
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] { return hosts().size() == 1; }));
  dns_->setA("backend.test", {});  // NXDOMAIN from now on
  ASSERT_TRUE(::remora::testing::runUntil(
      *dispatcher_, [&] { return store_.counter("cluster.dns.update_failure").value() >= 2; }));
  EXPECT_EQ(hosts(), (std::set<std::string>{"10.0.0.7:8080"}));
}

TEST_F(StrictDnsClusterTest, ChangedClusterWarmsUpBeforeReplacingTheOldOne) {
  dns_->setA("backend.test", {"10.0.0.1"});
  dns_->setA("other.test", {"10.0.0.9"});
  ASSERT_TRUE(manager_->update({dnsCluster("dns", std::chrono::seconds(60))}).ok());
  auto& worker = manager_->registerWorker(*dispatcher_);
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] {
    auto* c = worker.getThreadLocalCluster("dns");
    return c != nullptr && c->chooseHost({}) != nullptr;
  }));
  auto changed = dnsCluster("dns", std::chrono::seconds(60));
  changed.endpoints[0].address = "other.test";
  ASSERT_TRUE(manager_->update({changed}).ok());
  // Until the new version has its first answer the old one keeps serving:
  // the worker never sees an empty cluster.
  bool saw_empty = false;
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] {
    auto host = worker.getThreadLocalCluster("dns")->chooseHost({});
    if (host == nullptr) saw_empty = true;
    return host != nullptr && host->address().toString() == "10.0.0.9:8080";
  }));
  EXPECT_FALSE(saw_empty);
}

}  // namespace
}  // namespace remora::upstream
