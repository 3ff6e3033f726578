#pragma once

// Envoy's RBAC evaluation for one set of rules: a list of named policies,
// each matching when any of its permissions AND any of its principals match.
// ALLOW: a request is allowed when some policy matches. DENY: it is denied
// when some policy matches. Immutable after construction; evaluate() is
// safe on any number of workers at once.

#include <memory>
#include <string>
#include <vector>

#include "filters/common/rbac/matchers.h"

namespace remora::filters::rbac {

enum class Action { Allow, Deny };

struct Policy {
  std::string name;
  MatcherConstPtr permissions;  // an OrMatcher over the policy's permissions
  MatcherConstPtr principals;   // an OrMatcher over the policy's principals
};

struct Decision {
  bool allowed = false;
  std::string matched_policy;  // name of the first policy that matched, "" if none
};

class RbacEngine {
 public:
  RbacEngine(Action action, std::vector<Policy> policies)
      : action_(action), policies_(std::move(policies)) {}

  Decision evaluate(const Attributes& attributes) const;
  Action action() const { return action_; }
  size_t policyCount() const { return policies_.size(); }

 private:
  Action action_;
  std::vector<Policy> policies_;  // in configuration order; the first match is reported
};

using RbacEngineConstSharedPtr = std::shared_ptr<const RbacEngine>;

}  // namespace remora::filters::rbac
