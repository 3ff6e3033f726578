#include "config/cluster_config.h"

#include <cctype>
#include <limits>

#include "common/network/address.h"

namespace remora::config {

namespace {

constexpr int64_t kMaxU32 = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kMaxRingSize = 8 * 1024 * 1024;
constexpr uint64_t kMaxMaglevTableSize = 5'000'011;  // Envoy's bound

bool isPrime(uint64_t n) {
  if (n < 2) return false;
  for (uint64_t d = 2; d * d <= n; ++d) {
    if (n % d == 0) return false;
  }
  return true;
}

bool isHex(const std::string& text) {
  if (text.size() % 2 != 0) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The duration must be strictly positive: a zero interval would spin a timer.
std::optional<std::chrono::milliseconds> positiveDuration(MapReader& r, std::string_view key,
                                                          ErrorList& errors,
                                                          bool required = false) {
  auto value = r.duration(key, required);
  if (value && value->count() <= 0) {
    r.child(key)->error(errors, "must be greater than 0");
    return std::nullopt;
  }
  return value;
}

// {socket_address: {address, port_value}} -> (address, port).
std::optional<std::pair<std::string, uint16_t>> parseSocketAddress(const YamlNode& node,
                                                                   ErrorList& errors) {
  MapReader r(node, errors);
  auto sa = r.child("socket_address", true);
  if (!sa) return std::nullopt;
  MapReader s(*sa, errors);
  auto address = s.string("address", true);
  auto port = s.integer("port_value", 1, 65535, true);
  s.oneOf("protocol", {"TCP"});
  if (!address || !port) return std::nullopt;
  if (address->empty()) {
    s.child("address")->error(errors, "must not be empty");
    return std::nullopt;
  }
  return std::make_pair(*address, static_cast<uint16_t>(*port));
}

void parseEndpoints(MapReader& cluster, ClusterConfig& out, ErrorList& errors) {
  auto la = cluster.child("load_assignment");
  if (!la) return;
  if (out.type == DiscoveryType::OriginalDst) {
    la->error(errors, "an ORIGINAL_DST cluster must not have a load_assignment");
    return;
  }
  MapReader r(*la, errors);
  r.string("cluster_name");
  for (const auto& locality : r.sequence("endpoints")) {
    MapReader lr(locality, errors);
    for (const auto& lb_endpoint : lr.sequence("lb_endpoints")) {
      MapReader er(lb_endpoint, errors);
      EndpointConfig endpoint;
      if (auto w = er.integer("load_balancing_weight", 1, kMaxU32)) {
        endpoint.load_balancing_weight = static_cast<uint32_t>(*w);
      }
      auto ep = er.child("endpoint", true);
      if (!ep) continue;
      MapReader epr(*ep, errors);
      auto address_node = epr.child("address", true);
      epr.string("hostname");
      if (!address_node) continue;
      auto parsed = parseSocketAddress(*address_node, errors);
      if (!parsed) continue;
      endpoint.address = parsed->first;
      endpoint.port = parsed->second;
      bool is_ip = network::Address::fromIp(endpoint.address, endpoint.port).ok();
      if (out.type == DiscoveryType::Static && !is_ip) {
        YamlNode where(address_node->raw()["socket_address"]["address"],
                       address_node->path() + ".socket_address.address");
        where.error(errors, "a STATIC cluster needs an IP address, got '" + endpoint.address +
                                "' (use type STRICT_DNS for DNS names)");
        continue;
      }
      out.endpoints.push_back(std::move(endpoint));
    }
  }
}

std::vector<std::string> parseResolverList(const std::vector<YamlNode>& nodes, ErrorList& errors) {
  std::vector<std::string> out;
  for (const auto& node : nodes) {
    auto parsed = parseSocketAddress(node, errors);
    if (!parsed) continue;
    auto address = network::Address::fromIp(parsed->first, parsed->second);
    if (!address) {
      node.error(errors, "a DNS resolver must be an IP address, got '" + parsed->first + "'");
      continue;
    }
    out.push_back(address->toString());
  }
  return out;
}

void parseDns(MapReader& r, ClusterConfig& out, ErrorList& errors) {
  static const std::vector<std::pair<std::string, DnsLookupFamily>> kFamilies = {
      {"AUTO", DnsLookupFamily::Auto},
      {"V4_ONLY", DnsLookupFamily::V4Only},
      {"V6_ONLY", DnsLookupFamily::V6Only},
      {"V4_PREFERRED", DnsLookupFamily::V4Preferred},
      {"ALL", DnsLookupFamily::All}};
  if (auto family =
          r.oneOf("dns_lookup_family", {"AUTO", "V4_ONLY", "V6_ONLY", "V4_PREFERRED", "ALL"})) {
    for (const auto& [name, value] : kFamilies) {
      if (name == *family) out.dns_lookup_family = value;
    }
  }
  if (auto rate = positiveDuration(r, "dns_refresh_rate", errors)) out.dns_refresh_rate = *rate;
  out.dns_resolvers = parseResolverList(r.sequence("dns_resolvers"), errors);
  if (auto typed = r.child("typed_dns_resolver_config")) {
    MapReader tr(*typed, errors);
    tr.string("name");
    if (auto tc = tr.child("typed_config")) {
      MapReader tcr(*tc, errors);
      tcr.ignore("@type");
      auto more = parseResolverList(tcr.sequence("resolvers"), errors);
      out.dns_resolvers.insert(out.dns_resolvers.end(), more.begin(), more.end());
    }
  }
}

void parseCircuitBreakers(const YamlNode& node, ClusterConfig& out, ErrorList& errors) {
  MapReader r(node, errors);
  bool seen_default = false;
  for (const auto& threshold : r.sequence("thresholds")) {
    MapReader t(threshold, errors);
    auto priority = t.oneOf("priority", {"DEFAULT"});
    if (t.has("priority") && !priority) continue;
    if (seen_default) {
      threshold.error(errors, "duplicate thresholds for priority DEFAULT");
      continue;
    }
    seen_default = true;
    auto& cb = out.circuit_breakers;
    if (auto v = t.integer("max_connections", 0, kMaxU32))
      cb.max_connections = static_cast<uint32_t>(*v);
    if (auto v = t.integer("max_pending_requests", 0, kMaxU32)) {
      cb.max_pending_requests = static_cast<uint32_t>(*v);
    }
    if (auto v = t.integer("max_requests", 0, kMaxU32)) cb.max_requests = static_cast<uint32_t>(*v);
    if (auto v = t.integer("max_retries", 0, kMaxU32)) cb.max_retries = static_cast<uint32_t>(*v);
  }
}

void parseOutlierDetection(const YamlNode& node, ClusterConfig& out, ErrorList& errors) {
  MapReader r(node, errors);
  OutlierDetectionConfig od;
  auto local = r.integer("consecutive_local_origin_failure", 1, kMaxU32);
  auto five_xx = r.integer("consecutive_5xx", 1, kMaxU32);
  bool split = r.boolean("split_external_local_origin_errors").value_or(false);
  // Envoy counts connect failures as consecutive_5xx unless the split is on.
  if (split) {
    if (local) od.consecutive_local_origin_failure = static_cast<uint32_t>(*local);
  } else if (five_xx) {
    od.consecutive_local_origin_failure = static_cast<uint32_t>(*five_xx);
  } else if (local) {
    od.consecutive_local_origin_failure = static_cast<uint32_t>(*local);
  }
  if (auto v = positiveDuration(r, "interval", errors)) od.interval = *v;
  if (auto v = positiveDuration(r, "base_ejection_time", errors)) od.base_ejection_time = *v;
  if (auto v = r.integer("max_ejection_percent", 0, 100))
    od.max_ejection_percent = static_cast<uint32_t>(*v);
  if (auto v = positiveDuration(r, "max_ejection_time", errors)) {
    od.max_ejection_time = *v;
  } else if (od.base_ejection_time > od.max_ejection_time) {
    od.max_ejection_time = od.base_ejection_time;
  }
  out.outlier_detection = od;
}

std::optional<std::string> parsePayload(const YamlNode& node, ErrorList& errors) {
  MapReader r(node, errors);
  auto text = r.string("text", true);
  if (!text) return std::nullopt;
  if (text->empty() || !isHex(*text)) {
    r.child("text")->error(errors, "expected a non-empty hex string with an even number of digits");
    return std::nullopt;
  }
  return text;
}

void parseHealthChecks(MapReader& cluster, ClusterConfig& out, ErrorList& errors) {
  for (const auto& node : cluster.sequence("health_checks")) {
    MapReader r(node, errors);
    HealthCheckConfig hc;
    // Envoy requires these four.
    if (auto v = positiveDuration(r, "timeout", errors, true)) hc.timeout = *v;
    if (auto v = positiveDuration(r, "interval", errors, true)) hc.interval = *v;
    if (auto v = r.duration("initial_jitter")) hc.initial_jitter = *v;
    if (auto v = r.integer("unhealthy_threshold", 1, kMaxU32, true)) {
      hc.unhealthy_threshold = static_cast<uint32_t>(*v);
    }
    if (auto v = r.integer("healthy_threshold", 1, kMaxU32, true)) {
      hc.healthy_threshold = static_cast<uint32_t>(*v);
    }
    auto tcp = r.child("tcp_health_check");
    if (!tcp) {
      node.error(errors, "tcp_health_check is required (the only supported health checker)");
      continue;
    }
    MapReader t(*tcp, errors);
    if (auto send = t.child("send")) {
      if (auto text = parsePayload(*send, errors)) hc.tcp.send_hex = *text;
    }
    for (const auto& receive : t.sequence("receive")) {
      if (auto text = parsePayload(receive, errors)) hc.tcp.receive_hex.push_back(*text);
    }
    out.health_checks.push_back(std::move(hc));
  }
}

void parseLbConfigs(MapReader& r, ClusterConfig& out, ErrorList& errors) {
  if (auto node = r.child("ring_hash_lb_config")) {
    MapReader rr(*node, errors);
    if (auto v = rr.integer("minimum_ring_size", 1, kMaxRingSize))
      out.ring_hash.minimum_ring_size = *v;
    if (auto v = rr.integer("maximum_ring_size", 1, kMaxRingSize))
      out.ring_hash.maximum_ring_size = *v;
    rr.oneOf("hash_function", {"XX_HASH"});
    if (out.ring_hash.minimum_ring_size > out.ring_hash.maximum_ring_size) {
      node->error(errors, "minimum_ring_size must not exceed maximum_ring_size");
    }
  }
  if (auto node = r.child("maglev_lb_config")) {
    MapReader mr(*node, errors);
    if (auto v = mr.integer("table_size", 2, kMaxMaglevTableSize)) {
      if (!isPrime(static_cast<uint64_t>(*v))) {
        mr.child("table_size")->error(errors, "table_size must be a prime number");
      } else {
        out.maglev.table_size = static_cast<uint64_t>(*v);
      }
    }
  }
  if (auto node = r.child("least_request_lb_config")) {
    MapReader lr(*node, errors);
    if (auto v = lr.integer("choice_count", 2, kMaxU32)) {
      out.least_request.choice_count = static_cast<uint32_t>(*v);
    }
  }
}

void parseTypeAndPolicy(MapReader& r, ClusterConfig& out, ErrorList& errors) {
  auto type = r.oneOf("type", {"STATIC", "STRICT_DNS", "ORIGINAL_DST"});
  if (type == "STRICT_DNS") out.type = DiscoveryType::StrictDns;
  if (type == "ORIGINAL_DST") out.type = DiscoveryType::OriginalDst;

  static const std::vector<std::pair<std::string, LbPolicy>> kPolicies = {
      {"ROUND_ROBIN", LbPolicy::RoundRobin}, {"LEAST_REQUEST", LbPolicy::LeastRequest},
      {"RANDOM", LbPolicy::Random},          {"RING_HASH", LbPolicy::RingHash},
      {"MAGLEV", LbPolicy::Maglev},          {"CLUSTER_PROVIDED", LbPolicy::ClusterProvided}};
  std::vector<std::string> names;
  for (const auto& p : kPolicies) names.push_back(p.first);
  auto policy = r.oneOf("lb_policy", names);
  for (const auto& [name, value] : kPolicies) {
    if (policy == name) out.lb_policy = value;
  }
  if (r.has("lb_policy") && !policy) return;  // already reported

  YamlNode where = r.child("lb_policy").value_or(r.node());
  bool original_dst = out.type == DiscoveryType::OriginalDst;
  if (original_dst && (out.lb_policy == LbPolicy::RingHash || out.lb_policy == LbPolicy::Maglev)) {
    where.error(errors, "lb_policy " + *policy + " cannot be used with an ORIGINAL_DST cluster");
  } else if (original_dst && out.lb_policy != LbPolicy::ClusterProvided) {
    where.error(errors, "an ORIGINAL_DST cluster needs lb_policy: CLUSTER_PROVIDED (as in Envoy)");
  } else if (!original_dst && out.lb_policy == LbPolicy::ClusterProvided) {
    where.error(errors, "lb_policy CLUSTER_PROVIDED is only valid for type ORIGINAL_DST");
  }
}

}  // namespace

std::optional<ClusterConfig> parseCluster(const YamlNode& node, ErrorList& errors) {
  size_t errors_before = errors.size();
  MapReader r(node, errors);
  if (!r.valid()) return std::nullopt;
  ClusterConfig out;
  out.line = node.line();
  r.ignore("@type");
  if (auto name = r.string("name", true)) {
    if (name->empty()) r.child("name")->error(errors, "must not be empty");
    out.name = *name;
  }
  parseTypeAndPolicy(r, out, errors);
  if (auto v = r.duration("connect_timeout")) {
    if (v->count() <= 0) {
      r.child("connect_timeout")->error(errors, "must be greater than 0");
    } else {
      out.connect_timeout = *v;
    }
  }
  parseEndpoints(r, out, errors);
  parseDns(r, out, errors);
  if (auto v = positiveDuration(r, "cleanup_interval", errors)) out.cleanup_interval = *v;
  if (auto v = r.size("per_connection_buffer_limit_bytes", 0, kMaxU32)) {
    out.per_connection_buffer_limit_bytes = static_cast<uint32_t>(*v);
  }
  if (auto bind = r.child("upstream_bind_config")) {
    MapReader b(*bind, errors);
    if (auto source = b.child("source_address", true)) {
      MapReader a(*source, errors);
      auto ip = a.string("address", true);
      auto port = a.integer("port_value", 0, 0);
      (void)port;
      a.finish();
      if (ip) {
        auto parsed = network::Address::fromIp(*ip, 0);
        if (parsed) {
          out.source_address = *parsed;
        } else {
          source->error(errors, parsed.error().message);
        }
      }
    }
    b.finish();
  }
  if (auto cb = r.child("circuit_breakers")) parseCircuitBreakers(*cb, out, errors);
  if (auto od = r.child("outlier_detection")) parseOutlierDetection(*od, out, errors);
  parseHealthChecks(r, out, errors);
  parseLbConfigs(r, out, errors);
  if (auto ts = r.child("transport_socket")) {
    if (!ts->isMap()) {
      ts->error(errors, "expected a map");
    } else {
      out.transport_socket = *ts;
    }
  }
  r.finish();
  if (errors.size() != errors_before) return std::nullopt;
  return out;
}

}  // namespace remora::config
