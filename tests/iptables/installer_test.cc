#include "iptables/installer.h"

#include <functional>
#include <sstream>

#include <gtest/gtest.h>

#include "iptables/restore_script.h"

namespace remora::iptables {
namespace {

// Simulates the nat table of both families behind iptables-save/-restore. Restore input is
// recorded, and applied by a crude model: a restore replaces the family's saved text with the
// rendered desired set (enough to test the installer's decisions, not iptables itself).
class FakeRunner : public CommandRunner {
public:
  Result<CommandOutput> run(const std::vector<std::string>& argv,
                            const std::string& input) override {
    calls.push_back(argv[0] + (input.empty() ? "" : " <script>"));
    const bool v6 = argv[0].rfind("ip6tables", 0) == 0;
    if (argv[0].find("-save") != std::string::npos) {
      if (v6 && !nat_v6) {
        return CommandOutput{1, "", "can't initialize ip6tables table `nat'"};
      }
      return CommandOutput{0, v6 ? saved_v6 : saved_v4, ""};
    }
    if (fail_restore && fail_restore(argv[0], input)) {
      return CommandOutput{2, "", "iptables-restore: line 3 failed"};
    }
    (v6 ? scripts_v6 : scripts_v4).push_back(input);
    return CommandOutput{0, "", ""};
  }

  bool exists(const std::string&) override { return true; }

  std::string saved_v4 = "*nat\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
  std::string saved_v6 = "*nat\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
  bool nat_v6 = true;
  std::function<bool(const std::string&, const std::string&)> fail_restore;
  std::vector<std::string> calls;
  std::vector<std::string> scripts_v4;
  std::vector<std::string> scripts_v6;
};

std::string asSaved(const RuleSet& set) {
  std::string out = "*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n";
  for (const std::string& chain : set.chains) {
    out += ":" + chain + " - [0:0]\n";
  }
  for (const Rule& jump : set.jumps) {
    out += "-A " + jump.chain + " " + jump.spec + "\n";
  }
  for (const Rule& rule : set.rules) {
    out += "-A " + rule.chain + " " + rule.spec + "\n";
  }
  return out + "COMMIT\n";
}

bool isInstall(const std::string& script) {
  return script.find("-A REMORA_OUTPUT") != std::string::npos;
}

class InstallerTest : public ::testing::Test {
protected:
  InstallerTest() {
    config_.inbound_all_ports = true;
    config_.outbound_all_cidrs = true;
  }
  Installer installer() { return Installer(runner_, Backend{"system", "", "test"}, log_); }

  FakeRunner runner_;
  CaptureConfig config_;
  std::ostringstream log_;
};

TEST_F(InstallerTest, InstallsBothFamiliesAfterAPreflight) {
  const auto outcome = installer().install(config_, {Family::V4, Family::V6});
  ASSERT_TRUE(outcome.ok()) << outcome.error();
  EXPECT_EQ(InstallOutcome::Applied, *outcome);
  // Preflight: owner probe, REDIRECT probe, scratch removal; then the real transaction.
  ASSERT_EQ(4u, runner_.scripts_v4.size());
  EXPECT_NE(std::string::npos, runner_.scripts_v4[0].find("--uid-owner"));
  EXPECT_NE(std::string::npos, runner_.scripts_v4[1].find("REDIRECT"));
  EXPECT_NE(std::string::npos, runner_.scripts_v4[2].find("-X REMORA_PREFLIGHT"));
  EXPECT_EQ(renderInstallScript(renderRuleSet(config_, Family::V4)), runner_.scripts_v4[3]);
  ASSERT_EQ(4u, runner_.scripts_v6.size());
  EXPECT_NE(std::string::npos, runner_.scripts_v6[3].find("-s ::6/128 -o lo -j RETURN"));
}

TEST_F(InstallerTest, ChangesNothingWhenTheSameRulesAreInstalled) {
  runner_.saved_v4 = asSaved(renderRuleSet(config_, Family::V4));
  runner_.saved_v6 = asSaved(renderRuleSet(config_, Family::V6));
  const auto outcome = installer().install(config_, {Family::V4, Family::V6});
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(InstallOutcome::AlreadyInstalled, *outcome);
  EXPECT_TRUE(runner_.scripts_v4.empty());
  EXPECT_TRUE(runner_.scripts_v6.empty());
  EXPECT_NE(std::string::npos, log_.str().find("already installed, nothing to do"));
}

TEST_F(InstallerTest, CompletesAPartialEarlierRun) {
  // istio#53147: v4 was installed, then the run died before v6.
  runner_.saved_v4 = asSaved(renderRuleSet(config_, Family::V4));
  const auto outcome = installer().install(config_, {Family::V4, Family::V6});
  ASSERT_TRUE(outcome.ok()) << outcome.error();
  EXPECT_TRUE(runner_.scripts_v4.empty());
  ASSERT_FALSE(runner_.scripts_v6.empty());
  EXPECT_TRUE(isInstall(runner_.scripts_v6.back()));
}

TEST_F(InstallerTest, ReplacesRulesInstalledWithOtherFlags) {
  CaptureConfig old_config;
  old_config.outbound_port = 16001;
  runner_.saved_v4 = asSaved(renderRuleSet(old_config, Family::V4));
  const auto outcome = installer().install(config_, {Family::V4});
  ASSERT_TRUE(outcome.ok());
  const std::string& script = runner_.scripts_v4.back();
  EXPECT_NE(std::string::npos, script.find("-D OUTPUT -j REMORA_OUTPUT\n"));
  EXPECT_NE(std::string::npos, script.find("--to-ports 15001"));
  EXPECT_EQ(std::string::npos, script.find("--to-ports 16001"));
}

TEST_F(InstallerTest, RemovesIpv6RulesWhenIpv6IsNoLongerWanted) {
  runner_.saved_v6 = asSaved(renderRuleSet(config_, Family::V6));
  const auto outcome = installer().install(config_, {Family::V4});
  ASSERT_TRUE(outcome.ok());
  ASSERT_EQ(1u, runner_.scripts_v6.size());
  EXPECT_EQ(renderCleanupScript(renderRuleSet(config_, Family::V6)), runner_.scripts_v6[0]);
}

TEST_F(InstallerTest, ChangesNothingWhenPreflightFindsMissingPieces) {
  // istio#44118: no REDIRECT target for v4, no nat table for v6.
  runner_.nat_v6 = false;
  runner_.fail_restore = [](const std::string&, const std::string& script) {
    return script.find("REDIRECT") != std::string::npos;
  };
  const auto outcome = installer().install(config_, {Family::V4, Family::V6});
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(std::string::npos, outcome.error().find("nothing was changed"));
  EXPECT_NE(std::string::npos, outcome.error().find("v4: the REDIRECT target is unavailable"));
  EXPECT_NE(std::string::npos, outcome.error().find("v6: cannot read the nat table"));
  for (const std::string& script : runner_.scripts_v4) {
    EXPECT_FALSE(isInstall(script)) << script;
  }
  EXPECT_TRUE(runner_.scripts_v6.empty());
}

TEST_F(InstallerTest, CleanupRemovesOwnedRulesFromBothFamilies) {
  runner_.saved_v4 = asSaved(renderRuleSet(config_, Family::V4));
  runner_.saved_v6 = asSaved(renderRuleSet(config_, Family::V6));
  ASSERT_TRUE(installer().cleanup().ok());
  ASSERT_EQ(1u, runner_.scripts_v4.size());
  EXPECT_NE(std::string::npos, runner_.scripts_v4[0].find("-X REMORA_OUTPUT"));
  ASSERT_EQ(1u, runner_.scripts_v6.size());
}

TEST_F(InstallerTest, CleanupWithNothingInstalledIsANoOp) {
  ASSERT_TRUE(installer().cleanup().ok());
  EXPECT_TRUE(runner_.scripts_v4.empty());
  EXPECT_NE(std::string::npos, log_.str().find("nothing to clean up"));
}

} // namespace
} // namespace remora::iptables
