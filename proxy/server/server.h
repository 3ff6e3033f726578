#pragma once

// The proxy process: init → start → (serve, reload) → drain → shutdown, in
// that order and written here only.
//
//   init:     logging, stats, filter registry, load and validate the config
//             (nothing runs if it is invalid), cluster manager, workers
//   start:    bind listeners, start workers, admin, signals, config watcher;
//             ready once clusters have their first hosts
//   serve:    SIGHUP / file change → reload (validated first; a bad config
//             is refused and counted, the old one keeps serving)
//   drain:    SIGTERM/SIGINT → stop accepting, wait for connections to
//             finish (exit as soon as none remain) up to --drain-time-s
//   shutdown: stop workers, close everything, exit 0

#include <memory>
#include <optional>
#include <vector>

#include "common/event/dispatcher.h"
#include "common/stats/store.h"
#include "filters/common/access_log/access_log.h"
#include "filters/filter_registry.h"
#include "proxy/admin/admin_server.h"
#include "proxy/admin/server_info.h"
#include "proxy/listener/listener_manager.h"
#include "proxy/server/config_loader.h"
#include "proxy/server/config_watcher.h"
#include "proxy/server/options.h"
#include "proxy/server/tls_transport_builder.h"
#include "proxy/server/worker.h"
#include "proxy/upstream/cluster_manager_impl.h"

namespace remora::server {

enum class ServerState { Initializing, Live, Draining, ShuttingDown };

class Server {
 public:
  explicit Server(Options options);
  ~Server();

  // Runs the whole life; returns the process exit code.
  int run();

  // For tests and admin handlers (main thread).
  ServerState state() const { return state_; }
  bool ready() const;
  void reload();
  void startDrain();
  void shutdownNow();
  uint64_t activeConnections() const;

 private:
  Status init();
  Status start();
  Status applyConfig(ValidatedConfig& config);
  void registerAdminHandlers();
  void onDrainTick();
  // Re-reads certificates of every live TLS context (rotation) and re-arms
  // the watcher on the current set of files.
  void rotateCertificates();
  void watchCertificates();

  Options options_;
  ServerState state_ = ServerState::Initializing;
  std::unique_ptr<stats::Store> store_;
  filters::access_log::LogFileManager log_files_;
  filters::FilterRegistry registry_;
  std::unique_ptr<filters::FactoryContext> factory_context_;
  std::unique_ptr<ConfigLoader> loader_;
  event::DispatcherPtr dispatcher_;
  std::optional<ValidatedConfig> initial_config_;
  std::map<std::string, network::TransportSocketFactoryPtr> cluster_transport_sockets_;
  std::unique_ptr<upstream::ClusterManagerImpl> cluster_manager_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<listener::ListenerManager> listener_manager_;
  admin::ServerInfo server_info_;
  std::unique_ptr<admin::AdminServer> admin_;
  std::unique_ptr<admin::AdminServer> readiness_;
  std::unique_ptr<admin::AdminServer> prometheus_;
  std::vector<event::SignalEventPtr> signals_;
  std::unique_ptr<ConfigWatcher> watcher_;
  std::unique_ptr<TlsTransportBuilder> tls_builder_;
  std::unique_ptr<ConfigWatcher> cert_watcher_;
  std::vector<std::string> watched_cert_paths_;
  event::TimerPtr expiry_timer_;
  event::TimerPtr drain_timer_;
  event::TimerPtr quit_timer_;
  std::chrono::steady_clock::time_point drain_deadline_;
  std::chrono::steady_clock::time_point start_time_ = std::chrono::steady_clock::now();
  std::string config_text_;
  bool health_check_failed_ = false;
  int exit_code_ = 0;
};

}  // namespace remora::server
