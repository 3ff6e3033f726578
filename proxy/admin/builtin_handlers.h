#pragma once

// The three admin listeners of an Istio sidecar, each an AdminServer with a
// different set of handlers:
//
//   admin       127.0.0.1:15000  /, /help, /stats, /stats/prometheus, /logging,
//                                /memory, /server_info, /ready (+ the server's
//                                own: /clusters, /listeners, /config_dump, ...)
//   readiness   0.0.0.0:15021    /healthz/ready
//   prometheus  0.0.0.0:15090    /stats/prometheus
//
// Main thread only. `store` must outlive the servers and handlers.

#include <memory>

#include "common/event/dispatcher.h"
#include "common/result.h"
#include "common/stats/store.h"
#include "proxy/admin/admin.h"
#include "proxy/admin/admin_server.h"
#include "proxy/admin/server_info.h"

namespace remora::admin {

// Registers /stats, /stats/prometheus, /logging, /memory, /server_info and
// /ready. Returns false if one of the paths was already taken.
bool addBuiltinHandlers(Admin& admin, const stats::Store& store, const ServerInfo& info);
// Registers /healthz/ready (200 when live, else 503).
bool addReadinessHandlers(Admin& admin, const ServerInfo& info);
// Registers /stats/prometheus.
bool addPrometheusHandlers(Admin& admin, const stats::Store& store);

network::Address defaultReadinessAddress();   // 0.0.0.0:15021
network::Address defaultPrometheusAddress();  // 0.0.0.0:15090

// AdminServer::create + the matching handlers. `address` invalid (default
// constructed) means the default address for that port. Stats prefixes follow
// Istio's bootstrap: http.admin., http.agent., http.stats..
Result<std::unique_ptr<AdminServer>> createAdminPortServer(event::Dispatcher& dispatcher,
                                                           stats::Store& store,
                                                           const ServerInfo& info,
                                                           network::Address address = {});
Result<std::unique_ptr<AdminServer>> createReadinessServer(event::Dispatcher& dispatcher,
                                                           stats::Store& store,
                                                           const ServerInfo& info,
                                                           network::Address address = {});
Result<std::unique_ptr<AdminServer>> createPrometheusServer(event::Dispatcher& dispatcher,
                                                            stats::Store& store,
                                                            network::Address address = {});

}  // namespace remora::admin
