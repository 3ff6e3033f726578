#include "filters/common/rbac/rbac_filter_config.h"

namespace remora::filters::rbac {

RbacStats::RbacStats(stats::Scope& scope, const RbacFilterConfig& config)
    : allowed(scope.counter(config.stat_prefix + "rbac.allowed")),
      denied(scope.counter(config.stat_prefix + "rbac.denied")),
      shadow_allowed(scope.counter(config.stat_prefix + config.shadow_rules_stat_prefix +
                                   "rbac.shadow_allowed")),
      shadow_denied(scope.counter(config.stat_prefix + config.shadow_rules_stat_prefix +
                                  "rbac.shadow_denied")) {}

CheckResult check(const RbacFilterConfig& config, RbacStats& stats, const Attributes& attributes) {
  CheckResult result;
  if (config.shadow_rules) {
    Decision shadow = config.shadow_rules->evaluate(attributes);
    result.shadow_evaluated = true;
    result.shadow_allowed = shadow.allowed;
    result.shadow_policy = std::move(shadow.matched_policy);
    (shadow.allowed ? stats.shadow_allowed : stats.shadow_denied).inc();
  }
  if (config.rules) {
    Decision enforced = config.rules->evaluate(attributes);
    result.allowed = enforced.allowed;
    result.enforced_policy = std::move(enforced.matched_policy);
    (enforced.allowed ? stats.allowed : stats.denied).inc();
  }
  return result;
}

}  // namespace remora::filters::rbac
