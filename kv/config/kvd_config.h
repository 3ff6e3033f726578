#pragma once

// The configuration of a remora-kvd node as a plain, validated struct. The
// YAML vocabulary follows Aerospike's aerospike.conf (service, fabric,
// heartbeat, cluster-name, namespaces with replication-factor, default-ttl,
// nsup-period and a storage-engine stanza); docs/kv.md is the reference.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kv/storage/storage_config.h"

namespace remora::kv::config {

struct EndpointConfig {
  std::string address = "any";  // "any" = all IPv4 and IPv6 addresses
  uint16_t port = 0;
};

struct NamespaceConfig {
  std::string name = "test";
  uint32_t replication_factor = 2;  // Aerospike's default; capped by the cluster size
  uint32_t default_ttl_s = 0;       // 0 = records never expire unless a write says so
  uint32_t nsup_period_s = 120;     // expiry sweep period; 0 = no sweeper
  storage::StorageConfig storage;   // storage.namespace_name == name
};

// A static ownership split (a Remora extension until clustering manages
// membership): every node of the cluster with its service address and the
// partitions it masters, the same list in every node's config. A node finds
// itself by service.node-id; a request for another node's partition is
// proxied to that node (docs/kv.md, "Static clusters").
struct ClusterNodeConfig {
  std::string node_id;  // upper-case hex, as the node reports it
  std::string host;     // IP address of its service port
  uint16_t port = 0;
  std::vector<std::pair<uint32_t, uint32_t>> partitions;  // inclusive ranges, as written
};

struct StaticClusterConfig {
  std::vector<ClusterNodeConfig> nodes;  // at most 255
  std::vector<uint8_t> owner;  // per partition (4096): index into nodes; set by the loader
  uint32_t self = 0;           // index of this node in nodes; set by the loader
};

struct KvdConfig {
  EndpointConfig service{"any", 3000};
  EndpointConfig fabric{"any", 3001};
  EndpointConfig heartbeat{"any", 3002};
  std::string cluster_name;  // empty: the client must not ask for one
  std::string node_id;       // up to 16 hex digits; empty = derived from address and port
  uint32_t service_threads = 0;  // 0 = derived: serviceThreadsFor()
  uint32_t proto_fd_max = 15000;  // simultaneous client connections
  uint64_t max_message_size = 8u << 20;  // largest accepted request body
  uint32_t connection_buffer_limit = 1u << 20;  // per-connection output bound (bytes)
  std::vector<NamespaceConfig> namespaces;
  std::optional<StaticClusterConfig> static_cluster;  // absent: one node owning everything

  const NamespaceConfig* findNamespace(const std::string& name) const {
    for (const auto& ns : namespaces) {
      if (ns.name == name) return &ns;
    }
    return nullptr;
  }
};

// One node, namespace "test" in memory, service port 3000.
KvdConfig defaultKvdConfig();

constexpr uint32_t kMaxServiceThreads = 256;
// Service threads per CPU when a namespace keeps its records on a device.
constexpr uint32_t kServiceThreadsPerCpuOnDevice = 5;

// The number of service (worker) threads a node runs: `service_threads`
// when set, else Aerospike's default rule — the number of CPUs, or 5 per CPU
// when any namespace keeps its records on a device (a service thread blocks
// on each device read, so more of them keep more reads in flight); at most
// kMaxServiceThreads. `cpus` is the machine's (0 counts as 1).
uint32_t serviceThreadsFor(const KvdConfig& config, uint32_t cpus);

// Moves the service port to `port` and fabric/heartbeat to port+1/port+2.
void applyPortOverride(KvdConfig& config, uint16_t port);

}  // namespace remora::kv::config
