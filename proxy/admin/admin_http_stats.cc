#include "proxy/admin/admin_http_stats.h"

#include <string>

namespace remora::admin {

AdminHttpStats AdminHttpStats::create(stats::Store& store, std::string_view stat_prefix) {
  stats::Scope scope(store, "http." + std::string(stat_prefix) + ".");
  return AdminHttpStats{
      .downstream_cx_total = scope.counter("downstream_cx_total"),
      .downstream_cx_http1_total = scope.counter("downstream_cx_http1_total"),
      .downstream_cx_active = scope.gauge("downstream_cx_active"),
      .downstream_cx_http1_active = scope.gauge("downstream_cx_http1_active"),
      .downstream_cx_destroy = scope.counter("downstream_cx_destroy"),
      .downstream_cx_destroy_remote = scope.counter("downstream_cx_destroy_remote"),
      .downstream_cx_destroy_local = scope.counter("downstream_cx_destroy_local"),
      .downstream_cx_protocol_error = scope.counter("downstream_cx_protocol_error"),
      .downstream_cx_idle_timeout = scope.counter("downstream_cx_idle_timeout"),
      .downstream_cx_rx_bytes_total = scope.counter("downstream_cx_rx_bytes_total"),
      .downstream_cx_tx_bytes_total = scope.counter("downstream_cx_tx_bytes_total"),
      .downstream_rq_total = scope.counter("downstream_rq_total"),
      .downstream_rq_http1_total = scope.counter("downstream_rq_http1_total"),
      .downstream_rq_completed = scope.counter("downstream_rq_completed"),
      .downstream_rq_1xx = scope.counter("downstream_rq_1xx"),
      .downstream_rq_2xx = scope.counter("downstream_rq_2xx"),
      .downstream_rq_3xx = scope.counter("downstream_rq_3xx"),
      .downstream_rq_4xx = scope.counter("downstream_rq_4xx"),
      .downstream_rq_5xx = scope.counter("downstream_rq_5xx"),
      .downstream_rq_too_large = scope.counter("downstream_rq_too_large"),
      .downstream_cx_length_ms = scope.histogram("downstream_cx_length_ms"),
      .downstream_rq_time = scope.histogram("downstream_rq_time"),
  };
}

void AdminHttpStats::countResponse(int status) {
  downstream_rq_completed.inc();
  switch (status / 100) {
    case 1:
      downstream_rq_1xx.inc();
      break;
    case 2:
      downstream_rq_2xx.inc();
      break;
    case 3:
      downstream_rq_3xx.inc();
      break;
    case 4:
      downstream_rq_4xx.inc();
      break;
    default:
      downstream_rq_5xx.inc();
      break;
  }
}

}  // namespace remora::admin
