#include "filters/common/rbac/rbac_config_parser.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/tls/tls_context_config_parser.h"

namespace remora::filters::rbac {

using config::ErrorList;
using config::MapReader;
using config::YamlNode;

namespace {

constexpr char kNetworkRbacType[] =
    "type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC";

// Always returns a matcher so that parsing can go on and report every error;
// callers look at the error count to decide.
MatcherConstPtr placeholder() { return std::make_unique<AnyMatcher>(); }

// Envoy's CidrRange {address_prefix, prefix_len}.
std::optional<network::CidrRange> parseCidr(const YamlNode& node, ErrorList& errors) {
  MapReader r(node, errors);
  if (!r.valid()) return std::nullopt;
  auto prefix = r.string("address_prefix", true);
  auto len = r.integer("prefix_len", 0, 128);
  if (!prefix) return std::nullopt;
  auto range = len ? network::CidrRange::fromIp(*prefix, static_cast<uint32_t>(*len))
                   : network::CidrRange::fromString(*prefix);
  if (!range) {
    node.error(errors, "invalid CIDR range: " + range.error().message);
    return std::nullopt;
  }
  return *range;
}

// Exactly one of `keys` must be present in a oneof message.
std::optional<std::string> oneofKey(const MapReader& r, const YamlNode& node,
                                    std::initializer_list<const char*> keys, ErrorList& errors,
                                    const char* what) {
  std::optional<std::string> found;
  int count = 0;
  for (const char* key : keys) {
    if (r.has(key)) {
      found = key;
      ++count;
    }
  }
  if (count != 1) {
    std::string list;
    for (const char* key : keys) list += (list.empty() ? "" : ", ") + std::string(key);
    node.error(errors, std::string(what) + " needs exactly one of: " + list);
    return std::nullopt;
  }
  return found;
}

template <MatcherConstPtr (*Parse)(const YamlNode&, ErrorList&)>
std::vector<MatcherConstPtr> parseList(const YamlNode& node, const char* key, ErrorList& errors) {
  std::vector<MatcherConstPtr> out;
  MapReader r(node, errors);
  if (!r.valid()) return out;
  for (const YamlNode& item : r.sequence(key, true)) out.push_back(Parse(item, errors));
  return out;
}

MatcherConstPtr parseAny(const YamlNode& any, ErrorList& errors) {
  auto value = any.asBool(errors);
  if (value && !*value) any.error(errors, "any must be true");
  return std::make_unique<AnyMatcher>();
}

MatcherConstPtr parseHeader(const YamlNode& node, ErrorList& errors) {
  MapReader r(node, errors);
  if (!r.valid()) return placeholder();
  auto name = r.string("name", true).value_or("");
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  bool invert = r.boolean("invert_match").value_or(false);
  std::optional<tls::StringMatcher> value;
  auto kind = oneofKey(r, node, {"string_match", "present_match"}, errors, "header");
  if (kind == "string_match") {
    value = tls::parseStringMatcher(*r.child("string_match"), errors);
  } else if (kind == "present_match") {
    auto present = r.boolean("present_match");
    if (present && !*present) invert = !invert;
  }
  return std::make_unique<HeaderMatcher>(std::move(name), std::move(value), invert);
}

MatcherConstPtr parsePath(const YamlNode& node, ErrorList& errors) {
  MapReader r(node, errors);
  if (!r.valid()) return placeholder();
  auto path = r.child("path", true);
  auto matcher = path ? tls::parseStringMatcher(*path, errors) : std::nullopt;
  if (!matcher) return placeholder();
  return std::make_unique<PathMatcher>(std::move(*matcher));
}

}  // namespace

MatcherConstPtr parsePrincipal(const YamlNode& node, ErrorList& errors) {
  MapReader r(node, errors);
  if (!r.valid()) return placeholder();
  auto key = oneofKey(r, node,
                      {"and_ids", "or_ids", "any", "authenticated", "remote_ip",
                       "direct_remote_ip", "header", "url_path", "not_id"},
                      errors, "principal");
  if (!key) {
    // Mark the keys as read so that only the oneof error is reported.
    for (const char* k : {"and_ids", "or_ids", "any", "authenticated", "remote_ip",
                          "direct_remote_ip", "header", "url_path", "not_id"}) {
      r.ignore(k);
    }
    return placeholder();
  }
  auto child_node = r.child(*key);
  if (!child_node) {
    // "authenticated:" with no body means any verified peer.
    if (*key == "authenticated") return std::make_unique<AuthenticatedMatcher>(std::nullopt);
    node.error(errors, *key + " must not be empty");
    return placeholder();
  }
  const YamlNode& child = *child_node;
  if (*key == "and_ids") return std::make_unique<AndMatcher>(parseList<parsePrincipal>(child, "ids", errors));
  if (*key == "or_ids") return std::make_unique<OrMatcher>(parseList<parsePrincipal>(child, "ids", errors));
  if (*key == "not_id") return std::make_unique<NotMatcher>(parsePrincipal(child, errors));
  if (*key == "any") return parseAny(child, errors);
  if (*key == "header") return parseHeader(child, errors);
  if (*key == "url_path") return parsePath(child, errors);
  if (*key == "authenticated") {
    MapReader ar(child, errors);
    std::optional<tls::StringMatcher> principal;
    if (auto name = ar.child("principal_name")) {
      principal = tls::parseStringMatcher(*name, errors);
      if (!principal) return placeholder();
    }
    return std::make_unique<AuthenticatedMatcher>(std::move(principal));
  }
  auto range = parseCidr(child, errors);
  if (!range) return placeholder();
  return std::make_unique<IpMatcher>(
      std::move(*range),
      *key == "remote_ip" ? IpMatcher::Source::Remote : IpMatcher::Source::DirectRemote);
}

MatcherConstPtr parsePermission(const YamlNode& node, ErrorList& errors) {
  static constexpr std::initializer_list<const char*> kKeys = {
      "and_rules", "or_rules", "any", "header", "url_path", "destination_ip",
      "destination_port", "destination_port_range", "requested_server_name", "not_rule"};
  MapReader r(node, errors);
  if (!r.valid()) return placeholder();
  auto key = oneofKey(r, node, kKeys, errors, "permission");
  if (!key) {
    for (const char* k : kKeys) r.ignore(k);
    return placeholder();
  }
  auto child_node = r.child(*key);
  if (!child_node) {
    node.error(errors, *key + " must not be empty");
    return placeholder();
  }
  const YamlNode& child = *child_node;
  if (*key == "and_rules") return std::make_unique<AndMatcher>(parseList<parsePermission>(child, "rules", errors));
  if (*key == "or_rules") return std::make_unique<OrMatcher>(parseList<parsePermission>(child, "rules", errors));
  if (*key == "not_rule") return std::make_unique<NotMatcher>(parsePermission(child, errors));
  if (*key == "any") return parseAny(child, errors);
  if (*key == "header") return parseHeader(child, errors);
  if (*key == "url_path") return parsePath(child, errors);
  if (*key == "destination_port") {
    auto port = child.asInteger(errors, 0, 65535);
    if (!port) return placeholder();
    return std::make_unique<PortRangeMatcher>(static_cast<uint32_t>(*port),
                                              static_cast<uint32_t>(*port) + 1);
  }
  if (*key == "destination_port_range") {
    MapReader pr(child, errors);
    auto start = pr.integer("start", 0, 65536, true);
    auto end = pr.integer("end", 0, 65536, true);
    if (!start || !end) return placeholder();
    if (*start >= *end) {
      child.error(errors, "destination_port_range: start must be below end (end is exclusive)");
      return placeholder();
    }
    return std::make_unique<PortRangeMatcher>(static_cast<uint32_t>(*start),
                                              static_cast<uint32_t>(*end));
  }
  if (*key == "requested_server_name") {
    auto matcher = tls::parseStringMatcher(child, errors);
    if (!matcher) return placeholder();
    return std::make_unique<ServerNameMatcher>(std::move(*matcher));
  }
  auto range = parseCidr(child, errors);  // destination_ip
  if (!range) return placeholder();
  return std::make_unique<IpMatcher>(std::move(*range), IpMatcher::Source::Destination);
}

std::optional<RbacEngineConstSharedPtr> parseRbacRules(const YamlNode& node, ErrorList& errors) {
  size_t before = errors.size();
  MapReader r(node, errors);
  if (!r.valid()) return std::nullopt;
  // Envoy's LOG action (allow and tag) is not supported.
  auto action = r.oneOf("action", {"ALLOW", "DENY"}).value_or("ALLOW");
  std::vector<Policy> policies;
  if (auto map = r.child("policies")) {
    if (!map->isMap()) {
      map->error(errors, "expected a map of policy name to policy");
    } else {
      for (const auto& entry : map->raw()) {
        std::string name = entry.first.Scalar();
        YamlNode policy_node(entry.second, map->path() + "." + name);
        MapReader pr(policy_node, errors);
        if (!pr.valid()) continue;
        Policy policy;
        policy.name = name;
        std::vector<MatcherConstPtr> permissions;
        for (const YamlNode& p : pr.sequence("permissions", true)) {
          permissions.push_back(parsePermission(p, errors));
        }
        std::vector<MatcherConstPtr> principals;
        for (const YamlNode& p : pr.sequence("principals", true)) {
          principals.push_back(parsePrincipal(p, errors));
        }
        // Envoy requires at least one of each: an empty list would silently
        // turn a policy into "never matches".
        if (permissions.empty() && pr.has("permissions")) {
          policy_node.error(errors, "permissions must not be empty");
        }
        if (principals.empty() && pr.has("principals")) {
          policy_node.error(errors, "principals must not be empty");
        }
        policy.permissions = std::make_unique<OrMatcher>(std::move(permissions));
        policy.principals = std::make_unique<OrMatcher>(std::move(principals));
        policies.push_back(std::move(policy));
      }
    }
  }
  r.finish();
  if (errors.size() != before) return std::nullopt;
  return std::make_shared<const RbacEngine>(action == "DENY" ? Action::Deny : Action::Allow,
                                            std::move(policies));
}

std::optional<RbacFilterConfig> parseRbacFilterConfig(const YamlNode& node, ErrorList& errors) {
  size_t before = errors.size();
  MapReader r(node, errors);
  if (!r.valid()) return std::nullopt;
  RbacFilterConfig out;
  if (auto type = r.child("@type")) {
    auto value = type->asString(errors);
    if (value && *value != kNetworkRbacType) {
      type->error(errors, std::string("expected @type ") + kNetworkRbacType);
    }
  }
  out.stat_prefix = r.string("stat_prefix", true).value_or("");
  out.shadow_rules_stat_prefix = r.string("shadow_rules_stat_prefix").value_or("");
  if (auto rules = r.child("rules")) {
    if (auto engine = parseRbacRules(*rules, errors)) out.rules = *engine;
  }
  if (auto rules = r.child("shadow_rules")) {
    if (auto engine = parseRbacRules(*rules, errors)) out.shadow_rules = *engine;
  }
  auto enforcement = r.oneOf("enforcement_type", {"ONE_TIME_ON_FIRST_BYTE", "CONTINUOUS"});
  if (enforcement == "CONTINUOUS") out.enforcement_type = EnforcementType::Continuous;
  r.finish();
  if (errors.size() != before) return std::nullopt;
  return out;
}

}  // namespace remora::filters::rbac
