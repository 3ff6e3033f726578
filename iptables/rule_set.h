#pragma once

#include <string>
#include <vector>

#include "iptables/capture_config.h"
#include "iptables/cidr.h"

namespace remora::iptables {

// Every chain remora-iptables creates starts with this prefix; anything in the nat table that
// carries it (or jumps to it) is ours to replace or remove, and nothing else is.
inline constexpr const char* kChainPrefix = "REMORA_";
inline constexpr const char* kInboundChain = "REMORA_INBOUND";
inline constexpr const char* kInRedirectChain = "REMORA_IN_REDIRECT";
inline constexpr const char* kOutputChain = "REMORA_OUTPUT";
inline constexpr const char* kRedirectChain = "REMORA_REDIRECT";

// One "-A <chain> <spec>" line. `spec` is written exactly as iptables-save prints it back
// (option order, "-m tcp", masked CIDRs), so a rendered set and a saved set compare as strings.
struct Rule {
  std::string chain;
  std::string spec;
  bool operator==(const Rule&) const = default;
};

// The nat-table rules remora-iptables owns in one address family: its own chains with their
// rules, plus the jump rules that hook them into the built-in PREROUTING/OUTPUT chains.
struct RuleSet {
  std::vector<std::string> chains; // declaration order
  std::vector<Rule> rules;         // rules inside `chains`, in order within each chain
  std::vector<Rule> jumps;         // rules in built-in chains that jump to one of ours

  bool empty() const { return chains.empty() && rules.empty() && jumps.empty(); }
  // Same chains, the same rule sequence in each chain and the same jumps (jump position in
  // the built-in chain is not compared: other software may have appended after us).
  bool sameAs(const RuleSet& other) const;
};

// Pure: the rules `config` asks for in `family`. No I/O, no global state; used by --dry-run,
// by the installer and by the golden tests alike.
RuleSet renderRuleSet(const CaptureConfig& config, Family family);

} // namespace remora::iptables
