#include "proxy/admin/builtin_handlers.h"

#include <utility>

#include "proxy/admin/logging_handler.h"
#include "proxy/admin/memory_handler.h"
#include "proxy/admin/server_info_handler.h"
#include "proxy/admin/stats_handler.h"

namespace remora::admin {

bool addBuiltinHandlers(Admin& admin, const stats::Store& store, const ServerInfo& info) {
  bool ok = true;
  ok &= admin.addHandler("/stats", "print server stats (?filter=, ?usedonly, ?format=json)",
                         makeStatsHandler(store), false);
  ok &= admin.addHandler("/stats/prometheus", "print server stats in prometheus format",
                         makePrometheusHandler(store), false);
  // Not mutates_state: GET lists the levels; the handler itself insists on
  // POST for changes.
  ok &= admin.addHandler("/logging", "query/change logging levels (POST ?level= or ?<logger>=)",
                         makeLoggingHandler(), false);
  ok &= admin.addHandler("/memory", "print current allocation/heap usage", makeMemoryHandler(),
                         false);
  ok &= admin.addHandler("/server_info", "print server version/status information",
                         makeServerInfoHandler(info), false);
  ok &= admin.addHandler("/ready", "print server state, return 200 if LIVE, otherwise return 503",
                         makeReadyHandler(info), false);
  return ok;
}

bool addReadinessHandlers(Admin& admin, const ServerInfo& info) {
  return admin.addHandler("/healthz/ready", "200 if the proxy is ready, otherwise 503",
                          makeReadyHandler(info), false);
}

bool addPrometheusHandlers(Admin& admin, const stats::Store& store) {
  return admin.addHandler("/stats/prometheus", "print server stats in prometheus format",
                          makePrometheusHandler(store), false);
}

network::Address defaultReadinessAddress() { return *network::Address::fromIp("0.0.0.0", 15021); }

network::Address defaultPrometheusAddress() { return *network::Address::fromIp("0.0.0.0", 15090); }

namespace {
Result<std::unique_ptr<AdminServer>> createServer(event::Dispatcher& dispatcher,
                                                  stats::Store& store, network::Address address,
                                                  std::string stat_prefix, bool serve_help) {
  AdminServerOptions options;
  options.address = std::move(address);
  options.stat_prefix = std::move(stat_prefix);
  options.serve_help = serve_help;
  return AdminServer::create(dispatcher, store, std::move(options));
}
}  // namespace

Result<std::unique_ptr<AdminServer>> createAdminPortServer(event::Dispatcher& dispatcher,
                                                           stats::Store& store,
                                                           const ServerInfo& info,
                                                           network::Address address) {
  auto server = createServer(dispatcher, store, address.valid() ? address : defaultAdminAddress(),
                             "admin", true);
  if (server.ok()) addBuiltinHandlers(**server, store, info);
  return server;
}

Result<std::unique_ptr<AdminServer>> createReadinessServer(event::Dispatcher& dispatcher,
                                                           stats::Store& store,
                                                           const ServerInfo& info,
                                                           network::Address address) {
  auto server = createServer(dispatcher, store,
                             address.valid() ? address : defaultReadinessAddress(), "agent", false);
  if (server.ok()) addReadinessHandlers(**server, info);
  return server;
}

Result<std::unique_ptr<AdminServer>> createPrometheusServer(event::Dispatcher& dispatcher,
                                                            stats::Store& store,
                                                            network::Address address) {
  auto server = createServer(
      dispatcher, store, address.valid() ? address : defaultPrometheusAddress(), "stats", false);
  if (server.ok()) addPrometheusHandlers(**server, store);
  return server;
}

}  // namespace remora::admin
