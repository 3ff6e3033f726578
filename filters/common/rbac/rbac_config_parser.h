#pragma once

// YAML -> RBAC engines and the network rbac filter config, with Envoy's v3
// field names (config.rbac.v3.RBAC, Policy, Principal, Permission and
// extensions.filters.network.rbac.v3.RBAC). Every error goes to `errors`
// with its YAML path and line; nullopt when anything under the node was
// wrong. Main thread (config loading).
//
//   rules:
//     action: ALLOW
//     policies:
//       "allow-web":
//         permissions: [{destination_port: 3000}]
//         principals:
//         - authenticated:
//             principal_name: {exact: "spiffe://cluster.local/ns/default/sa/web"}

#include <optional>

#include "config/yaml_reader.h"
#include "filters/common/rbac/rbac_engine.h"
#include "filters/common/rbac/rbac_filter_config.h"

namespace remora::filters::rbac {

// An RBAC message: {action, policies}.
std::optional<RbacEngineConstSharedPtr> parseRbacRules(const config::YamlNode& node,
                                                       config::ErrorList& errors);
// The network filter's typed_config ("@type" optional).
std::optional<RbacFilterConfig> parseRbacFilterConfig(const config::YamlNode& node,
                                                      config::ErrorList& errors);

// Single Principal / Permission messages (exposed for tests and the HTTP filter).
MatcherConstPtr parsePrincipal(const config::YamlNode& node, config::ErrorList& errors);
MatcherConstPtr parsePermission(const config::YamlNode& node, config::ErrorList& errors);

}  // namespace remora::filters::rbac
