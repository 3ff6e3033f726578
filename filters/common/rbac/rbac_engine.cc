#include "filters/common/rbac/rbac_engine.h"

namespace remora::filters::rbac {

Decision RbacEngine::evaluate(const Attributes& attributes) const {
  Decision decision;
  for (const Policy& policy : policies_) {
    if (policy.permissions->matches(attributes) && policy.principals->matches(attributes)) {
      decision.matched_policy = policy.name;
      break;
    }
  }
  bool matched = !decision.matched_policy.empty();
  decision.allowed = action_ == Action::Allow ? matched : !matched;
  return decision;
}

}  // namespace remora::filters::rbac
