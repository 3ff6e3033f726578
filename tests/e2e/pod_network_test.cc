// Tests of the e2e harness itself: it must connect pods and leave nothing behind.
#include "tests/e2e/lib/pod_network.h"

#include <signal.h>

#include <gtest/gtest.h>

namespace remora::e2e {
namespace {

using namespace std::chrono_literals;

class PodNetworkTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (const std::string reason = e2eSkipReason(); !reason.empty()) {
      GTEST_SKIP() << reason;
    }
  }
};

TEST_F(PodNetworkTest, ConnectsPodsOverIpv4AndIpv6) {
  std::string error;
  auto network = PodNetwork::create(&error);
  ASSERT_NE(nullptr, network) << error;
  const Pod* a = network->addPod("a", &error);
  ASSERT_NE(nullptr, a) << error;
  const Pod* b = network->addPod("b", &error);
  ASSERT_NE(nullptr, b) << error;
  EXPECT_NE(a->ipv4, b->ipv4);
  for (const bool v6 : {false, true}) {
    std::vector<std::string> serve = {REMORA_E2E_PROBE_BIN, "serve", "7000"};
    if (v6) {
      serve.push_back("--v6");
    }
    PodProcess* server = network->start(*b, 0, 0, serve, &error);
    ASSERT_NE(nullptr, server) << error;
    ASSERT_TRUE(server->waitForOutput("LISTENING", 5s)) << server->output();
    PodProcess* client = network->start(
        *a, 1000, 1000, {REMORA_E2E_PROBE_BIN, "connect", v6 ? b->ipv6 : b->ipv4, "7000"}, &error);
    ASSERT_NE(nullptr, client) << error;
    EXPECT_EQ(0, client->waitForExit(5s).value_or(-1)) << client->output();
    EXPECT_NE(std::string::npos, client->output().find("port=7000")) << client->output();
    server->stop();
  }
}

TEST_F(PodNetworkTest, RunsProcessesAsTheRequestedUserAndStopsThem) {
  std::string error;
  auto network = PodNetwork::create(&error);
  ASSERT_NE(nullptr, network) << error;
  const Pod* pod = network->addPod("p", &error);
  ASSERT_NE(nullptr, pod) << error;

  PodProcess* id = network->start(*pod, 1234, 4321, {"id"}, &error);
  ASSERT_NE(nullptr, id) << error;
  ASSERT_EQ(0, id->waitForExit(5s).value_or(-1));
  EXPECT_NE(std::string::npos, id->output().find("uid=1234 gid=4321 groups=4321")) << id->output();

  PodProcess* sleeper = network->start(*pod, 1234, 1234, {"sleep", "600"}, &error);
  ASSERT_NE(nullptr, sleeper) << error;
  const pid_t pid = sleeper->pid();
  EXPECT_FALSE(sleeper->waitForExit(50ms).has_value());
  EXPECT_EQ(128 + SIGTERM, sleeper->stop());
  EXPECT_NE(0, kill(pid, 0));
}

TEST_F(PodNetworkTest, RemovesEveryNamespaceItMade) {
  std::string error;
  std::string prefix;
  {
    auto network = PodNetwork::create(&error);
    ASSERT_NE(nullptr, network) << error;
    ASSERT_NE(nullptr, network->addPod("x", &error)) << error;
    ASSERT_NE(nullptr, network->addPod("y", &error)) << error;
    ASSERT_NE(nullptr,
              network->start(*network->addPod("z", &error), 0, 0, {"sleep", "600"}, &error));
    prefix = network->prefix();
    EXPECT_EQ(4u, network->listOwnNamespaces().size()); // three pods and the router
  }
  const CommandResult left = runCommand({"ip", "netns", "list"});
  EXPECT_EQ(std::string::npos, left.output.find(prefix)) << left.output;
}

} // namespace
} // namespace remora::e2e
