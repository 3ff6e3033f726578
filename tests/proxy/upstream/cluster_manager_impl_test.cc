#include "proxy/upstream/cluster_manager_impl.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/network/raw_transport_socket.h"
#include "common/stats/store.h"
#include "tests/proxy/upstream/upstream_test_support.h"
#include "tests/test_support/wait.h"

namespace remora::upstream {
namespace {

using testing::ConnectReporter;
using testing::staticCluster;
using testing::TestServer;

class ClusterManagerImplTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dispatcher_ = event::createDispatcher("main");
    manager_ = std::make_unique<ClusterManagerImpl>(*dispatcher_, store_, nullptr,
                                                    ClusterManagerImpl::Options{1234});
  }
  void TearDown() override {
    reporters_.clear();
    manager_.reset();
    dispatcher_->run(event::RunType::NonBlock);
  }

  // The main dispatcher doubles as the one worker: posted updates run in
  // runUntil like they would on a worker's loop.
  ClusterManager& worker() {
    if (worker_ == nullptr) worker_ = &manager_->registerWorker(*dispatcher_);
    return *worker_;
  }
  // Lets queued posts reach the worker view.
  void drain() { dispatcher_->run(event::RunType::NonBlock); }

  ConnectReporter& connect(const std::string& cluster, LoadBalancerContext context = {}) {
    auto result =
        worker().getThreadLocalCluster(cluster)->createConnection(*dispatcher_, context, {});
    EXPECT_NE(result.connection, nullptr);
    reporters_.push_back(std::make_unique<ConnectReporter>(std::move(result.connection)));
    return *reporters_.back();
  }

  uint64_t counter(const std::string& name) { return store_.counter(name).value(); }
  int64_t gauge(const std::string& name) { return store_.gauge(name).value(); }

  stats::Store store_{1};
  event::DispatcherPtr dispatcher_;
  std::unique_ptr<ClusterManagerImpl> manager_;
  ClusterManager* worker_ = nullptr;
  std::vector<std::unique_ptr<ConnectReporter>> reporters_;
};

TEST_F(ClusterManagerImplTest, WorkerConnectsToAStaticHostAndCountsIt) {
  TestServer server(*dispatcher_);
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(manager_->update({staticCluster("web", {server.address()})}).ok());
  bool initialized = false;
  manager_->onInitialized([&] { initialized = true; });
  EXPECT_TRUE(initialized);
  auto* cluster = worker().getThreadLocalCluster("web");
  ASSERT_NE(cluster, nullptr);
  EXPECT_EQ(cluster->info().name(), "web");
  EXPECT_EQ(cluster->info().connectTimeout(), std::chrono::seconds(5));
  EXPECT_EQ(worker().getThreadLocalCluster("nope"), nullptr);

  auto& reporter = connect("web");
  ASSERT_TRUE(::remora::testing::runUntil(
      *dispatcher_, [&] { return reporter.connected() && server.accepted() == 1; }));
  EXPECT_EQ(reporter.upstream().host()->address(), server.address());
  EXPECT_EQ(counter("cluster.web.upstream_cx_total"), 1u);
  EXPECT_EQ(gauge("cluster.web.upstream_cx_active"), 1);
  EXPECT_EQ(gauge("cluster.web.membership_total"), 1);
  EXPECT_EQ(gauge("cluster.web.membership_healthy"), 1);
  std::string dump = manager_->dumpClusters();
  std::string prefix = "web::" + server.address().toString() + "::";
  EXPECT_NE(dump.find(prefix + "cx_active::1\n"), std::string::npos) << dump;
  EXPECT_NE(dump.find(prefix + "health_flags::healthy\n"), std::string::npos) << dump;
  EXPECT_NE(dump.find("web::default_priority::max_connections::1024\n"), std::string::npos) << dump;

  reporters_.clear();
  drain();
  EXPECT_EQ(gauge("cluster.web.upstream_cx_active"), 0);
}

TEST_F(ClusterManagerImplTest, EmptyClusterFailsWithNoHealthyHost) {
  ASSERT_TRUE(manager_->update({staticCluster("empty", {})}).ok());
  auto result = worker().getThreadLocalCluster("empty")->createConnection(*dispatcher_, {}, {});
  EXPECT_EQ(result.connection, nullptr);
  EXPECT_EQ(result.failure, ConnectFailure::NoHealthyHost);
  EXPECT_EQ(counter("cluster.empty.upstream_cx_none_healthy"), 1u);
}

TEST_F(ClusterManagerImplTest, MaxConnectionsOverflows) {
  TestServer server(*dispatcher_);
  auto config = staticCluster("cb", {server.address()});
  config.circuit_breakers.max_connections = 2;
  ASSERT_TRUE(manager_->update({config}).ok());
  auto& first = connect("cb");
  auto& second = connect("cb");
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_,
                                          [&] { return first.connected() && second.connected(); }));
  auto* cluster = worker().getThreadLocalCluster("cb");
  auto third = cluster->createConnection(*dispatcher_, {}, {});
  EXPECT_EQ(third.connection, nullptr);
  EXPECT_EQ(third.failure, ConnectFailure::ConnectionOverflow);
  EXPECT_EQ(counter("cluster.cb.upstream_cx_overflow"), 1u);
  reporters_.pop_back();  // frees one unit
  EXPECT_NE(cluster->createConnection(*dispatcher_, {}, {}).connection, nullptr);
}

TEST_F(ClusterManagerImplTest, ConnectionsStillConnectingCountAsPending) {
  TestServer server(*dispatcher_);
  auto config = staticCluster("pending", {server.address()});
  config.circuit_breakers.max_pending_requests = 1;
  ASSERT_TRUE(manager_->update({config}).ok());
  auto* cluster = worker().getThreadLocalCluster("pending");
  auto first = cluster->createConnection(*dispatcher_, {}, {});
  ASSERT_NE(first.connection, nullptr);
  auto second = cluster->createConnection(*dispatcher_, {}, {});
  EXPECT_EQ(second.connection, nullptr);
  EXPECT_EQ(second.failure, ConnectFailure::ConnectionOverflow);
  EXPECT_EQ(counter("cluster.pending.upstream_rq_pending_overflow"), 1u);
  first.connection->markConnected();
  auto third = cluster->createConnection(*dispatcher_, {}, {});
  EXPECT_NE(third.connection, nullptr);
}

TEST_F(ClusterManagerImplTest, OriginalDstCreatesHostsOnDemandAndReapsUnusedOnes) {
  TestServer server(*dispatcher_);
  config::ClusterConfig config;
  config.name = "passthrough";
  config.type = config::DiscoveryType::OriginalDst;
  config.lb_policy = config::LbPolicy::ClusterProvided;
  config.cleanup_interval = std::chrono::milliseconds(50);
  ASSERT_TRUE(manager_->update({config}).ok());
  auto* cluster = worker().getThreadLocalCluster("passthrough");
  ASSERT_NE(cluster, nullptr);
  EXPECT_EQ(cluster->chooseHost({}), nullptr);  // no original destination

  LoadBalancerContext context;
  context.original_destination = server.address();
  auto& reporter = connect("passthrough", context);
  HostConstSharedPtr host = reporter.upstream().host();
  EXPECT_EQ(host->address(), server.address());
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] {
    return reporter.connected() && manager_->cluster("passthrough")->hosts().size() == 1;
  }));
  // Confirmed by the main thread: the same host object everywhere.
  EXPECT_EQ(manager_->cluster("passthrough")->hosts()[0].get(), host.get());
  EXPECT_EQ(worker().getThreadLocalCluster("passthrough")->chooseHost(context).get(), host.get());

  // An open connection keeps the host through several sweeps.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  ::remora::testing::runUntil(*dispatcher_,
                              [&] { return std::chrono::steady_clock::now() > until; });
  EXPECT_EQ(manager_->cluster("passthrough")->hosts().size(), 1u);

  reporters_.clear();
  ASSERT_TRUE(::remora::testing::runUntil(
      *dispatcher_, [&] { return manager_->cluster("passthrough")->hosts().empty(); }));
  EXPECT_EQ(gauge("cluster.passthrough.membership_total"), 0);
}

TEST_F(ClusterManagerImplTest, ReloadKeepsUnchangedClustersAndRebuildsChangedOnes) {
  TestServer a(*dispatcher_);
  TestServer b1(*dispatcher_);
  TestServer b2(*dispatcher_);
  ASSERT_TRUE(
      manager_->update({staticCluster("a", {a.address()}), staticCluster("b", {b1.address()})})
          .ok());
  worker();
  const Cluster* cluster_a = manager_->cluster("a");
  const HostImpl* host_a = cluster_a->hosts()[0].get();
  auto& old_b = connect("b");
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] { return old_b.connected(); }));

  ASSERT_TRUE(
      manager_->update({staticCluster("a", {a.address()}), staticCluster("b", {b2.address()})})
          .ok());
  drain();
  EXPECT_EQ(manager_->cluster("a"), cluster_a);
  EXPECT_EQ(manager_->cluster("a")->hosts()[0].get(), host_a);
  EXPECT_EQ(worker().getThreadLocalCluster("a")->chooseHost({}).get(), host_a);
  EXPECT_EQ(worker().getThreadLocalCluster("b")->chooseHost({})->address(), b2.address());

  ASSERT_TRUE(manager_->update({staticCluster("a", {a.address()})}).ok());
  drain();
  EXPECT_EQ(manager_->cluster("b"), nullptr);
  EXPECT_EQ(worker().getThreadLocalCluster("b"), nullptr);
  // The connection made through the old "b" is untouched.
  EXPECT_FALSE(old_b.closed());
  EXPECT_EQ(old_b.upstream().connection().state(), network::ConnectionState::Open);
  EXPECT_EQ(gauge("cluster_manager.active_clusters"), 1);
}

TEST_F(ClusterManagerImplTest, TransportSocketHookIsAskedPerClusterAndCanRefuse) {
  std::vector<std::string> asked;
  manager_ = std::make_unique<ClusterManagerImpl>(
      *dispatcher_, store_,
      [&](const config::ClusterConfig& c) -> network::TransportSocketFactoryPtr {
        asked.push_back(c.name);
        if (c.name == "bad") return nullptr;
        return std::make_shared<network::RawTransportSocketFactory>();
      });
  auto status = manager_->update({staticCluster("good", {}), staticCluster("bad", {})});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("bad"), std::string::npos);
  EXPECT_EQ(asked, (std::vector<std::string>{"good", "bad"}));
  EXPECT_NE(manager_->cluster("good"), nullptr);
  EXPECT_EQ(manager_->cluster("bad"), nullptr);
  // Unchanged on reload: not asked again.
  asked.clear();
  (void)manager_->update({staticCluster("good", {})});
  EXPECT_TRUE(asked.empty());
}

TEST_F(ClusterManagerImplTest, ConfigDumpShowsEffectiveValues) {
  auto config = staticCluster("web", {*network::Address::fromIp("10.1.2.3", 8080)});
  config.connect_timeout = std::chrono::milliseconds(250);
  ASSERT_TRUE(manager_->update({config}).ok());
  std::string dump = manager_->dumpConfig();
  for (const char* expected : {"clusters:", "name: web", "type: STATIC", "connect_timeout: 0.250s",
                               "lb_policy: ROUND_ROBIN", "address: 10.1.2.3", "port_value: 8080",
                               "max_connections: 1024"}) {
    EXPECT_NE(dump.find(expected), std::string::npos) << expected << " in\n" << dump;
  }
}

}  // namespace
}  // namespace remora::upstream
