#pragma once

// static_resources.clusters[] of Envoy's v3 Cluster, the supported subset,
// as plain validated values. Defaults are Envoy's.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/network/address.h"
#include "config/yaml_reader.h"

namespace remora::config {

enum class DiscoveryType { Static, StrictDns, OriginalDst };
enum class LbPolicy { RoundRobin, LeastRequest, Random, RingHash, Maglev, ClusterProvided };
enum class DnsLookupFamily { Auto, V4Only, V6Only, V4Preferred, All };

struct EndpointConfig {
  std::string address;  // IP literal (STATIC) or DNS name (STRICT_DNS)
  uint16_t port = 0;
  uint32_t load_balancing_weight = 1;
};

struct CircuitBreakerThresholds {
  uint32_t max_connections = 1024;
  uint32_t max_pending_requests = 1024;
  uint32_t max_requests = 1024;
  uint32_t max_retries = 3;
};

struct OutlierDetectionConfig {
  // Consecutive locally originated (connect) failures before ejection.
  uint32_t consecutive_local_origin_failure = 5;
  std::chrono::milliseconds interval{10'000};
  std::chrono::milliseconds base_ejection_time{30'000};
  uint32_t max_ejection_percent = 10;
  // Upper bound of base_ejection_time x number of ejections (Envoy's default).
  std::chrono::milliseconds max_ejection_time{300'000};
};

struct TcpHealthCheckConfig {
  std::string send_hex;                 // payload to send (hex), empty: connect only
  std::vector<std::string> receive_hex; // every chunk must appear in the reply
};

struct HealthCheckConfig {
  std::chrono::milliseconds timeout{1000};
  std::chrono::milliseconds interval{5000};
  std::chrono::milliseconds initial_jitter{0};
  uint32_t unhealthy_threshold = 3;
  uint32_t healthy_threshold = 1;
  TcpHealthCheckConfig tcp;
};

struct RingHashConfig {
  uint64_t minimum_ring_size = 1024;
  uint64_t maximum_ring_size = 8 * 1024 * 1024;
};

struct MaglevConfig {
  uint64_t table_size = 65537;  // must be prime
};

struct LeastRequestConfig {
  uint32_t choice_count = 2;
};

struct ClusterConfig {
  std::string name;
  DiscoveryType type = DiscoveryType::Static;
  std::chrono::milliseconds connect_timeout{5000};
  LbPolicy lb_policy = LbPolicy::RoundRobin;
  std::vector<EndpointConfig> endpoints;  // load_assignment.endpoints[*].lb_endpoints[*]
  DnsLookupFamily dns_lookup_family = DnsLookupFamily::Auto;
  std::chrono::milliseconds dns_refresh_rate{5000};
  std::vector<std::string> dns_resolvers;  // "ip:port"; empty: /etc/resolv.conf
  std::chrono::milliseconds cleanup_interval{5000};  // ORIGINAL_DST host reaping
  uint32_t per_connection_buffer_limit_bytes = 1024 * 1024;
  CircuitBreakerThresholds circuit_breakers;
  std::optional<OutlierDetectionConfig> outlier_detection;
  std::vector<HealthCheckConfig> health_checks;
  RingHashConfig ring_hash;
  MaglevConfig maglev;
  LeastRequestConfig least_request;
  // upstream_bind_config.source_address: the source IP of upstream
  // connections (Istio's inbound passthrough uses 127.0.0.6). Port 0.
  std::optional<network::Address> source_address;
  // transport_socket as written (TLS, parsed by the TLS module).
  std::optional<YamlNode> transport_socket;
  int line = 0;  // where the cluster is defined, for cross-reference errors
};

// Parses one cluster; errors go to `errors` with their paths.
std::optional<ClusterConfig> parseCluster(const YamlNode& node, ErrorList& errors);

}  // namespace remora::config
