#pragma once

// The validated typed_config of Envoy's network rbac filter
// (envoy.filters.network.rbac) plus the enforcement step shared by the
// network filter and, later, the HTTP one: enforced rules decide, shadow rules
// are evaluated for stats and logs only. Counters with Envoy's names under the
// caller's scope: <stat_prefix>rbac.allowed|denied and
// <stat_prefix><shadow_rules_stat_prefix>rbac.shadow_allowed|shadow_denied.
// Immutable; check() is safe on any number of workers.

#include <memory>
#include <string>

#include "common/stats/store.h"
#include "filters/common/rbac/rbac_engine.h"

namespace remora::filters::rbac {

enum class EnforcementType { OneTimeOnFirstByte, Continuous };

struct RbacFilterConfig {
  std::string stat_prefix;
  std::string shadow_rules_stat_prefix;
  RbacEngineConstSharedPtr rules;         // null: everything is allowed
  RbacEngineConstSharedPtr shadow_rules;  // null: no dry run
  EnforcementType enforcement_type = EnforcementType::OneTimeOnFirstByte;
};

struct RbacStats {
  RbacStats(stats::Scope& scope, const RbacFilterConfig& config);
  stats::Counter& allowed;
  stats::Counter& denied;
  stats::Counter& shadow_allowed;
  stats::Counter& shadow_denied;
};

struct CheckResult {
  bool allowed = true;
  std::string enforced_policy;  // matched enforced policy ("" if none)
  bool shadow_evaluated = false;
  bool shadow_allowed = true;
  std::string shadow_policy;    // matched shadow policy ("" if none)
};

// Evaluates shadow then enforced rules, counting both.
CheckResult check(const RbacFilterConfig& config, RbacStats& stats, const Attributes& attributes);

}  // namespace remora::filters::rbac
