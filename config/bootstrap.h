#pragma once

// The bootstrap file: admin + static_resources, parsed and validated into
// plain immutable structs before anything runs.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/network/address.h"
#include "config/cluster_config.h"
#include "config/listener_config.h"
#include "config/yaml_reader.h"

namespace remora::config {

struct AdminConfig {
  network::Address address;  // default 127.0.0.1:15000
  std::string access_log_path;
};

struct Bootstrap {
  AdminConfig admin;
  std::vector<ListenerConfig> listeners;
  std::vector<ClusterConfig> clusters;
  std::string path;  // the file it came from
  std::string text;  // the file's text, for /config_dump
};

// Parses and cross-checks (duplicate names, duplicate addresses) a bootstrap.
// Filter typed_configs are validated by the caller through the filter
// registry, which adds its errors to the same list. A result comes back even
// when `errors` is not empty (as far as it could be read); it is valid only
// if `errors` is empty.
std::optional<Bootstrap> parseBootstrap(const YamlNode& root, ErrorList& errors);
std::optional<Bootstrap> loadBootstrapFile(const std::string& path, ErrorList& errors);

}  // namespace remora::config
