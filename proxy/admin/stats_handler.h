#pragma once

// /stats and /stats/prometheus over a stats store. The store must outlive
// the handlers; reading it is thread-safe, so workers keep counting while a
// request renders.

#include "common/stats/store.h"
#include "proxy/admin/admin.h"

namespace remora::admin {

// Text ("name: value" lines, Envoy's /stats). Parameters:
//   filter=<text>  only stats whose name contains <text> (a plain substring,
//                  not Envoy's RE2 regex)
//   usedonly       only stats that moved: non-zero counters and gauges,
//                  histograms with values
//   format=json    {"stats":[{"name":..,"value":..},..,{"histograms":..}]}
//   format=prometheus  same as /stats/prometheus
// An unknown format is a 400.
AdminHandler makeStatsHandler(const stats::Store& store);

// Prometheus text exposition format 0.0.4 (names prefixed "envoy_").
AdminHandler makePrometheusHandler(const stats::Store& store);

}  // namespace remora::admin
