#include "filters/common/rbac/rbac_config_parser.h"

#include <gtest/gtest.h>

namespace remora::filters::rbac {
namespace {

std::string errorsOf(const std::string& yaml) {
  config::ErrorList errors;
  auto doc = config::loadYamlString(yaml, errors);
  EXPECT_TRUE(doc);
  EXPECT_FALSE(parseRbacFilterConfig(*doc, errors));
  return errors.toString();
}

TEST(RbacConfigParserTest, ReportsErrorsWithPathsAndLines) {
  std::string errors = errorsOf(R"(stat_prefix: x.
rules:
  action: LOG
  policies:
    p1:
      permissions: [{destination_port: 70000}]
      principals: [{authenticated: {principal_name: {regex: "a"}}}]
    p2:
      permissions: [{destination_port: 1, any: true}]
      principals: [{remote_ip: {address_prefix: not-an-ip, prefix_len: 8}}]
    p3:
      principals: [{any: true}]
      condition: {}
enforcement_type: SOMETIMES
)");
  EXPECT_NE(errors.find("rules.action: unsupported value 'LOG'"), std::string::npos) << errors;
  EXPECT_NE(errors.find("(line 3"), std::string::npos) << errors;
  EXPECT_NE(errors.find("rules.policies.p1.permissions[0].destination_port"), std::string::npos) << errors;
  EXPECT_NE(errors.find("(line 6"), std::string::npos) << errors;
  EXPECT_NE(errors.find("principal_name.regex"), std::string::npos) << errors;
  EXPECT_NE(errors.find("rules.policies.p2.permissions[0]: permission needs exactly one of"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("rules.policies.p2.principals[0].remote_ip: invalid CIDR"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("rules.policies.p3.permissions: required field is missing"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("rules.policies.p3.condition: unknown"), std::string::npos) << errors;
  EXPECT_NE(errors.find("enforcement_type"), std::string::npos) << errors;
}

TEST(RbacConfigParserTest, StatPrefixIsRequiredAndAnyMustBeTrue) {
  std::string errors = errorsOf(R"(
rules:
  policies:
    p: {permissions: [{any: false}], principals: [{any: true}]}
)");
  EXPECT_NE(errors.find("stat_prefix: required field is missing"), std::string::npos) << errors;
  EXPECT_NE(errors.find("any must be true"), std::string::npos) << errors;
}

TEST(RbacConfigParserTest, AcceptsAConfigWithoutRulesAsAllowAll) {
  config::ErrorList errors;
  auto doc = config::loadYamlString("stat_prefix: tcp.\n", errors);
  auto config = parseRbacFilterConfig(*doc, errors);
  ASSERT_TRUE(config) << errors.toString();
  EXPECT_EQ(config->rules, nullptr);
  EXPECT_EQ(config->shadow_rules, nullptr);
}

}  // namespace
}  // namespace remora::filters::rbac
