#pragma once

// The stats an admin listener keeps, with the names Envoy's HTTP connection
// manager uses under "http.<stat_prefix>." (Envoy's own admin port counts
// under "http.admin."). Resolved once; the references stay valid as long as
// the store.

#include <string_view>

#include "common/stats/stats.h"
#include "common/stats/store.h"

namespace remora::admin {

struct AdminHttpStats {
  static AdminHttpStats create(stats::Store& store, std::string_view stat_prefix);

  // Counts a finished response under downstream_rq_<N>xx.
  void countResponse(int status);

  stats::Counter& downstream_cx_total;
  stats::Counter& downstream_cx_http1_total;
  stats::Gauge& downstream_cx_active;
  stats::Gauge& downstream_cx_http1_active;
  stats::Counter& downstream_cx_destroy;
  stats::Counter& downstream_cx_destroy_remote;
  stats::Counter& downstream_cx_destroy_local;
  // Malformed requests (400), headers over the limits (431), not HTTP/1 (505).
  stats::Counter& downstream_cx_protocol_error;
  stats::Counter& downstream_cx_idle_timeout;
  stats::Counter& downstream_cx_rx_bytes_total;
  stats::Counter& downstream_cx_tx_bytes_total;
  stats::Counter& downstream_rq_total;
  stats::Counter& downstream_rq_http1_total;
  stats::Counter& downstream_rq_completed;
  stats::Counter& downstream_rq_1xx;
  stats::Counter& downstream_rq_2xx;
  stats::Counter& downstream_rq_3xx;
  stats::Counter& downstream_rq_4xx;
  stats::Counter& downstream_rq_5xx;
  // Bodies over the limit (413).
  stats::Counter& downstream_rq_too_large;
  stats::Histogram& downstream_cx_length_ms;
  stats::Histogram& downstream_rq_time;  // milliseconds, as Envoy
};

}  // namespace remora::admin
