#include "iptables/restore_script.h"

#include <gtest/gtest.h>

namespace remora::iptables {
namespace {

TEST(RestoreScriptTest, ReplacesOldJumpsAndDropsStaleChains) {
  RuleSet desired;
  desired.chains = {"REMORA_OUTPUT"};
  desired.rules = {{"REMORA_OUTPUT", "-j RETURN"}};
  desired.jumps = {{"OUTPUT", "-j REMORA_OUTPUT"}};
  RuleSet current;
  current.chains = {"REMORA_OUTPUT", "REMORA_OLD"};
  current.rules = {{"REMORA_OLD", "-j RETURN"}};
  current.jumps = {{"OUTPUT", "-j REMORA_OUTPUT"}, {"PREROUTING", "-p tcp -j REMORA_OLD"}};
  EXPECT_EQ("*nat\n"
            ":REMORA_OUTPUT - [0:0]\n"
            ":REMORA_OLD - [0:0]\n"
            "-D OUTPUT -j REMORA_OUTPUT\n"
            "-D PREROUTING -p tcp -j REMORA_OLD\n"
            "-X REMORA_OLD\n"
            "-A REMORA_OUTPUT -j RETURN\n"
            "-A OUTPUT -j REMORA_OUTPUT\n"
            "COMMIT\n",
            renderInstallScript(desired, current));
}

TEST(RestoreScriptTest, CleanupRemovesOnlyOwnedChainsAndJumps) {
  RuleSet current;
  current.chains = {"REMORA_INBOUND", "REMORA_OUTPUT"};
  current.rules = {{"REMORA_OUTPUT", "-j RETURN"}};
  current.jumps = {{"OUTPUT", "-j REMORA_OUTPUT"}, {"OUTPUT", "-j REMORA_OUTPUT"}};
  EXPECT_EQ("*nat\n"
            ":REMORA_INBOUND - [0:0]\n"
            ":REMORA_OUTPUT - [0:0]\n"
            "-D OUTPUT -j REMORA_OUTPUT\n"
            "-D OUTPUT -j REMORA_OUTPUT\n"
            "-X REMORA_INBOUND\n"
            "-X REMORA_OUTPUT\n"
            "COMMIT\n",
            renderCleanupScript(current));
  EXPECT_EQ("", renderCleanupScript(RuleSet{}));
}

} // namespace
} // namespace remora::iptables
