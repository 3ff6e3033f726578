#pragma once

#include <string_view>

#include "iptables/rule_set.h"

namespace remora::iptables {

// Reads `iptables-save -t nat` (or ip6tables-save) output and returns only what remora-iptables
// owns there: chains named REMORA_*, their rules, and rules in other chains that jump (-j/-g) to
// one of them. Everything else in the table is ignored. Output without a nat section yields an
// empty set.
RuleSet parseSavedNat(std::string_view save_output);

} // namespace remora::iptables
