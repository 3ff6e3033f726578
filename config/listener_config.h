#pragma once

// static_resources.listeners[] of Envoy's v3 Listener, the supported subset.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/network/address.h"
#include "config/yaml_reader.h"

namespace remora::config {

// A filter as written: its name (with or without the "envoy.filters.*."
// prefix, normalised to the short name) and its typed_config, validated later
// by the filter's factory.
struct FilterConfig {
  std::string name;                  // short name: "tcp_proxy", "original_dst", ...
  std::optional<YamlNode> typed_config;
  YamlNode node;                     // the whole entry, for error positions
};

struct FilterChainMatch {
  std::optional<uint16_t> destination_port;
  std::vector<network::CidrRange> prefix_ranges;
  std::vector<network::CidrRange> source_prefix_ranges;
  std::vector<uint16_t> source_ports;
  std::string transport_protocol;                 // "", "raw_buffer", "tls"
  std::vector<std::string> server_names;          // exact or "*.suffix"
  std::vector<std::string> application_protocols;
};

struct FilterChainConfig {
  std::string name;
  FilterChainMatch match;
  std::vector<FilterConfig> filters;        // network filters, in order
  std::optional<YamlNode> transport_socket; // DownstreamTlsContext, for the TLS module
};

struct ListenerConfig {
  std::string name;
  network::Address address;
  bool use_original_dst = false;
  bool bind_to_port = true;
  bool exact_balance = false;  // connection_balance_config.exact_balance
  uint32_t per_connection_buffer_limit_bytes = 1024 * 1024;
  std::chrono::milliseconds listener_filters_timeout{15'000};
  bool continue_on_listener_filters_timeout = false;
  std::vector<FilterConfig> listener_filters;
  std::vector<FilterChainConfig> filter_chains;
  std::optional<FilterChainConfig> default_filter_chain;
  std::string source_text;  // canonical form for change detection on reload
};

std::optional<ListenerConfig> parseListener(const YamlNode& node, ErrorList& errors);
// Strips "envoy.filters.network." / "envoy.filters.listener." / "envoy." prefixes.
std::string shortFilterName(const std::string& name);

}  // namespace remora::config
