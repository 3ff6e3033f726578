#include "proxy/server/config_loader.h"

#include <set>

namespace remora::server {

std::optional<ValidatedConfig> ConfigLoader::load(const std::string& path, config::ErrorList& errors) {
  auto bootstrap = config::loadBootstrapFile(path, errors);
  if (!bootstrap) return std::nullopt;
  ValidatedConfig validated;
  std::set<std::string> cluster_names;
  for (const auto& c : bootstrap->clusters) cluster_names.insert(c.name);
  auto previous_exists = context_.cluster_exists;
  context_.cluster_exists = [&cluster_names](std::string_view name) {
    return cluster_names.count(std::string(name)) != 0;
  };
  for (const auto& listener_config : bootstrap->listeners) {
    auto runtime = listener::ListenerRuntime::build(listener_config, registry_, context_, tls_, errors);
    // A runtime built from a config with earlier errors is never used.
    if (runtime) validated.listeners.push_back(std::move(runtime));
  }
  context_.cluster_exists = previous_exists;
  for (const auto& cluster : bootstrap->clusters) {
    if (!cluster.transport_socket) continue;
    if (auto factory = tls_(*cluster.transport_socket, false, "cluster." + cluster.name + ".", errors)) {
      validated.cluster_transport_sockets[cluster.name] = *factory;
    }
  }
  if (!errors.empty()) return std::nullopt;
  validated.bootstrap = std::move(*bootstrap);
  return validated;
}

}  // namespace remora::server
