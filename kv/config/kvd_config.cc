#include "kv/config/kvd_config.h"

#include <algorithm>

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

uint32_t serviceThreadsFor(const KvdConfig& config, uint32_t cpus) {
  if (config.service_threads != 0) return config.service_threads;
  const bool on_device = std::any_of(
      config.namespaces.begin(), config.namespaces.end(),
      [](const NamespaceConfig& ns) { return ns.storage.kind == storage::EngineKind::kDevice; });
  const uint64_t per_cpu = on_device ? kServiceThreadsPerCpuOnDevice : 1;
  return static_cast<uint32_t>(
      std::min<uint64_t>(std::max<uint32_t>(cpus, 1) * per_cpu, kMaxServiceThreads));
}

void applyPortOverride(KvdConfig& config, uint16_t port) {
  config.service.port = port;
  config.fabric.port = static_cast<uint16_t>(port + 1);
  config.heartbeat.port = static_cast<uint16_t>(port + 2);
}

}  // namespace remora::kv::config
