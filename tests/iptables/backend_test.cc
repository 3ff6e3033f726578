#include "iptables/backend.h"

#include <map>

#include <gtest/gtest.h>

namespace remora::iptables {
namespace {

// Answers `<tool>` with canned iptables-save output; tools not in the map do not exist.
class SaveOutputs : public CommandRunner {
public:
  Result<CommandOutput> run(const std::vector<std::string>& argv, const std::string&) override {
    if (argv[0] == "iptables" && argv.size() > 1 && argv[1] == "-V") {
      return CommandOutput{0, "iptables v1.8.9 (nf_tables)\n", ""};
    }
    return CommandOutput{0, outputs[argv[0]], ""};
  }
  bool exists(const std::string& program) override {
    return outputs.count(program) > 0 || program == "iptables-restore";
  }
  std::map<std::string, std::string> outputs = {{"iptables-legacy-save", ""},
                                                {"ip6tables-legacy-save", ""},
                                                {"iptables-nft-save", ""},
                                                {"ip6tables-nft-save", ""}};
};

constexpr const char* kOneRule = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n";
constexpr const char* kOurs =
    "*nat\n:OUTPUT ACCEPT [0:0]\n:REMORA_OUTPUT - [0:0]\n-A OUTPUT -j REMORA_OUTPUT\nCOMMIT\n";

TEST(BackendTest, DefaultsToTheSystemIptablesWhenNoRulesExist) {
  SaveOutputs runner;
  const auto backend = chooseBackend(BackendChoice::Auto, runner);
  ASSERT_TRUE(backend.ok());
  EXPECT_EQ("system", backend->name);
  EXPECT_EQ("iptables-restore", backend->restore(Family::V4));
  EXPECT_NE(std::string::npos, backend->reason.find("nf_tables"));
}

TEST(BackendTest, FollowsTheBackEndThatAlreadyHoldsRules) {
  SaveOutputs runner;
  runner.outputs["ip6tables-legacy-save"] = kOneRule;
  const auto backend = chooseBackend(BackendChoice::Auto, runner);
  ASSERT_TRUE(backend.ok());
  EXPECT_EQ("legacy", backend->name);
  EXPECT_EQ("ip6tables-legacy-save", backend->save(Family::V6));
}

TEST(BackendTest, PrefersTheBackEndHoldingAnEarlierRemoraRun) {
  SaveOutputs runner;
  runner.outputs["iptables-legacy-save"] = std::string(kOneRule) + kOneRule;
  runner.outputs["iptables-nft-save"] = kOurs;
  const auto backend = chooseBackend(BackendChoice::Auto, runner);
  ASSERT_TRUE(backend.ok());
  EXPECT_EQ("nft", backend->name);
  EXPECT_NE(std::string::npos, backend->reason.find("earlier remora-iptables run"));
}

TEST(BackendTest, HonoursAForcedChoiceAndReportsMissingTools) {
  SaveOutputs runner;
  runner.outputs = {{"iptables-nft-restore", ""}};
  EXPECT_EQ("nft", chooseBackend(BackendChoice::Nft, runner)->name);
  const auto legacy = chooseBackend(BackendChoice::Legacy, runner);
  ASSERT_FALSE(legacy.ok());
  EXPECT_NE(std::string::npos, legacy.error().find("iptables-legacy-restore not found"));
}

} // namespace
} // namespace remora::iptables
