#include "filters/common/rbac/rbac_engine.h"

#include <gtest/gtest.h>

#include "common/stats/store.h"
#include "filters/common/rbac/rbac_config_parser.h"
#include "filters/common/rbac/rbac_filter_config.h"
#include "tests/filters/rbac/rbac_test_attributes.h"

namespace remora::filters::rbac {
namespace {

using test::FakeAttributes;

network::Address addr(const char* ip, uint16_t port) { return *network::Address::fromIp(ip, port); }

MatcherConstPtr principal(const std::string& yaml) {
  config::ErrorList errors;
  auto doc = config::loadYamlString(yaml, errors);
  auto m = parsePrincipal(*doc, errors);
  EXPECT_TRUE(errors.empty()) << errors.toString();
  return m;
}

MatcherConstPtr permission(const std::string& yaml) {
  config::ErrorList errors;
  auto doc = config::loadYamlString(yaml, errors);
  auto m = parsePermission(*doc, errors);
  EXPECT_TRUE(errors.empty()) << errors.toString();
  return m;
}

RbacEngineConstSharedPtr engine(const std::string& yaml) {
  config::ErrorList errors;
  auto doc = config::loadYamlString(yaml, errors);
  auto e = parseRbacRules(*doc, errors);
  EXPECT_TRUE(e) << errors.toString();
  return e ? *e : nullptr;
}

TEST(RbacMatcherTest, AuthenticatedPrincipalNameTruthTable) {
  auto exact = principal(R"({authenticated: {principal_name: {exact: "spiffe://cluster.local/ns/default/sa/web"}}})");
  auto prefix = principal(R"({authenticated: {principal_name: {prefix: "spiffe://cluster.local/ns/prod/"}}})");
  auto suffix = principal(R"({authenticated: {principal_name: {suffix: "/sa/web"}}})");
  auto any_authenticated = principal("{authenticated: {}}");
  struct Row {
    const char* peer;  // nullptr = plaintext
    bool validated;
    bool exact, prefix, suffix, any_authenticated;
  };
  const Row rows[] = {
      {"spiffe://cluster.local/ns/default/sa/web", true, true, false, true, true},
      {"spiffe://cluster.local/ns/prod/sa/web", true, false, true, true, true},
      {"spiffe://cluster.local/ns/prod/sa/db", true, false, true, false, true},
      {"spiffe://cluster.local/ns/default/sa/web", false, false, false, false, false},
      {"spiffe://other.local/ns/default/sa/webx", true, false, false, false, true},
      {nullptr, false, false, false, false, false},
  };
  for (const Row& row : rows) {
    FakeAttributes a;
    if (row.peer != nullptr) a.setPeer(row.peer, row.validated);
    std::string label = std::string(row.peer ? row.peer : "plaintext") + (row.validated ? "" : " (unverified)");
    EXPECT_EQ(exact->matches(a), row.exact) << label;
    EXPECT_EQ(prefix->matches(a), row.prefix) << label;
    EXPECT_EQ(suffix->matches(a), row.suffix) << label;
    EXPECT_EQ(any_authenticated->matches(a), row.any_authenticated) << label;
  }
}

TEST(RbacMatcherTest, IpMatchersTruthTable) {
  auto remote = principal("{remote_ip: {address_prefix: 10.0.0.0, prefix_len: 8}}");
  auto direct = principal("{direct_remote_ip: {address_prefix: 127.0.0.6, prefix_len: 32}}");
  auto dest = permission("{destination_ip: {address_prefix: 'fd00::', prefix_len: 8}}");
  FakeAttributes a;
  EXPECT_FALSE(remote->matches(a));  // unknown address never matches
  a.remote = addr("10.1.2.3", 5000);
  a.direct_remote = addr("127.0.0.6", 5000);
  a.destination = addr("fd00::1", 3000);
  EXPECT_TRUE(remote->matches(a));
  EXPECT_TRUE(direct->matches(a));
  EXPECT_TRUE(dest->matches(a));
  a.remote = addr("11.0.0.1", 1);
  a.direct_remote = addr("127.0.0.7", 1);
  a.destination = addr("fe80::1", 3000);
  EXPECT_FALSE(remote->matches(a));
  EXPECT_FALSE(direct->matches(a));
  EXPECT_FALSE(dest->matches(a));
  a.remote = addr("::ffff:10.9.9.9", 1);  // IPv4-mapped on a dual-stack socket
  EXPECT_TRUE(remote->matches(a));
}

TEST(RbacMatcherTest, PortsAndComposition) {
  auto port = permission("{destination_port: 3000}");
  auto range = permission("{destination_port_range: {start: 3000, end: 3002}}");
  auto and_rules = permission("{and_rules: {rules: [{destination_port: 3000}, {destination_ip: {address_prefix: 10.0.0.1, prefix_len: 32}}]}}");
  auto or_rules = permission("{or_rules: {rules: [{destination_port: 80}, {destination_port: 3000}]}}");
  auto not_rule = permission("{not_rule: {destination_port: 3000}}");
  auto any = permission("{any: true}");
  struct Row {
    const char* ip;
    uint16_t port;
    bool port_m, range_m, and_m, or_m, not_m;
  };
  const Row rows[] = {
      {"10.0.0.1", 3000, true, true, true, true, false},
      {"10.0.0.2", 3000, true, true, false, true, false},
      {"10.0.0.1", 3001, false, true, false, false, true},
      {"10.0.0.1", 3002, false, false, false, false, true},
      {"10.0.0.1", 80, false, false, false, true, true},
  };
  for (const Row& row : rows) {
    FakeAttributes a;
    a.destination = addr(row.ip, row.port);
    std::string label = std::string(row.ip) + ":" + std::to_string(row.port);
    EXPECT_EQ(port->matches(a), row.port_m) << label;
    EXPECT_EQ(range->matches(a), row.range_m) << label;
    EXPECT_EQ(and_rules->matches(a), row.and_m) << label;
    EXPECT_EQ(or_rules->matches(a), row.or_m) << label;
    EXPECT_EQ(not_rule->matches(a), row.not_m) << label;
    EXPECT_TRUE(any->matches(a));
  }
  auto and_ids = principal("{and_ids: {ids: [{authenticated: {}}, {not_id: {remote_ip: {address_prefix: 10.0.0.0, prefix_len: 8}}}]}}");
  auto or_ids = principal("{or_ids: {ids: [{authenticated: {}}, {remote_ip: {address_prefix: 10.0.0.0, prefix_len: 8}}]}}");
  FakeAttributes a;
  a.remote = addr("10.0.0.5", 1);
  EXPECT_FALSE(and_ids->matches(a));
  EXPECT_TRUE(or_ids->matches(a));
  a.setPeer("spiffe://td/ns/a/sa/b");
  a.remote = addr("192.168.0.1", 1);
  EXPECT_TRUE(and_ids->matches(a));
  EXPECT_TRUE(or_ids->matches(a));
}

TEST(RbacMatcherTest, HttpMatchersNeverMatchWithoutRequestFacts) {
  auto path = permission("{url_path: {path: {prefix: /admin}}}");
  auto header = permission("{header: {name: X-Role, string_match: {exact: admin}}}");
  auto absent = permission("{header: {name: x-debug, present_match: true, invert_match: true}}");
  FakeAttributes a;
  EXPECT_FALSE(path->matches(a));
  EXPECT_FALSE(header->matches(a));
  EXPECT_TRUE(absent->matches(a));
  a.path = "/admin/users?x=1";
  a.headers["x-role"] = "admin";
  a.headers["x-debug"] = "1";
  EXPECT_TRUE(path->matches(a));
  EXPECT_TRUE(header->matches(a));
  EXPECT_FALSE(absent->matches(a));
}

TEST(RbacEngineTest, AllowAndDenyActionsTruthTable) {
  const std::string policies = R"(
policies:
  web-to-kv:
    permissions: [{destination_port: 3000}]
    principals: [{authenticated: {principal_name: {exact: "spiffe://cluster.local/ns/default/sa/web"}}}]
  ops:
    permissions: [{any: true}]
    principals: [{remote_ip: {address_prefix: 10.9.0.0, prefix_len: 16}}]
)";
  auto allow = engine("action: ALLOW" + policies);
  auto deny = engine("action: DENY" + policies);
  ASSERT_TRUE(allow && deny);
  struct Row {
    const char* peer;
    const char* remote;
    uint16_t port;
    const char* matched;  // "" if no policy matches
  };
  const Row rows[] = {
      {"spiffe://cluster.local/ns/default/sa/web", "10.1.0.1", 3000, "web-to-kv"},
      {"spiffe://cluster.local/ns/default/sa/web", "10.1.0.1", 3001, ""},
      {"spiffe://cluster.local/ns/default/sa/db", "10.1.0.1", 3000, ""},
      {nullptr, "10.9.1.1", 22, "ops"},
      {nullptr, "10.1.1.1", 3000, ""},
  };
  for (const Row& row : rows) {
    FakeAttributes a;
    if (row.peer) a.setPeer(row.peer);
    a.remote = addr(row.remote, 40000);
    a.destination = addr("10.0.0.1", row.port);
    Decision d_allow = allow->evaluate(a);
    Decision d_deny = deny->evaluate(a);
    bool matched = std::string(row.matched) != "";
    EXPECT_EQ(d_allow.allowed, matched) << row.remote << ":" << row.port;
    EXPECT_EQ(d_deny.allowed, !matched) << row.remote << ":" << row.port;
    EXPECT_EQ(d_allow.matched_policy, row.matched);
    EXPECT_EQ(d_deny.matched_policy, row.matched);
  }
  // Istio's `spec: {}`: ALLOW without policies denies everything.
  auto empty_allow = engine("action: ALLOW");
  FakeAttributes a;
  EXPECT_FALSE(empty_allow->evaluate(a).allowed);
  EXPECT_TRUE(engine("action: DENY")->evaluate(a).allowed);
}

TEST(RbacFilterConfigTest, ShadowRulesAreCountedButNotEnforced) {
  config::ErrorList errors;
  auto doc = config::loadYamlString(R"(
"@type": type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC
stat_prefix: inbound_3000.
shadow_rules_stat_prefix: istio_dry_run_
rules:
  action: DENY
  policies:
    block-ops: {permissions: [{any: true}], principals: [{remote_ip: {address_prefix: 10.9.0.0, prefix_len: 16}}]}
shadow_rules:
  action: ALLOW
  policies:
    only-web:
      permissions: [{any: true}]
      principals: [{authenticated: {principal_name: {exact: "spiffe://cluster.local/ns/default/sa/web"}}}]
)", errors);
  auto config = parseRbacFilterConfig(*doc, errors);
  ASSERT_TRUE(config) << errors.toString();
  stats::Store store(1);
  stats::Scope scope(store, "");
  RbacStats stats(scope, *config);
  FakeAttributes a;
  a.remote = addr("10.1.0.1", 1);
  a.destination = addr("10.0.0.1", 3000);
  CheckResult r = check(*config, stats, a);
  EXPECT_TRUE(r.allowed);
  EXPECT_FALSE(r.shadow_allowed);
  a.remote = addr("10.9.0.1", 1);
  a.setPeer("spiffe://cluster.local/ns/default/sa/web");
  r = check(*config, stats, a);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.enforced_policy, "block-ops");
  EXPECT_TRUE(r.shadow_allowed);
  EXPECT_EQ(r.shadow_policy, "only-web");
  EXPECT_EQ(store.counter("inbound_3000.rbac.allowed").value(), 1u);
  EXPECT_EQ(store.counter("inbound_3000.rbac.denied").value(), 1u);
  EXPECT_EQ(store.counter("inbound_3000.istio_dry_run_rbac.shadow_allowed").value(), 1u);
  EXPECT_EQ(store.counter("inbound_3000.istio_dry_run_rbac.shadow_denied").value(), 1u);
}

}  // namespace
}  // namespace remora::filters::rbac
