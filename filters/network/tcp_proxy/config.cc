#include "filters/network/tcp_proxy/config.h"

#include "filters/network/tcp_proxy/tcp_proxy.h"

namespace remora::filters::tcp_proxy {

TcpProxyStats::TcpProxyStats(stats::Scope scope)
    : downstream_cx_total(scope.counter("downstream_cx_total")),
      downstream_cx_no_route(scope.counter("downstream_cx_no_route")),
      downstream_cx_rx_bytes_total(scope.counter("downstream_cx_rx_bytes_total")),
      downstream_cx_tx_bytes_total(scope.counter("downstream_cx_tx_bytes_total")),
      downstream_flow_control_paused_reading_total(
          scope.counter("downstream_flow_control_paused_reading_total")),
      downstream_flow_control_resumed_reading_total(
          scope.counter("downstream_flow_control_resumed_reading_total")),
      idle_timeout(scope.counter("idle_timeout")),
      upstream_flush_total(scope.counter("upstream_flush_total")),
      max_connect_attempts_exceeded(scope.counter("max_connect_attempts_exceeded")),
      splice_total(scope.counter("splice_total")) {}

const std::string& TcpProxyConfig::pickCluster(uint64_t draw) const {
  for (const auto& c : clusters) {
    if (draw < c.weight) return c.name;
    draw -= c.weight;
  }
  return clusters.back().name;
}

std::optional<NetworkFilterFactoryCb> TcpProxyFactory::createFilterFactory(
    const config::FilterConfig& filter, FactoryContext& context, config::ErrorList& errors) {
  if (!filter.typed_config) {
    filter.node.error(errors, "tcp_proxy needs a typed_config");
    return std::nullopt;
  }
  size_t before = errors.size();
  auto cfg = std::make_shared<TcpProxyConfig>();
  config::MapReader r(*filter.typed_config, errors);
  r.ignore("@type");
  cfg->stat_prefix = r.string("stat_prefix", true).value_or("");
  auto check_cluster = [&](const config::YamlNode& at, const std::string& name) {
    if (!context.cluster_exists(name)) {
      at.error(errors, "unknown cluster '" + name + "'");
    }
  };
  if (auto cluster = r.child("cluster")) {
    if (auto name = cluster->asString(errors)) {
      check_cluster(*cluster, *name);
      cfg->clusters.push_back({*name, 1});
    }
  }
  if (auto weighted = r.child("weighted_clusters")) {
    if (!cfg->clusters.empty()) {
      weighted->error(errors, "set either cluster or weighted_clusters, not both");
    }
    config::MapReader w(*weighted, errors);
    for (const auto& entry : w.sequence("clusters", true)) {
      config::MapReader e(entry, errors);
      auto name = e.string("name", true);
      auto weight = e.integer("weight", 1, 1'000'000, true);
      e.finish();
      if (name && weight) {
        check_cluster(entry, *name);
        cfg->clusters.push_back({*name, static_cast<uint32_t>(*weight)});
      }
    }
    w.finish();
  }
  if (cfg->clusters.empty() && errors.size() == before) {
    filter.typed_config->error(errors, "tcp_proxy needs cluster or weighted_clusters");
  }
  if (auto idle = r.duration("idle_timeout")) cfg->idle_timeout = *idle;
  if (auto attempts = r.integer("max_connect_attempts", 1, 100)) {
    cfg->max_connect_attempts = static_cast<uint32_t>(*attempts);
  }
  cfg->access_logs = access_log::parseAccessLogs(r.sequence("access_log"), context.log_files, errors);
  for (const auto& log : cfg->access_logs) {
    if (log->formatter().usesUpstreamLocalAddress()) cfg->log_upstream_local_address = true;
  }
  r.finish();
  if (errors.size() != before) return std::nullopt;
  for (const auto& c : cfg->clusters) cfg->total_weight += c.weight;
  cfg->stats = std::make_unique<TcpProxyStats>(stats::Scope(context.stats, "tcp." + cfg->stat_prefix + "."));
  TcpProxyConfigConstSharedPtr shared = cfg;
  return NetworkFilterFactoryCb([shared](FilterManager& manager) {
    manager.addReadFilter(std::make_unique<TcpProxyFilter>(shared));
  });
}

}  // namespace remora::filters::tcp_proxy
