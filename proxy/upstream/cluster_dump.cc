#include "proxy/upstream/cluster_dump.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>

namespace remora::upstream {

namespace {

std::string durationText(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + "s";
  char text[32];
  std::snprintf(text, sizeof(text), "%.3fs", static_cast<double>(ms.count()) / 1000.0);
  return text;
}

const char* typeName(config::DiscoveryType type) {
  switch (type) {
    case config::DiscoveryType::Static:
      return "STATIC";
    case config::DiscoveryType::StrictDns:
      return "STRICT_DNS";
    case config::DiscoveryType::OriginalDst:
      return "ORIGINAL_DST";
  }
  return "STATIC";
}

const char* policyName(config::LbPolicy policy) {
  switch (policy) {
    case config::LbPolicy::RoundRobin:
      return "ROUND_ROBIN";
    case config::LbPolicy::LeastRequest:
      return "LEAST_REQUEST";
    case config::LbPolicy::Random:
      return "RANDOM";
    case config::LbPolicy::RingHash:
      return "RING_HASH";
    case config::LbPolicy::Maglev:
      return "MAGLEV";
    case config::LbPolicy::ClusterProvided:
      return "CLUSTER_PROVIDED";
  }
  return "ROUND_ROBIN";
}

const char* familyName(config::DnsLookupFamily family) {
  switch (family) {
    case config::DnsLookupFamily::Auto:
      return "AUTO";
    case config::DnsLookupFamily::V4Only:
      return "V4_ONLY";
    case config::DnsLookupFamily::V6Only:
      return "V6_ONLY";
    case config::DnsLookupFamily::V4Preferred:
      return "V4_PREFERRED";
    case config::DnsLookupFamily::All:
      return "ALL";
  }
  return "AUTO";
}

YAML::Node socketAddress(const std::string& address, uint16_t port) {
  YAML::Node node;
  node["socket_address"]["address"] = address;
  node["socket_address"]["port_value"] = port;
  return node;
}

YAML::Node toNode(const config::ClusterConfig& c) {
  YAML::Node n;
  n["name"] = c.name;
  n["type"] = typeName(c.type);
  n["connect_timeout"] = durationText(c.connect_timeout);
  n["lb_policy"] = policyName(c.lb_policy);
  if (c.type != config::DiscoveryType::OriginalDst) {
    YAML::Node la;
    la["cluster_name"] = c.name;
    YAML::Node lb_endpoints(YAML::NodeType::Sequence);
    for (const auto& ep : c.endpoints) {
      YAML::Node e;
      e["endpoint"]["address"] = socketAddress(ep.address, ep.port);
      e["load_balancing_weight"] = ep.load_balancing_weight;
      lb_endpoints.push_back(e);
    }
    YAML::Node locality;
    locality["lb_endpoints"] = lb_endpoints;
    la["endpoints"].push_back(locality);
    n["load_assignment"] = la;
  }
  if (c.type == config::DiscoveryType::StrictDns) {
    n["dns_lookup_family"] = familyName(c.dns_lookup_family);
    n["dns_refresh_rate"] = durationText(c.dns_refresh_rate);
    for (const auto& r : c.dns_resolvers) {
      auto colon = r.rfind(':');
      std::string ip = r.substr(0, colon);
      if (!ip.empty() && ip.front() == '[') ip = ip.substr(1, ip.size() - 2);
      n["dns_resolvers"].push_back(
          socketAddress(ip, static_cast<uint16_t>(std::stoi(r.substr(colon + 1)))));
    }
  }
  if (c.type == config::DiscoveryType::OriginalDst)
    n["cleanup_interval"] = durationText(c.cleanup_interval);
  n["per_connection_buffer_limit_bytes"] = c.per_connection_buffer_limit_bytes;
  YAML::Node t;
  t["priority"] = "DEFAULT";
  t["max_connections"] = c.circuit_breakers.max_connections;
  t["max_pending_requests"] = c.circuit_breakers.max_pending_requests;
  t["max_requests"] = c.circuit_breakers.max_requests;
  t["max_retries"] = c.circuit_breakers.max_retries;
  n["circuit_breakers"]["thresholds"].push_back(t);
  if (c.outlier_detection) {
    const auto& od = *c.outlier_detection;
    YAML::Node o;
    o["split_external_local_origin_errors"] = true;
    o["consecutive_local_origin_failure"] = od.consecutive_local_origin_failure;
    o["interval"] = durationText(od.interval);
    o["base_ejection_time"] = durationText(od.base_ejection_time);
    o["max_ejection_time"] = durationText(od.max_ejection_time);
    o["max_ejection_percent"] = od.max_ejection_percent;
    n["outlier_detection"] = o;
  }
  for (const auto& hc : c.health_checks) {
    YAML::Node h;
    h["timeout"] = durationText(hc.timeout);
    h["interval"] = durationText(hc.interval);
    h["initial_jitter"] = durationText(hc.initial_jitter);
    h["unhealthy_threshold"] = hc.unhealthy_threshold;
    h["healthy_threshold"] = hc.healthy_threshold;
    YAML::Node tcp(YAML::NodeType::Map);
    if (!hc.tcp.send_hex.empty()) tcp["send"]["text"] = hc.tcp.send_hex;
    for (const auto& r : hc.tcp.receive_hex) {
      YAML::Node chunk;
      chunk["text"] = r;
      tcp["receive"].push_back(chunk);
    }
    h["tcp_health_check"] = tcp;
    n["health_checks"].push_back(h);
  }
  if (c.lb_policy == config::LbPolicy::RingHash) {
    n["ring_hash_lb_config"]["minimum_ring_size"] = c.ring_hash.minimum_ring_size;
    n["ring_hash_lb_config"]["maximum_ring_size"] = c.ring_hash.maximum_ring_size;
  }
  if (c.lb_policy == config::LbPolicy::Maglev)
    n["maglev_lb_config"]["table_size"] = c.maglev.table_size;
  if (c.lb_policy == config::LbPolicy::LeastRequest) {
    n["least_request_lb_config"]["choice_count"] = c.least_request.choice_count;
  }
  if (c.transport_socket) n["transport_socket"] = YAML::Clone(c.transport_socket->raw());
  return n;
}

std::string emit(const YAML::Node& node) {
  YAML::Emitter out;
  out << node;
  return out.c_str();
}

}  // namespace

std::string dumpClusterText(const Cluster& cluster) {
  const auto& c = cluster.config();
  const std::string& name = c.name;
  std::string out;
  auto line = [&](const std::string& key, const std::string& value) {
    out += name + "::" + key + "::" + value + "\n";
  };
  line("observability_name", name);
  line("default_priority::max_connections", std::to_string(c.circuit_breakers.max_connections));
  line("default_priority::max_pending_requests",
       std::to_string(c.circuit_breakers.max_pending_requests));
  line("default_priority::max_requests", std::to_string(c.circuit_breakers.max_requests));
  line("default_priority::max_retries", std::to_string(c.circuit_breakers.max_retries));
  line("added_via_api", "false");
  for (const auto& host : cluster.hosts()) {
    const std::string prefix = host->address().toString() + "::";
    line(prefix + "cx_active", std::to_string(host->cxActive()));
    line(prefix + "cx_connect_fail", std::to_string(host->cxConnectFail()));
    line(prefix + "cx_total", std::to_string(host->cxTotal()));
    line(prefix + "rq_active", std::to_string(host->cxActive()));
    line(prefix + "rq_total", std::to_string(host->cxTotal()));
    line(prefix + "hostname", host->hostname());
    line(prefix + "health_flags", host->healthFlagsString());
    line(prefix + "weight", std::to_string(host->weight()));
    line(prefix + "priority", "0");
    line(prefix + "success_rate", "-1");
    line(prefix + "local_origin_success_rate", "-1");
  }
  return out;
}

std::string clustersConfigToYaml(const std::vector<const config::ClusterConfig*>& configs) {
  YAML::Node root;
  root["clusters"] = YAML::Node(YAML::NodeType::Sequence);
  for (const auto* c : configs) root["clusters"].push_back(toNode(*c));
  return emit(root) + "\n";
}

bool sameClusterConfig(const config::ClusterConfig& a, const config::ClusterConfig& b) {
  return emit(toNode(a)) == emit(toNode(b));
}

}  // namespace remora::upstream
