#include <gtest/gtest.h>

#include <memory>

#include "common/stats/store.h"
#include "proxy/upstream/cluster_manager_impl.h"
#include "proxy/upstream/tcp_health_checker.h"
#include "tests/proxy/upstream/upstream_test_support.h"
#include "tests/test_support/wait.h"

namespace remora::upstream {
namespace {

using testing::staticCluster;
using testing::TestServer;

class TcpHealthCheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dispatcher_ = event::createDispatcher("main");
    manager_ = std::make_unique<ClusterManagerImpl>(*dispatcher_, store_);
  }
  void TearDown() override {
    manager_.reset();
    dispatcher_->run(event::RunType::NonBlock);
  }

  config::ClusterConfig checkedCluster(const network::Address& address, std::string send = "",
                                       std::vector<std::string> receive = {}) {
    auto c = staticCluster("hc", {address});
    config::HealthCheckConfig hc;
    hc.interval = std::chrono::milliseconds(50);
    hc.timeout = std::chrono::milliseconds(200);
    hc.unhealthy_threshold = 2;
    hc.healthy_threshold = 2;
    hc.tcp.send_hex = std::move(send);
    hc.tcp.receive_hex = std::move(receive);
    c.health_checks.push_back(hc);
    return c;
  }
  const HostImpl& host() { return *manager_->cluster("hc")->hosts()[0]; }
  bool waitHealthy(bool healthy) {
    return ::remora::testing::runUntil(*dispatcher_, [&] { return host().healthy() == healthy; });
  }

  stats::Store store_{1};
  event::DispatcherPtr dispatcher_;
  std::unique_ptr<ClusterManagerImpl> manager_;
};

TEST(DecodeHexTest, DecodesBothCases) {
  EXPECT_EQ(decodeHex("50494e47ff0A"), std::string("PING\xff\n"));
}

TEST_F(TcpHealthCheckerTest, HostFollowsItsListenerGoingAwayAndComingBack) {
  auto server = std::make_unique<TestServer>(*dispatcher_);
  const network::Address address = server->address();
  ASSERT_TRUE(manager_->update({checkedCluster(address)}).ok());
  // Not trusted before the first check, as in Envoy.
  EXPECT_TRUE(host().healthFlag(HealthFlag::FailedActiveHc));
  ASSERT_TRUE(waitHealthy(true));
  EXPECT_EQ(store_.gauge("cluster.hc.membership_healthy").value(), 1);

  server.reset();
  ASSERT_TRUE(waitHealthy(false));
  EXPECT_TRUE(host().healthFlag(HealthFlag::FailedActiveHc));
  EXPECT_NE(manager_->dumpClusters().find("::health_flags::/failed_active_hc"), std::string::npos);
  EXPECT_GE(store_.counter("cluster.hc.health_check.failure").value(), 2u);
  EXPECT_EQ(store_.gauge("cluster.hc.membership_healthy").value(), 0);

  server = std::make_unique<TestServer>(*dispatcher_, address.port());
  ASSERT_TRUE(server->ok());
  ASSERT_TRUE(waitHealthy(true));
  EXPECT_GE(store_.counter("cluster.hc.health_check.success").value(), 3u);
  EXPECT_GT(store_.counter("cluster.hc.health_check.attempt").value(),
            store_.counter("cluster.hc.health_check.success").value());
}

TEST_F(TcpHealthCheckerTest, SendAndReceivePayloadsMustMatch) {
  TestServer good(*dispatcher_, 0, "+PONG\r\n");
  ASSERT_TRUE(
      manager_->update({checkedCluster(good.address(), "50494e470d0a", {"504f4e47"})}).ok());
  ASSERT_TRUE(waitHealthy(true));
  EXPECT_NE(good.received().find("PING\r\n"), std::string::npos);
}

TEST_F(TcpHealthCheckerTest, WrongReplyTimesOutAndStaysUnhealthy) {
  TestServer wrong(*dispatcher_, 0, "NOPE");
  ASSERT_TRUE(manager_->update({checkedCluster(wrong.address(), "50494e47", {"504f4e47"})}).ok());
  ASSERT_TRUE(::remora::testing::runUntil(*dispatcher_, [&] {
    return store_.counter("cluster.hc.health_check.failure").value() >= 2;
  }));
  EXPECT_FALSE(host().healthy());
  EXPECT_EQ(store_.counter("cluster.hc.health_check.success").value(), 0u);
}

}  // namespace
}  // namespace remora::upstream
