#pragma once

// What every request handler of a node reads: identity, configuration,
// namespaces, ownership, stats and the clock. Built by Node::init() on the
// main thread and immutable afterwards except for the members documented as
// thread-safe (PartitionTable, NodeStats, the atomics below).

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kv/config/kvd_config.h"
#include "kv/node/kv_namespace.h"
#include "kv/node/node_stats.h"
#include "kv/node/partition_table.h"
#include "kv/storage/clock.h"

namespace remora::kv::node {

// The server version we report. It selects the client's protocol: >= 6.0 for
// the "batch any" format, < 8.1 to keep 8.1-only commands away (reference
// §3.2 and pitfall 9).
constexpr std::string_view kBuildVersion = "8.0.0.0";

struct NodeContext {
  NodeContext(config::KvdConfig cfg, NodeStats& node_stats, storage::ClockPtr node_clock)
      : config(std::move(cfg)), stats(node_stats), clock(std::move(node_clock)) {}

  const config::KvdConfig config;
  std::string node_id;           // upper-case hex, stable for the process lifetime
  std::string service_endpoint;  // "host:port" clients can reach, for service-* commands
  uint16_t service_port = 0;     // the bound service port
  NodeStats& stats;
  storage::ClockPtr clock;
  PartitionTable partitions;
  std::vector<std::unique_ptr<Namespace>> namespaces;
  std::atomic<uint32_t> peers_generation{1};

  Namespace* findNamespace(std::string_view name) const {
    for (const auto& ns : namespaces) {
      if (ns->name() == name) return ns.get();
    }
    return nullptr;
  }
};

}  // namespace remora::kv::node
