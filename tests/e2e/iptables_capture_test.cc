// End-to-end tests of remora-iptables in network-namespace "pods" (tests/e2e/README.md).
// No proxy yet: remora-e2e-probe listens where the sidecar would (15001/15006) and reports
// the SO_ORIGINAL_DST it sees.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/e2e/lib/pod_network.h"

namespace remora::e2e {
namespace {

using namespace std::chrono_literals;

constexpr uid_t kAppUid = 1000;
constexpr uid_t kProxyUid = 1337;
const std::string kIptables = REMORA_IPTABLES_BIN;
const std::string kProbe = REMORA_E2E_PROBE_BIN;

// What the injector passes, as in Istio.
const std::vector<std::string> kStandardFlags = {
    "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT",
    "-i", "*",     "-x", "",      "-b", "*",    "-d", "15090,15021,15020"};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// iptables-save output without its timestamp comments, so two saves can be compared.
std::string withoutComments(const std::string& save) {
  std::string out;
  size_t start = 0;
  while (start < save.size()) {
    size_t end = save.find('\n', start);
    end = end == std::string::npos ? save.size() : end;
    if (save[start] != '#') {
      out += save.substr(start, end - start) + "\n";
    }
    start = end + 1;
  }
  return out;
}

class IptablesCaptureTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (const std::string reason = e2eSkipReason(); !reason.empty()) {
      GTEST_SKIP() << reason;
    }
    std::string error;
    network_ = PodNetwork::create(&error);
    ASSERT_NE(nullptr, network_) << error;
    app_ = network_->addPod("app", &error);
    ASSERT_NE(nullptr, app_) << error;
    peer_ = network_->addPod("peer", &error);
    ASSERT_NE(nullptr, peer_) << error;
  }

  CommandResult remoraIptables(const Pod& pod, std::vector<std::string> args) {
    args.insert(args.begin(), kIptables);
    return network_->exec(pod, args);
  }

  CommandResult install(const Pod& pod, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = kStandardFlags;
    args.insert(args.end(), extra.begin(), extra.end());
    return remoraIptables(pod, args);
  }

  // Starts a probe server and waits until it listens.
  void serve(const Pod& pod, int port, uid_t uid, bool v6 = false) {
    std::string error;
    std::vector<std::string> argv = {kProbe, "serve", std::to_string(port)};
    if (v6) {
      argv.push_back("--v6");
    }
    PodProcess* server = network_->start(pod, uid, uid, argv, &error);
    ASSERT_NE(nullptr, server) << error;
    ASSERT_TRUE(server->waitForOutput("LISTENING", 5s)) << server->output();
  }

  // The reply line a probe server sent back, or "CONNECT_FAILED ...".
  std::string connect(const Pod& from, uid_t uid, gid_t gid, const std::string& host, int port) {
    std::string error;
    PodProcess* client = network_->start(
        from, uid, gid, {kProbe, "connect", host, std::to_string(port), "--timeout-ms", "3000"},
        &error);
    if (client == nullptr) {
      return "start failed: " + error;
    }
    if (!client->waitForExit(5s)) {
      return "client did not finish: " + client->output();
    }
    return client->output();
  }

  std::string natRules(const Pod& pod, const std::string& save = "iptables-save") {
    const CommandResult result = network_->exec(pod, {save, "-t", "nat"});
    EXPECT_EQ(0, result.exit_code) << result.output;
    return withoutComments(result.output);
  }

  std::unique_ptr<PodNetwork> network_;
  const Pod* app_ = nullptr;
  const Pod* peer_ = nullptr;
};

TEST_F(IptablesCaptureTest, RedirectsApplicationOutboundToTheOutboundPort) {
  const CommandResult installed = install(*app_);
  ASSERT_EQ(0, installed.exit_code) << installed.output;
  serve(*app_, 15001, kProxyUid);
  serve(*peer_, 8080, 0);

  const std::string reply = connect(*app_, kAppUid, kAppUid, peer_->ipv4, 8080);
  EXPECT_TRUE(contains(reply, "port=15001 original_dst=" + peer_->ipv4 + ":8080")) << reply;
}

TEST_F(IptablesCaptureTest, LeavesTheProxysOwnTrafficAlone) {
  ASSERT_EQ(0, install(*app_).exit_code);
  serve(*app_, 15001, kProxyUid);
  serve(*peer_, 8080, 0);

  EXPECT_TRUE(contains(connect(*app_, kProxyUid, kProxyUid, peer_->ipv4, 8080),
                       "port=8080 original_dst=none"));
  // The GID rule alone is enough (TPROXY-style proxies run as root with GID 1337).
  EXPECT_TRUE(contains(connect(*app_, kAppUid, kProxyUid, peer_->ipv4, 8080),
                       "port=8080 original_dst=none"));
}

TEST_F(IptablesCaptureTest, RedirectsInboundToTheInboundCapturePort) {
  ASSERT_EQ(0, install(*app_).exit_code);
  serve(*app_, 15006, kProxyUid);
  serve(*app_, 8080, kAppUid);

  const std::string reply = connect(*peer_, kAppUid, kAppUid, app_->ipv4, 8080);
  EXPECT_TRUE(contains(reply, "port=15006 original_dst=" + app_->ipv4 + ":8080")) << reply;
  // Excluded inbound ports (-d) reach the application directly.
  // (SO_ORIGINAL_DST then reports the unchanged destination: conntrack is active in the pod.)
  serve(*app_, 15020, kAppUid);
  const std::string excluded = connect(*peer_, kAppUid, kAppUid, app_->ipv4, 15020);
  EXPECT_TRUE(contains(excluded, "port=15020 original_dst=" + app_->ipv4 + ":15020")) << excluded;
}

TEST_F(IptablesCaptureTest, ExcludedPortsAndCidrsBypassCapture) {
  std::string error;
  const Pod* other = network_->addPod("other", &error);
  ASSERT_NE(nullptr, other) << error;
  ASSERT_EQ(0, install(*app_, {"-x", peer_->ipv4 + "/32", "-o", "9090"}).exit_code);
  serve(*app_, 15001, kProxyUid);
  for (const Pod* pod : {peer_, other}) {
    serve(*pod, 8080, 0);
    serve(*pod, 9090, 0);
  }
  // -x: the excluded address is reached directly on any port.
  EXPECT_TRUE(contains(connect(*app_, kAppUid, kAppUid, peer_->ipv4, 8080), "port=8080"));
  // -o: the excluded port is reached directly on any address...
  EXPECT_TRUE(contains(connect(*app_, kAppUid, kAppUid, other->ipv4, 9090), "port=9090"));
  // ...while everything else is still captured.
  EXPECT_TRUE(contains(connect(*app_, kAppUid, kAppUid, other->ipv4, 8080),
                       "port=15001 original_dst=" + other->ipv4 + ":8080"));
}

TEST_F(IptablesCaptureTest, CapturesIpv6WithDualStack) {
  const CommandResult installed = install(*app_, {"--dual-stack"});
  ASSERT_EQ(0, installed.exit_code) << installed.output;
  serve(*app_, 15001, kProxyUid, /*v6=*/true);
  serve(*peer_, 8080, 0, /*v6=*/true);

  const std::string reply = connect(*app_, kAppUid, kAppUid, peer_->ipv6, 8080);
  EXPECT_TRUE(contains(reply, "port=15001 original_dst=[" + peer_->ipv6 + "]:8080")) << reply;
  EXPECT_TRUE(contains(natRules(*app_, "ip6tables-save"), "-s ::6/128 -o lo -j RETURN"));
  // The source the sidecar's IPv6 inbound hop binds, exempted by that rule.
  const CommandResult lo = network_->exec(*app_, {"ip", "-6", "addr", "show", "dev", "lo"});
  EXPECT_TRUE(contains(lo.output, "inet6 ::6/128")) << lo.output;
  // A second run finds it there and is still a no-op.
  const CommandResult again = install(*app_, {"--dual-stack"});
  EXPECT_EQ(0, again.exit_code) << again.output;
  EXPECT_TRUE(contains(again.output, "already installed, nothing to do")) << again.output;
}

TEST_F(IptablesCaptureTest, CleanupRestoresTheNatTableExactly) {
  // Someone else's rule must survive.
  ASSERT_EQ(0, network_
                   ->exec(*app_, {"iptables", "-t", "nat", "-A", "OUTPUT", "-p", "udp", "--dport",
                                  "9999", "-j", "RETURN"})
                   .exit_code);
  const std::string before4 = natRules(*app_);
  const std::string before6 = natRules(*app_, "ip6tables-save");
  ASSERT_EQ(0, install(*app_).exit_code);
  ASSERT_NE(before4, natRules(*app_));

  const CommandResult cleaned = remoraIptables(*app_, {"--cleanup"});
  EXPECT_EQ(0, cleaned.exit_code) << cleaned.output;
  EXPECT_EQ(before4, natRules(*app_));
  EXPECT_EQ(before6, natRules(*app_, "ip6tables-save"));
  // Cleaning up again is harmless.
  EXPECT_EQ(0, remoraIptables(*app_, {"--cleanup"}).exit_code);
  EXPECT_EQ(before4, natRules(*app_));
}

TEST_F(IptablesCaptureTest, RerunningWithTheSameFlagsChangesNothing) {
  ASSERT_EQ(0, install(*app_).exit_code);
  const std::string first = natRules(*app_);
  const CommandResult again = install(*app_);
  EXPECT_EQ(0, again.exit_code) << again.output;
  EXPECT_TRUE(contains(again.output, "already installed, nothing to do")) << again.output;
  EXPECT_EQ(first, natRules(*app_));

  // Other flags replace the set instead of adding to it.
  const CommandResult changed = install(*app_, {"-p", "16001"});
  EXPECT_EQ(0, changed.exit_code) << changed.output;
  const std::string replaced = natRules(*app_);
  EXPECT_TRUE(contains(replaced, "--to-ports 16001"));
  EXPECT_FALSE(contains(replaced, "--to-ports 15001"));
  size_t jumps = 0;
  for (size_t at = replaced.find("-j REMORA_OUTPUT"); at != std::string::npos;
       at = replaced.find("-j REMORA_OUTPUT", at + 1)) {
    ++jumps;
  }
  EXPECT_EQ(1u, jumps) << replaced;
}

TEST_F(IptablesCaptureTest, RepairsAPartialEarlierRun) {
  ASSERT_EQ(0, install(*app_, {"--dual-stack"}).exit_code);
  // Simulate istio#53147: the IPv6 half is gone (or never finished).
  ASSERT_EQ(0, network_->exec(*app_, {"ip6tables", "-t", "nat", "-F", "REMORA_OUTPUT"}).exit_code);
  const CommandResult repaired = install(*app_, {"--dual-stack"});
  EXPECT_EQ(0, repaired.exit_code) << repaired.output;
  EXPECT_TRUE(contains(repaired.output, "v4: rules already installed")) << repaired.output;
  EXPECT_TRUE(contains(repaired.output, "v6: replaced")) << repaired.output;
  EXPECT_TRUE(contains(natRules(*app_, "ip6tables-save"), "-A REMORA_OUTPUT -j REMORA_REDIRECT"));
  EXPECT_TRUE(
      contains(install(*app_, {"--dual-stack"}).output, "already installed, nothing to do"));
}

TEST_F(IptablesCaptureTest, ValidateFailsWithoutRulesAndPassesWithThem) {
  const auto started = std::chrono::steady_clock::now();
  const CommandResult without = remoraIptables(*app_, {"--validate"});
  EXPECT_EQ(126, without.exit_code) << without.output;
  EXPECT_TRUE(contains(without.output, "not redirected")) << without.output;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);

  ASSERT_EQ(0, install(*app_).exit_code);
  const CommandResult with = remoraIptables(*app_, {"--validate"});
  EXPECT_EQ(0, with.exit_code) << with.output;
  EXPECT_TRUE(contains(with.output, "v4: capture works")) << with.output;
  EXPECT_TRUE(contains(with.output, "v6: capture works")) << with.output;
}

TEST_F(IptablesCaptureTest, ValidatesAsTheProxyUserWithoutPrivileges) {
  // The CNI-style validation container runs as 1337 with no capabilities.
  ASSERT_EQ(0, install(*app_).exit_code);
  std::string error;
  PodProcess* validator = network_->start(
      *app_, kProxyUid, kProxyUid, {kIptables, "--validate", "--probe-timeout", "1s"}, &error);
  ASSERT_NE(nullptr, validator) << error;
  EXPECT_EQ(0, validator->waitForExit(5s).value_or(-1)) << validator->output();
  EXPECT_TRUE(contains(validator->output(), "v4: capture works")) << validator->output();
}

TEST_F(IptablesCaptureTest, UsesTheBackEndThatAlreadyHoldsRules) {
  ASSERT_EQ(0, network_
                   ->exec(*app_, {"iptables-legacy", "-t", "filter", "-A", "INPUT", "-p", "tcp",
                                  "--dport", "9", "-j", "ACCEPT"})
                   .exit_code);
  const CommandResult installed = install(*app_);
  ASSERT_EQ(0, installed.exit_code) << installed.output;
  EXPECT_TRUE(contains(installed.output, "backend: legacy")) << installed.output;
  EXPECT_TRUE(contains(natRules(*app_, "iptables-legacy-save"), "-A OUTPUT -j REMORA_OUTPUT"));
  EXPECT_FALSE(contains(natRules(*app_, "iptables-nft-save"), "REMORA_"));
  // Capture works through the legacy tables too.
  serve(*app_, 15001, kProxyUid);
  serve(*peer_, 8080, 0);
  EXPECT_TRUE(contains(connect(*app_, kAppUid, kAppUid, peer_->ipv4, 8080), "port=15001"));
}

TEST_F(IptablesCaptureTest, DryRunChangesNothing) {
  const std::string before = natRules(*app_);
  const CommandResult dry = install(*app_, {"--dry-run"});
  EXPECT_EQ(0, dry.exit_code);
  EXPECT_TRUE(contains(dry.output, "# iptables-restore --noflush\n*nat\n")) << dry.output;
  EXPECT_TRUE(contains(dry.output, "# ip6tables-restore --noflush\n")) << dry.output;
  EXPECT_EQ(before, natRules(*app_));
}

} // namespace
} // namespace remora::e2e
