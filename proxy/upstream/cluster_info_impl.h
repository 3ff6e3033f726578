#pragma once

// The immutable settings of one cluster version plus what every worker shares
// about it: its stats and its circuit-breaker budgets (cluster-wide, counted
// atomically across workers as in Envoy).

#include <atomic>
#include <cstdint>
#include <memory>

#include "config/cluster_config.h"
#include "proxy/upstream/upstream.h"

namespace remora::upstream {

// References into the store, resolved once per cluster version.
struct ClusterStats {
  explicit ClusterStats(stats::Scope& scope);
  stats::Counter& upstream_cx_total;
  stats::Gauge& upstream_cx_active;
  stats::Counter& upstream_cx_connect_fail;
  stats::Counter& upstream_cx_connect_timeout;
  stats::Counter& upstream_cx_overflow;
  stats::Counter& upstream_cx_none_healthy;
  stats::Counter& upstream_cx_rx_bytes_total;
  stats::Counter& upstream_cx_tx_bytes_total;
  stats::Counter& upstream_rq_pending_overflow;
  stats::Gauge& membership_total;
  stats::Gauge& membership_healthy;
  stats::Counter& lb_healthy_panic;
  stats::Counter& health_check_attempt;
  stats::Counter& health_check_success;
  stats::Counter& health_check_failure;
  stats::Gauge& outlier_detection_ejections_active;
  stats::Counter& outlier_detection_ejections_total;
  stats::Counter& outlier_detection_ejections_enforced_total;
  stats::Counter& update_attempt;
  stats::Counter& update_success;
  stats::Counter& update_failure;
};

class ClusterInfoImpl : public ClusterInfo {
 public:
  ClusterInfoImpl(const config::ClusterConfig& config, stats::Store& store,
                  network::TransportSocketFactoryPtr transport_factory);

  // ClusterInfo
  const std::string& name() const override { return config_.name; }
  std::chrono::milliseconds connectTimeout() const override { return config_.connect_timeout; }
  uint32_t perConnectionBufferLimitBytes() const override {
    return config_.per_connection_buffer_limit_bytes;
  }
  stats::Scope& statsScope() const override { return scope_; }

  const config::ClusterConfig& config() const { return config_; }
  ClusterStats& stats() const { return stats_; }
  const network::TransportSocketFactory& transportSocketFactory() const {
    return *transport_factory_;
  }

  // Circuit breakers. try* takes one unit if the budget allows and counts the
  // overflow stat when it does not; release* gives it back. Any thread.
  bool tryAcquireConnection() const;
  void releaseConnection() const;
  bool tryAcquirePending() const;
  void releasePending() const;
  uint64_t activeConnections() const { return connections_.load(std::memory_order_relaxed); }
  uint64_t pendingConnections() const { return pending_.load(std::memory_order_relaxed); }

 private:
  const config::ClusterConfig config_;
  mutable stats::Scope scope_;
  mutable ClusterStats stats_;
  const network::TransportSocketFactoryPtr transport_factory_;
  mutable std::atomic<uint64_t> connections_{0};
  mutable std::atomic<uint64_t> pending_{0};
};
using ClusterInfoImplConstSharedPtr = std::shared_ptr<const ClusterInfoImpl>;

}  // namespace remora::upstream
