// Golden tests: the rule sets rendered for the flag combinations of istio-iptables' golden
// cases (docs/iptables.md lists the mapping). Regenerate after an intended change with
//   REMORA_UPDATE_GOLDEN=1 ./rule_set_test
// and review the diff of tests/iptables/golden/.
#include "iptables/rule_set.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "iptables/flag_parser.h"
#include "iptables/restore_script.h"

namespace remora::iptables {
namespace {

struct GoldenCase {
  std::string name;
  std::vector<std::string> args;
  std::map<std::string, std::string> env = {};
  bool dual_stack = false;
};

// Every case starts from the base of istio-iptables' own golden tests.
const std::vector<std::string> kBase = {"-p",    "15001", "-z",   "15006", "-e",
                                        "15008", "-u",    "1337", "-g",    "1337"};

std::string render(const GoldenCase& test_case) {
  std::vector<std::string> args = kBase;
  args.insert(args.end(), test_case.args.begin(), test_case.args.end());
  const auto config = parseFlags(args, [&](const std::string& name) -> std::optional<std::string> {
    const auto it = test_case.env.find(name);
    return it == test_case.env.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error());
  if (!config.ok()) {
    return "";
  }
  std::string out =
      "# iptables-restore --noflush\n" + renderInstallScript(renderRuleSet(*config, Family::V4));
  if (test_case.dual_stack || config->dual_stack) {
    out +=
        "# ip6tables-restore --noflush\n" + renderInstallScript(renderRuleSet(*config, Family::V6));
  }
  return out;
}

std::string goldenPath(const std::string& name) {
  return std::string(REMORA_IPTABLES_GOLDEN_DIR) + "/" + name + ".golden";
}

class RuleSetGoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(RuleSetGoldenTest, RendersTheCommittedGoldenFile) {
  const GoldenCase& test_case = GetParam();
  const std::string actual = render(test_case);
  const std::string path = goldenPath(test_case.name);
  if (std::getenv("REMORA_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << actual;
  }
  std::ifstream file(path);
  ASSERT_TRUE(file.good()) << "missing golden file " << path;
  std::stringstream expected;
  expected << file.rdbuf();
  EXPECT_EQ(expected.str(), actual) << "golden file " << path;
}

INSTANTIATE_TEST_SUITE_P(
    IstioGoldenCases, RuleSetGoldenTest,
    ::testing::Values(
        GoldenCase{"empty", {}}, GoldenCase{"inbound-ports-wildcard", {"-b", "*"}},
        GoldenCase{"inbound-ports-include", {"-b", "32000,31000"}},
        GoldenCase{"outbound-ports-include", {"-q", "32000,31000"}},
        GoldenCase{"ipnets", {"-i", "10.0.0.0/8"}},
        GoldenCase{"kube-virt-interfaces", {"-k", "eth1,eth2", "-i", "*"}},
        GoldenCase{"ip-range", {"-x", "1.1.0.0/16", "-i", "9.9.0.0/16", "-u", "3,4", "-g", "1,2"}},
        GoldenCase{"loopback-outbound-iprange", {"-i", "127.1.2.3/32", "-u", "3,4", "-g", "1,2"}},
        GoldenCase{
            "host-ipv4-loopback-cidr", {}, {{"ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR", "127.0.0.1/8"}}},
        GoldenCase{"ipv6-ipnets",
                   {"-b", "4000,5000", "-d", "6000,7000", "-k", "eth0,eth1", "-x", "2001:db8::/32",
                    "-i", "2001:db8::/32", "--dual-stack"}},
        GoldenCase{"outbound-ports-exclude", {"-o", "22,80,443"}},
        GoldenCase{"exclude-interfaces", {"-c", "not-remora-nic", "-b", "*", "-i", "*"}},
        GoldenCase{"injector-default",
                   {"-m", "REDIRECT", "-i", "*", "-x", "", "-b", "*", "-d", "15090,15021,15020"}},
        GoldenCase{
            "injector-default-dual-stack",
            {"-i", "*", "-x", "10.96.0.1/32,fd00:10::/64", "-b", "*", "-d", "15090,15021,15020"},
            {{"ISTIO_DUAL_STACK", "true"}}}),
    [](const ::testing::TestParamInfo<GoldenCase>& info) {
      std::string name = info.param.name;
      for (char& c : name) {
        if (c == '-') {
          c = '_';
        }
      }
      return name;
    });

class RuleSetTest : public ::testing::Test {
protected:
  CaptureConfig config_;
};

TEST_F(RuleSetTest, HooksPreroutingOnlyWhenSomethingIsCapturedInbound) {
  EXPECT_EQ(1u, renderRuleSet(config_, Family::V4).jumps.size());
  config_.inbound_all_ports = true;
  const RuleSet set = renderRuleSet(config_, Family::V4);
  ASSERT_EQ(2u, set.jumps.size());
  EXPECT_EQ((Rule{"PREROUTING", "-p tcp -j REMORA_INBOUND"}), set.jumps[0]);
}

TEST_F(RuleSetTest, SplitsCidrsByFamily) {
  config_.outbound_cidrs = {*Cidr::parse("10.0.0.0/8"), *Cidr::parse("fd00::/8")};
  const auto last = [](const RuleSet& set) { return set.rules.back().spec; };
  EXPECT_EQ("-d 10.0.0.0/8 -j REMORA_REDIRECT", last(renderRuleSet(config_, Family::V4)));
  EXPECT_EQ("-d fd00::/8 -j REMORA_REDIRECT", last(renderRuleSet(config_, Family::V6)));
}

TEST_F(RuleSetTest, IsTheSameAsItselfButNotAsADifferentSet) {
  const RuleSet a = renderRuleSet(config_, Family::V4);
  EXPECT_TRUE(a.sameAs(renderRuleSet(config_, Family::V4)));
  config_.outbound_port = 15999;
  EXPECT_FALSE(a.sameAs(renderRuleSet(config_, Family::V4)));
}

} // namespace
} // namespace remora::iptables
