#include "proxy/upstream/outlier_detector.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "common/stats/store.h"
#include "proxy/upstream/cluster_manager_impl.h"
#include "tests/proxy/upstream/upstream_test_support.h"
#include "tests/test_support/wait.h"

namespace remora::upstream {
namespace {

using testing::closedPort;
using testing::ConnectReporter;
using testing::staticCluster;
using testing::TestServer;

class OutlierDetectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dispatcher_ = event::createDispatcher("main");
    manager_ = std::make_unique<ClusterManagerImpl>(*dispatcher_, store_);
  }
  void TearDown() override {
    manager_.reset();
    dispatcher_->run(event::RunType::NonBlock);
  }

  void start(const std::vector<network::Address>& endpoints, uint32_t max_percent = 50) {
    auto c = staticCluster("od", endpoints);
    config::OutlierDetectionConfig od;
    od.consecutive_local_origin_failure = 2;
    od.interval = std::chrono::milliseconds(20);
    od.base_ejection_time = std::chrono::milliseconds(200);
    od.max_ejection_percent = max_percent;
    c.outlier_detection = od;
    ASSERT_TRUE(manager_->update({c}).ok());
    worker_ = &manager_->registerWorker(*dispatcher_);
  }

  // Real connect attempts to `target` (the other hosts marked as tried, so
  // the balancer has to pick it), reported like a network filter would.
  void failConnects(const HostImpl& target, int count) {
    // Let the latest snapshot reach the worker view first.
    dispatcher_->run(event::RunType::NonBlock);
    for (int i = 0; i < count; ++i) {
      LoadBalancerContext context;
      for (const auto& h : manager_->cluster("od")->hosts()) {
        if (h.get() != &target) context.attempted_hosts.push_back(h);
      }
      auto result =
          worker_->getThreadLocalCluster("od")->createConnection(*dispatcher_, context, {});
      ASSERT_NE(result.connection, nullptr);
      ASSERT_EQ(result.connection->host().get(), &target);
      ConnectReporter reporter(std::move(result.connection));
      ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] { return reporter.failed(); }));
    }
  }
  const HostImpl& hostAt(size_t i) { return *manager_->cluster("od")->hosts()[i]; }
  int64_t ejectionsActive() {
    return store_.gauge("cluster.od.outlier_detection.ejections_active").value();
  }

  stats::Store store_{1};
  event::DispatcherPtr dispatcher_;
  std::unique_ptr<ClusterManagerImpl> manager_;
  ClusterManager* worker_ = nullptr;
};

TEST_F(OutlierDetectorTest, ConsecutiveConnectFailuresEjectThenTheHostReturnsWithLongerBackoff) {
  TestServer live(*dispatcher_);
  start({closedPort(), live.address()});
  const HostImpl& dead = hostAt(0);

  failConnects(dead, 2);
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] { return !dead.healthy(); }));
  EXPECT_TRUE(dead.healthFlag(HealthFlag::FailedOutlierCheck));
  EXPECT_EQ(ejectionsActive(), 1);
  EXPECT_EQ(store_.counter("cluster.od.outlier_detection.ejections_enforced_total").value(), 1u);
  EXPECT_EQ(store_.counter("cluster.od.upstream_cx_connect_fail").value(), 2u);
  EXPECT_NE(manager_->dumpClusters().find("::health_flags::/failed_outlier_check"),
            std::string::npos);
  // Workers stop picking it once the new snapshot arrives.
  dispatcher_->run(event::RunType::NonBlock);
  for (int i = 0; i < 10; ++i) {
    EXPECT_NE(worker_->getThreadLocalCluster("od")->chooseHost({}).get(), &dead);
  }

  auto first_ejection = std::chrono::steady_clock::now();
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] { return dead.healthy(); }));
  auto first_duration = std::chrono::steady_clock::now() - first_ejection;
  EXPECT_EQ(ejectionsActive(), 0);

  // The second ejection lasts base_ejection_time x 2.
  failConnects(dead, 2);
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] { return !dead.healthy(); }));
  auto second_ejection = std::chrono::steady_clock::now();
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] { return dead.healthy(); }));
  auto second_duration = std::chrono::steady_clock::now() - second_ejection;
  EXPECT_GE(first_duration, std::chrono::milliseconds(150));
  EXPECT_GE(second_duration, std::chrono::milliseconds(380));
}

TEST_F(OutlierDetectorTest, SuccessResetsTheStreak) {
  TestServer live(*dispatcher_);
  start({live.address()});
  const HostImpl& host = hostAt(0);
  host.reportConnectResult(false);
  host.reportConnectResult(true);
  host.reportConnectResult(false);
  EXPECT_EQ(host.consecutiveFailures(), 1u);
  dispatcher_->run(event::RunType::NonBlock);
  EXPECT_TRUE(host.healthy());
}

TEST_F(OutlierDetectorTest, MaxEjectionPercentLeavesTheRestInService) {
  start({closedPort(), closedPort()}, 50);
  failConnects(hostAt(0), 2);
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] { return !hostAt(0).healthy(); }));
  failConnects(hostAt(1), 2);
  // 1 of 2 ejected is already 50%: the second ejection is refused.
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] {
    return store_.counter("cluster.od.outlier_detection.ejections_total").value() == 2;
  }));
  EXPECT_TRUE(hostAt(1).healthy());
  EXPECT_EQ(ejectionsActive(), 1);
  EXPECT_EQ(store_.counter("cluster.od.outlier_detection.ejections_enforced_total").value(), 1u);
}

}  // namespace
}  // namespace remora::upstream
