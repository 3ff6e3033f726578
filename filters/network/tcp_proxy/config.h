#pragma once

// The tcp_proxy filter's validated configuration (Envoy's
// envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy subset).

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/stats/store.h"
#include "filters/common/access_log/access_log.h"
#include "filters/filter_registry.h"

namespace remora::filters::tcp_proxy {

// tcp.<stat_prefix>.* with Envoy's names.
struct TcpProxyStats {
  explicit TcpProxyStats(stats::Scope scope);
  stats::Counter& downstream_cx_total;
  stats::Counter& downstream_cx_no_route;
  stats::Counter& downstream_cx_rx_bytes_total;
  stats::Counter& downstream_cx_tx_bytes_total;
  stats::Counter& downstream_flow_control_paused_reading_total;
  stats::Counter& downstream_flow_control_resumed_reading_total;
  stats::Counter& idle_timeout;
  stats::Counter& upstream_flush_total;
  stats::Counter& max_connect_attempts_exceeded;
  stats::Counter& splice_total;  // directions switched to splice(2)
};

struct WeightedCluster {
  std::string name;
  uint32_t weight = 1;
};

struct TcpProxyConfig {
  std::string stat_prefix;
  std::vector<WeightedCluster> clusters;  // one entry for `cluster:`
  uint64_t total_weight = 0;
  std::chrono::milliseconds idle_timeout{3'600'000};  // 0 disables
  uint32_t max_connect_attempts = 1;
  std::vector<access_log::AccessLogConstSharedPtr> access_logs;
  // An access log prints the upstream connection's local address: only then
  // is it read from the kernel (a getsockname() per connection).
  bool log_upstream_local_address = false;
  std::unique_ptr<TcpProxyStats> stats;

  // Picks a cluster by weight (uniform `draw` in [0, total_weight)).
  const std::string& pickCluster(uint64_t draw) const;
};
using TcpProxyConfigConstSharedPtr = std::shared_ptr<const TcpProxyConfig>;

class TcpProxyFactory : public NetworkFilterFactory {
 public:
  std::string name() const override { return "tcp_proxy"; }
  bool isTerminal() const override { return true; }
  std::optional<NetworkFilterFactoryCb> createFilterFactory(const config::FilterConfig& config,
                                                            FactoryContext& context,
                                                            config::ErrorList& errors) override;
};

}  // namespace remora::filters::tcp_proxy
