#include "kv/node/info_handler.h"

#include <charconv>
#include <map>

#include "kv/protocol/digest.h"

namespace remora::kv::node {

using protocol::ResultCode;

namespace {

constexpr std::string_view kEdition = "Aerospike Community Edition";
// What the node actually serves; `features` gates client behaviour and the
// official test suite's groups, so nothing unsupported is claimed.
constexpr std::string_view kFeatures =
    "batch-any;batch-index;blob-bits;float;peers;pipelining;pscans;replicas;replicas-all;"
    "replicas-master;truncate-namespace";

std::string storageName(const config::NamespaceConfig& ns) {
  return ns.storage.kind == storage::EngineKind::kDevice ? "device" : "memory";
}

}  // namespace

std::string InfoHandler::handle(std::string_view body) {
  context_.stats.info_requests.inc();
  std::string out;
  auto commands = protocol::parseInfoRequest(body);
  if (commands.empty()) {
    // Summary: the suite looks for "\nversion\t" and "\nedition\t", so
    // neither may come first.
    for (std::string_view name : {"features", "node", "edition", "build", "version",
                                  "partition-generation", "cluster-name", "services"}) {
      protocol::InfoCommand cmd;
      cmd.line = name;
      cmd.name = name;
      protocol::appendInfoReply(out, name, value(cmd));
    }
    return out;
  }
  for (const auto& cmd : commands) protocol::appendInfoReply(out, cmd.line, value(cmd));
  return out;
}

std::string InfoHandler::value(const protocol::InfoCommand& cmd) {
  const std::string_view n = cmd.name;
  const std::string gen = std::to_string(context_.partitions.generation());
  if (n == "node") return context_.node_id;
  if (n == "build") return std::string(kBuildVersion);
  if (n == "edition") return std::string(kEdition);
  if (n == "version") return std::string(kEdition) + " build " + std::string(kBuildVersion);
  if (n == "features") return std::string(kFeatures);
  if (n == "status") return "ok";
  if (n == "partitions") return std::to_string(protocol::kPartitionCount);
  if (n == "partition-generation" || n == "rebalance-generation") return gen;
  if (n == "peers-generation") return std::to_string(context_.peers_generation.load());
  if (n == "replicas") return replicas(cmd.args, false, false);
  if (n == "replicas-all") return replicas(cmd.args, true, false);
  if (n == "replicas-master") return replicas(cmd.args, false, true);
  if (n == "peers-clear-std" || n == "peers-clear-alt") return peers(false);
  if (n == "peers-tls-std" || n == "peers-tls-alt") return peers(true);
  if (n == "services" || n == "services-alumni" || n == "services-alternate") return "";
  if (n == "service" || n == "service-clear-std" || n == "service-clear-alt") {
    return context_.service_endpoint;
  }
  if (n == "service-tls-std" || n == "service-tls-alt") return "";
  if (n == "cluster-name") {
    return context_.config.cluster_name.empty() ? "null" : context_.config.cluster_name;
  }
  if (n == "cluster-stable") return context_.node_id;
  if (n == "namespaces") {
    std::string out;
    for (const auto& ns : context_.namespaces) {
      if (!out.empty()) out += ';';
      out += ns->name();
    }
    return out;
  }
  if (n == "namespace") return namespaceInfo(cmd.args);
  if (n == "get-config") {
    auto params = protocol::parseInfoParams(cmd.args);
    const auto ctx = params.find("context");
    if (ctx == params.end() || ctx->second == "service") return serviceConfig();
    if (ctx->second == "namespace") {
      auto id = params.find("id");
      if (id == params.end()) return protocol::infoErrorValue(ResultCode::kParameterError, "id");
      return namespaceInfo(id->second);
    }
    return protocol::infoErrorValue(ResultCode::kParameterError, "unknown context");
  }
  if (n == "statistics") return statistics();
  if (n == "sets") return sets(cmd.args);
  if (n == "rack-ids") {
    std::string out;
    for (const auto& ns : context_.namespaces) {
      if (!out.empty()) out += ';';
      out += ns->name() + ":0";
    }
    return out;
  }
  if (n == "user-agent-set") return "ok";
  if (n == "truncate") return truncate(cmd.args, false);
  if (n == "truncate-namespace") return truncate(cmd.args, true);
  if (n == "udf-list" || n == "sindex-list" || n == "sindex") return "";
  if (n == "udf-put" || n == "udf-remove" || n == "udf-get" || n == "sindex-create") {
    return protocol::infoErrorValue(ResultCode::kUnsupportedFeature, "not supported by remora-kvd");
  }
  if (n == "sindex-delete") {
    return protocol::infoErrorValue(ResultCode::kIndexNotFound, "index not found");
  }
  return protocol::infoErrorValue(ResultCode::kParameterError, "unrecognized command");
}

std::string InfoHandler::replicas(std::string_view args, bool legacy_all,
                                  bool legacy_master) const {
  uint32_t max = 0;
  auto params = protocol::parseInfoParams(args);
  if (auto it = params.find("max"); it != params.end()) {
    std::from_chars(it->second.data(), it->second.data() + it->second.size(), max);
  }
  std::string out;
  for (const auto& ns : context_.namespaces) {
    if (!out.empty()) out += ';';
    out += ns->name();
    out += ':';
    if (legacy_master) {
      out += protocol::encodePartitionBitmap(context_.partitions.bitmapFor(0));
    } else if (legacy_all) {
      // "<n>,<bitmaps>": the regime-less legacy form.
      const std::string entry = context_.partitions.replicasEntry(max);
      out += entry.substr(entry.find(',') + 1);
    } else {
      out += context_.partitions.replicasEntry(max);
    }
  }
  return out;
}

std::string InfoHandler::peers(bool tls) const {
  // The other nodes of a static cluster; none for a lone node (reference
  // §3.3). No TLS service: the TLS lists stay empty.
  const uint16_t bound = context_.service_port != 0 ? context_.service_port
                                                    : context_.config.service.port;
  const std::string port = tls ? "" : std::to_string(bound);
  std::string list;
  if (!tls && context_.config.static_cluster) {
    const auto& cluster = *context_.config.static_cluster;
    for (uint32_t i = 0; i < cluster.nodes.size(); ++i) {
      if (i == cluster.self) continue;
      const auto& n = cluster.nodes[i];
      const bool v6 = n.host.find(':') != std::string::npos;
      if (!list.empty()) list += ',';
      list += "[" + n.node_id + ",,[" + (v6 ? "[" + n.host + "]" : n.host) + ":" +
              std::to_string(n.port) + "]]";
    }
  }
  return std::to_string(context_.peers_generation.load()) + "," + port + ",[" + list + "]";
}

std::string InfoHandler::namespaceInfo(std::string_view ns_name) const {
  Namespace* ns = context_.findNamespace(ns_name);
  if (ns == nullptr) {
    return protocol::infoErrorValue(ResultCode::kNamespaceNotFound, "namespace not found");
  }
  const auto& c = ns->config();
  const auto s = ns->engine().stats();
  std::string out;
  auto add = [&](std::string_view k, const std::string& v) {
    if (!out.empty()) out += ';';
    out += k;
    out += '=';
    out += v;
  };
  add("objects", std::to_string(s.records));
  add("tombstones", std::to_string(s.tombstones));
  add("replication-factor", std::to_string(c.replication_factor));
  add("effective_replication_factor", std::to_string(context_.partitions.replicaCount()));
  add("default-ttl", std::to_string(c.default_ttl_s));
  add("nsup-period", std::to_string(c.nsup_period_s));
  add("allow-ttl-without-nsup", "true");
  add("storage-engine", storageName(c));
  add("index_used_bytes", std::to_string(s.index_bytes));
  add("data_used_bytes", std::to_string(s.data_bytes));
  add("device_total_bytes", std::to_string(s.device_total_bytes));
  add("device_free_bytes", std::to_string(s.device_free_bytes));
  add("write-block-size", std::to_string(c.storage.write_block_size));
  add("defrag-lwm-pct", std::to_string(c.storage.defrag_lwm_pct));
  add("flush-max-ms", std::to_string(c.storage.flush_max_ms));
  add("commit-to-device", c.storage.commit_to_device ? "true" : "false");
  add("defrag_blocks_reclaimed", std::to_string(s.defrag_blocks_reclaimed));
  add("device_reads", std::to_string(s.device_reads));
  add("write_errors", std::to_string(s.write_errors));
  return out;
}

std::string InfoHandler::serviceConfig() const {
  const auto& c = context_.config;
  return "service-threads=" + std::to_string(c.service_threads) +
         ";proto-fd-max=" + std::to_string(c.proto_fd_max) +
         ";max-message-size=" + std::to_string(c.max_message_size) +
         ";cluster-name=" + (c.cluster_name.empty() ? "null" : c.cluster_name) +
         ";service.port=" + std::to_string(c.service.port) +
         ";fabric.port=" + std::to_string(c.fabric.port) +
         ";heartbeat.port=" + std::to_string(c.heartbeat.port);
}

std::string InfoHandler::statistics() const {
  uint64_t objects = 0;
  for (const auto& ns : context_.namespaces) objects += ns->engine().stats().records;
  std::string out = "cluster_size=1;objects=" + std::to_string(objects);
  const std::string counters = context_.stats.renderStatistics();
  if (!counters.empty()) out += ";" + counters;
  return out;
}

std::string InfoHandler::sets(std::string_view args) const {
  // Per-set counts come from walking the index: an admin command, not a hot
  // path (on a device engine it reads every record).
  std::string_view want_ns = args.substr(0, args.find('/'));
  std::string_view want_set =
      args.find('/') == std::string_view::npos ? "" : args.substr(args.find('/') + 1);
  std::string out;
  for (const auto& ns : context_.namespaces) {
    if (!want_ns.empty() && ns->name() != want_ns) continue;
    std::map<std::string, uint64_t> counts;
    const uint32_t now = context_.clock->nowVoidTime();
    for (uint32_t p = 0; p < protocol::kPartitionCount; ++p) {
      std::lock_guard<std::mutex> lock(ns->partitionLock(p));
      ns->engine().scan(p, [&](const storage::Record& r) {
        if (!r.set_name.empty() && (r.void_time == 0 || r.void_time > now)) ++counts[r.set_name];
        return true;
      });
    }
    for (const auto& [set, n] : counts) {
      if (!want_set.empty() && set != want_set) continue;
      out += "ns=" + ns->name() + ":set=" + set + ":objects=" + std::to_string(n) +
             ":tombstones=0:truncate_lut=0:disable-eviction=false;";
    }
  }
  return out;
}

std::string InfoHandler::truncate(std::string_view args, bool whole_namespace) {
  auto params = protocol::parseInfoParams(args);
  auto ns_it = params.find("namespace");
  if (ns_it == params.end()) {
    return protocol::infoErrorValue(ResultCode::kParameterError, "namespace required");
  }
  Namespace* ns = context_.findNamespace(ns_it->second);
  if (ns == nullptr) {
    return protocol::infoErrorValue(ResultCode::kNamespaceNotFound, "namespace not found");
  }
  std::string set;
  if (!whole_namespace) {
    auto set_it = params.find("set");
    if (set_it != params.end()) set = set_it->second;
  }
  uint64_t before_ms = context_.clock->nowMs() + 1;
  if (auto lut = params.find("lut"); lut != params.end()) {
    uint64_t lut_ns = 0;
    auto [p, ec] = std::from_chars(lut->second.data(), lut->second.data() + lut->second.size(),
                                   lut_ns);
    if (ec != std::errc() || p != lut->second.data() + lut->second.size()) {
      return protocol::infoErrorValue(ResultCode::kParameterError, "bad lut");
    }
    before_ms = lut_ns / 1000000;
  }
  auto st = ns->withAllPartitionsLocked([&] { return ns->engine().truncate(set, before_ms); });
  if (!st) return protocol::infoErrorValue(ResultCode::kServerError, st.error().message);
  return "ok";
}

}  // namespace remora::kv::node
