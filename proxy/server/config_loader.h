#pragma once

// Loads a bootstrap file and validates all of it — YAML structure, cross
// references, every filter's typed_config, transport sockets — collecting
// every error before anything runs. Used at start-up, on reload and by
// `--mode validate`.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/bootstrap.h"
#include "filters/filter_registry.h"
#include "proxy/listener/listener_runtime.h"

namespace remora::server {

struct ValidatedConfig {
  config::Bootstrap bootstrap;
  std::vector<std::shared_ptr<listener::ListenerRuntime>> listeners;
  // Transport socket factories of clusters that configure one (TLS).
  std::map<std::string, network::TransportSocketFactoryPtr> cluster_transport_sockets;
};

class ConfigLoader {
 public:
  ConfigLoader(const filters::FilterRegistry& registry, filters::FactoryContext& context,
               listener::TransportSocketFactoryBuilder tls)
      : registry_(registry), context_(context), tls_(std::move(tls)) {}

  std::optional<ValidatedConfig> load(const std::string& path, config::ErrorList& errors);

 private:
  const filters::FilterRegistry& registry_;
  filters::FactoryContext& context_;
  listener::TransportSocketFactoryBuilder tls_;
};

}  // namespace remora::server
