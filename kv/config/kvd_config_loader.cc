#include "kv/config/kvd_config_loader.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "config/yaml_reader.h"

namespace remora::kv::config {

namespace {

using remora::config::ErrorList;
using remora::config::MapReader;
using remora::config::YamlNode;

// Aerospike writes times as seconds with an optional s/m/h/d suffix
// ("30d"); 0 means "never" for default-ttl.
std::optional<uint32_t> readSeconds(MapReader& r, std::string_view key, ErrorList& errors) {
  auto node = r.child(key);
  if (!node) return std::nullopt;
  const std::string text = node->scalar();
  if (!node->isScalar() || text.empty()) {
    node->error(errors, "expected seconds, optionally with a suffix s, m, h or d (\"30d\")");
    return std::nullopt;
  }
  uint64_t value = 0;
  size_t i = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
    if (value > 0xFFFFFFFFull) break;
  }
  uint64_t mult = 1;
  const std::string suffix = text.substr(i);
  if (suffix == "" || suffix == "s") {
    mult = 1;
  } else if (suffix == "m") {
    mult = 60;
  } else if (suffix == "h") {
    mult = 3600;
  } else if (suffix == "d") {
    mult = 86400;
  } else {
    node->error(errors, "expected seconds, optionally with a suffix s, m, h or d (\"30d\")");
    return std::nullopt;
  }
  if (i == 0 || value * mult > 10ull * 365 * 86400) {
    node->error(errors, "expected a number of seconds up to 10 years");
    return std::nullopt;
  }
  return static_cast<uint32_t>(value * mult);
}

void readEndpoint(MapReader& parent, std::string_view key, EndpointConfig& out, ErrorList& errors,
                  KvdConfig* service_extras) {
  auto node = parent.child(key);
  if (!node) return;
  MapReader r(*node, errors);
  if (!r.valid()) return;
  if (auto a = r.string("address")) out.address = *a;
  if (auto p = r.integer("port", 1, 65535)) out.port = static_cast<uint16_t>(*p);
  if (service_extras != nullptr) {
    if (auto v = r.integer("service-threads", 0, kMaxServiceThreads)) {
      service_extras->service_threads = static_cast<uint32_t>(*v);
    }
    if (auto v = r.integer("proto-fd-max", 1, 1000000)) {
      service_extras->proto_fd_max = static_cast<uint32_t>(*v);
    }
    if (auto v = r.size("max-message-size", 1024, 128ull << 20)) {
      service_extras->max_message_size = *v;
    }
    if (auto v = r.size("connection-buffer-limit", 16 * 1024, 1ull << 30)) {
      service_extras->connection_buffer_limit = static_cast<uint32_t>(*v);
    }
    if (auto v = r.string("node-id")) {
      const bool hex = !v->empty() && v->size() <= 16 &&
                       v->find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
      if (!hex) {
        r.child("node-id")->error(errors, "expected 1 to 16 hexadecimal digits");
      } else {
        service_extras->node_id = *v;
      }
    }
  }
  r.finish();
}

void readStorage(const YamlNode& node, storage::StorageConfig& out, ErrorList& errors) {
  if (node.isScalar()) {
    if (node.scalar() == "memory") {
      out.kind = storage::EngineKind::kMemory;
    } else {
      node.error(errors, "expected \"memory\" or a map with type: memory | device");
    }
    return;
  }
  MapReader r(node, errors);
  if (!r.valid()) return;
  auto type = r.oneOf("type", {"memory", "device"}, true);
  if (type) {
    out.kind = *type == "device" ? storage::EngineKind::kDevice : storage::EngineKind::kMemory;
  }
  for (const auto& dev : r.sequence("devices")) {
    MapReader d(dev, errors);
    if (!d.valid()) continue;
    storage::DeviceConfig device;
    if (auto p = d.string("path", true)) device.path = *p;
    if (auto s = d.size("filesize", 1ull << 20, 1ull << 44)) device.filesize = *s;
    d.finish();
    out.devices.push_back(device);
  }
  if (auto v = r.size("write-block-size", 16 * 1024, 8ull << 20)) {
    if ((*v & (*v - 1)) != 0) {
      r.child("write-block-size")->error(errors, "must be a power of two");
    } else {
      out.write_block_size = static_cast<uint32_t>(*v);
    }
  }
  if (auto v = r.integer("defrag-lwm-pct", 1, 99)) out.defrag_lwm_pct = static_cast<uint32_t>(*v);
  if (auto v = r.integer("defrag-sleep-ms", 0, 3600000)) {
    out.defrag_sleep_ms = static_cast<uint32_t>(*v);
  }
  if (auto v = r.integer("flush-max-ms", 1, 3600000)) out.flush_max_ms = static_cast<uint32_t>(*v);
  if (auto v = r.boolean("commit-to-device")) out.commit_to_device = *v;
  if (out.kind == storage::EngineKind::kDevice && out.devices.empty()) {
    node.error(errors, "a device storage-engine needs at least one entry in devices");
  }
  if (out.kind == storage::EngineKind::kMemory && !out.devices.empty()) {
    node.error(errors, "devices are only allowed with type: device");
  }
  r.finish();
}

void readNamespace(const YamlNode& node, NamespaceConfig& ns, ErrorList& errors) {
  MapReader r(node, errors);
  if (!r.valid()) return;
  if (auto name = r.string("name", true)) {
    if (name->empty() || name->size() > 31) {
      r.child("name")->error(errors, "a namespace name has 1 to 31 characters");
    }
    ns.name = *name;
  }
  if (auto v = r.integer("replication-factor", 1, 256)) {
    ns.replication_factor = static_cast<uint32_t>(*v);
  }
  if (auto v = readSeconds(r, "default-ttl", errors)) ns.default_ttl_s = *v;
  if (auto v = readSeconds(r, "nsup-period", errors)) ns.nsup_period_s = *v;
  if (auto s = r.child("storage-engine")) readStorage(*s, ns.storage, errors);
  ns.storage.namespace_name = ns.name;
  r.finish();
}

constexpr uint32_t kPartitions = 4096;

// "0-2047,3000-3100" or "17": inclusive ranges of partition ids.
bool parseRanges(const std::string& text, std::vector<std::pair<uint32_t, uint32_t>>& out) {
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    const std::string part = text.substr(pos, comma - pos);
    const size_t dash = part.find('-');
    auto number = [](const std::string& s, uint32_t& v) {
      if (s.empty() || s.size() > 4 || s.find_first_not_of("0123456789") != std::string::npos) {
        return false;
      }
      v = static_cast<uint32_t>(std::stoul(s));
      return v < kPartitions;
    };
    uint32_t lo = 0, hi = 0;
    if (!number(part.substr(0, dash), lo) ||
        !number(dash == std::string::npos ? part : part.substr(dash + 1), hi) || hi < lo) {
      return false;
    }
    out.emplace_back(lo, hi);
    pos = comma + 1;
  }
  return !out.empty();
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

void readStaticCluster(const YamlNode& node, KvdConfig& config, ErrorList& errors) {
  MapReader r(node, errors);
  if (!r.valid()) return;
  StaticClusterConfig cluster;
  std::set<std::string> ids;
  bool explicit_ranges = false;
  for (const auto& n : r.sequence("nodes", true)) {
    MapReader nr(n, errors);
    if (!nr.valid()) continue;
    ClusterNodeConfig c;
    if (auto id = nr.string("node-id", true)) {
      c.node_id = upper(*id);
      if (id->empty() || id->size() > 16 ||
          id->find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
        nr.child("node-id")->error(errors, "expected 1 to 16 hexadecimal digits");
      } else if (!ids.insert(c.node_id).second) {
        nr.child("node-id")->error(errors, "duplicate node-id " + c.node_id);
      }
    }
    if (auto a = nr.string("address", true)) {
      const size_t colon = a->rfind(':');
      const std::string port = colon == std::string::npos ? "" : a->substr(colon + 1);
      const bool ok = colon != std::string::npos && colon > 0 && !port.empty() &&
                      port.size() <= 5 &&
                      port.find_first_not_of("0123456789") == std::string::npos &&
                      std::stoul(port) >= 1 && std::stoul(port) <= 65535;
      if (!ok) {
        nr.child("address")->error(errors, "expected IP:port of the node's service port");
      } else {
        c.host = a->substr(0, colon);
        if (c.host.size() > 2 && c.host.front() == '[' && c.host.back() == ']') {
          c.host = c.host.substr(1, c.host.size() - 2);
        }
        c.port = static_cast<uint16_t>(std::stoul(port));
      }
    }
    if (auto p = nr.string("partitions")) {
      explicit_ranges = true;
      if (!parseRanges(*p, c.partitions)) {
        nr.child("partitions")->error(errors, "expected ranges of partition ids like 0-2047,4000");
      }
    }
    nr.finish();
    cluster.nodes.push_back(std::move(c));
  }
  r.finish();
  if (cluster.nodes.empty() || cluster.nodes.size() > 255) {
    node.error(errors, "static-cluster needs 1 to 255 nodes");
    return;
  }
  const size_t n = cluster.nodes.size();
  cluster.owner.assign(kPartitions, 0xFF);
  for (uint32_t i = 0; i < n; ++i) {
    const auto& ranges = cluster.nodes[i].partitions;
    if (!explicit_ranges) {
      // Even contiguous split in list order.
      for (uint32_t p = static_cast<uint32_t>(i * kPartitions / n); p < (i + 1) * kPartitions / n;
           ++p) {
        cluster.owner[p] = static_cast<uint8_t>(i);
      }
      continue;
    }
    for (const auto& [lo, hi] : ranges) {
      for (uint32_t p = lo; p <= hi; ++p) {
        if (cluster.owner[p] != 0xFF) {
          node.error(errors, "partition " + std::to_string(p) + " is given to two nodes");
          return;
        }
        cluster.owner[p] = static_cast<uint8_t>(i);
      }
    }
  }
  for (uint32_t p = 0; p < kPartitions; ++p) {
    if (cluster.owner[p] == 0xFF) {
      node.error(errors,
                 "partition " + std::to_string(p) +
                     " has no owner (give every node partitions, or none for an even split)");
      return;
    }
  }
  const std::string self = upper(config.node_id);
  bool found = false;
  for (uint32_t i = 0; i < n; ++i) {
    if (cluster.nodes[i].node_id == self) {
      cluster.self = i;
      found = true;
    }
  }
  if (!found) {
    node.error(errors, "service.node-id must be set to one of the static-cluster nodes");
    return;
  }
  config.static_cluster = std::move(cluster);
}

Result<KvdConfig> build(const std::optional<YamlNode>& doc, ErrorList& errors) {
  KvdConfig config;
  if (doc) {
    MapReader r(*doc, errors);
    if (r.valid()) {
      readEndpoint(r, "service", config.service, errors, &config);
      readEndpoint(r, "fabric", config.fabric, errors, nullptr);
      readEndpoint(r, "heartbeat", config.heartbeat, errors, nullptr);
      if (auto v = r.string("cluster-name")) config.cluster_name = *v;
      std::set<std::string> seen;
      for (const auto& n : r.sequence("namespaces", true)) {
        NamespaceConfig ns;
        readNamespace(n, ns, errors);
        if (!seen.insert(ns.name).second) n.error(errors, "duplicate namespace " + ns.name);
        config.namespaces.push_back(std::move(ns));
      }
      if (auto c = r.child("static-cluster")) readStaticCluster(*c, config, errors);
      if (config.namespaces.size() > 32) {
        r.node().error(errors, "at most 32 namespaces");
      }
      r.finish();
    }
  }
  if (!errors.empty()) return makeError(errors.toString());
  return config;
}

}  // namespace

Result<KvdConfig> loadKvdConfigFile(const std::string& path) {
  ErrorList errors;
  auto doc = remora::config::loadYamlFile(path, errors);
  return build(doc, errors);
}

Result<KvdConfig> loadKvdConfigString(const std::string& yaml, const std::string& source_name) {
  ErrorList errors;
  auto doc = remora::config::loadYamlString(yaml, errors, source_name);
  return build(doc, errors);
}

}  // namespace remora::kv::config
