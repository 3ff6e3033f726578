#include "kv/config/kvd_config.h"

namespace remora::kv::config {

KvdConfig defaultKvdConfig() {
  KvdConfig config;
  NamespaceConfig ns;
  ns.name = "test";
  ns.storage.namespace_name = "test";
  ns.storage.kind = storage::EngineKind::kMemory;
  config.namespaces.push_back(ns);
  return config;
}

void applyPortOverride(KvdConfig& config, uint16_t port) {
  config.service.port = port;
  config.fabric.port = static_cast<uint16_t>(port + 1);
  config.heartbeat.port = static_cast<uint16_t>(port + 2);
}

}  // namespace remora::kv::config
