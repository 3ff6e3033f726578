#include "proxy/upstream/cluster_info_impl.h"

namespace remora::upstream {

ClusterStats::ClusterStats(stats::Scope& scope)
    : upstream_cx_total(scope.counter("upstream_cx_total")),
      upstream_cx_active(scope.gauge("upstream_cx_active")),
      upstream_cx_connect_fail(scope.counter("upstream_cx_connect_fail")),
      upstream_cx_connect_timeout(scope.counter("upstream_cx_connect_timeout")),
      upstream_cx_overflow(scope.counter("upstream_cx_overflow")),
      upstream_cx_none_healthy(scope.counter("upstream_cx_none_healthy")),
      upstream_cx_rx_bytes_total(scope.counter("upstream_cx_rx_bytes_total")),
      upstream_cx_tx_bytes_total(scope.counter("upstream_cx_tx_bytes_total")),
      upstream_rq_pending_overflow(scope.counter("upstream_rq_pending_overflow")),
      membership_total(scope.gauge("membership_total")),
      membership_healthy(scope.gauge("membership_healthy")),
      lb_healthy_panic(scope.counter("lb_healthy_panic")),
      health_check_attempt(scope.counter("health_check.attempt")),
      health_check_success(scope.counter("health_check.success")),
      health_check_failure(scope.counter("health_check.failure")),
      outlier_detection_ejections_active(scope.gauge("outlier_detection.ejections_active")),
      outlier_detection_ejections_total(scope.counter("outlier_detection.ejections_total")),
      outlier_detection_ejections_enforced_total(
          scope.counter("outlier_detection.ejections_enforced_total")),
      update_attempt(scope.counter("update_attempt")),
      update_success(scope.counter("update_success")),
      update_failure(scope.counter("update_failure")) {}

ClusterInfoImpl::ClusterInfoImpl(const config::ClusterConfig& config, stats::Store& store,
                                 network::TransportSocketFactoryPtr transport_factory)
    : config_(config),
      scope_(store, "cluster." + config.name + "."),
      stats_(scope_),
      transport_factory_(std::move(transport_factory)) {}

bool ClusterInfoImpl::tryAcquireConnection() const {
  // Optimistic increment: a racing worker may see the budget one unit short
  // for an instant, never exceeded.
  if (connections_.fetch_add(1, std::memory_order_relaxed) >=
      config_.circuit_breakers.max_connections) {
    connections_.fetch_sub(1, std::memory_order_relaxed);
    stats_.upstream_cx_overflow.inc();
    return false;
  }
  return true;
}

void ClusterInfoImpl::releaseConnection() const {
  connections_.fetch_sub(1, std::memory_order_relaxed);
}

bool ClusterInfoImpl::tryAcquirePending() const {
  if (pending_.fetch_add(1, std::memory_order_relaxed) >=
      config_.circuit_breakers.max_pending_requests) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    stats_.upstream_rq_pending_overflow.inc();
    return false;
  }
  return true;
}

void ClusterInfoImpl::releasePending() const { pending_.fetch_sub(1, std::memory_order_relaxed); }

}  // namespace remora::upstream
