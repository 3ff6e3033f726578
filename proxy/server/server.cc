#include "proxy/server/server.h"

#include <csignal>
#include <sstream>

#include "common/logging/logger.h"
#include "common/network/raw_transport_socket.h"
#include "common/stats/stats.h"
#include "proxy/admin/builtin_handlers.h"

namespace remora::server {

namespace {
constexpr std::chrono::milliseconds kDrainPollInterval{50};

Status applyLogLevels(const Options& options) {
  auto level = logging::levelFromName(options.log_level);
  if (!level) return makeError("--log-level: unknown level '" + options.log_level + "'");
  logging::setLevel(*level);
  if (options.component_log_level.empty()) return okStatus();
  std::stringstream list(options.component_log_level);
  std::string item;
  while (std::getline(list, item, ',')) {
    size_t colon = item.find(':');
    auto component = logging::componentFromName(item.substr(0, colon));
    auto component_level =
        colon == std::string::npos ? std::nullopt : logging::levelFromName(item.substr(colon + 1));
    if (!component || !component_level) {
      return makeError("--component-log-level: bad entry '" + item + "'");
    }
    logging::setLevel(*component, *component_level);
  }
  return okStatus();
}
}  // namespace

Server::Server(Options options) : options_(std::move(options)) {}

Server::~Server() {
  // Workers use the cluster manager's views and the listener runtimes; the
  // admin server, timers and signals use the main dispatcher.
  watcher_.reset();
  cert_watcher_.reset();
  expiry_timer_.reset();
  signals_.clear();
  drain_timer_.reset();
  quit_timer_.reset();
  admin_.reset();
  readiness_.reset();
  prometheus_.reset();
  for (auto& w : workers_) w->stop();
  workers_.clear();
  listener_manager_.reset();
  cluster_manager_.reset();
  if (dispatcher_) dispatcher_->run(event::RunType::NonBlock);
  dispatcher_.reset();
}

Status Server::init() {
  if (auto status = applyLogLevels(options_); !status) return status;
  store_ = std::make_unique<stats::Store>(options_.concurrency + 1);
  stats::setThreadShard(0);
  filters::registerBuiltinFilters(registry_);
  factory_context_ = std::make_unique<filters::FactoryContext>(
      filters::FactoryContext{*store_, log_files_, [](std::string_view) { return false; }});
  tls_builder_ = std::make_unique<TlsTransportBuilder>(*store_);
  loader_ = std::make_unique<ConfigLoader>(registry_, *factory_context_, tls_builder_->builder());

  config::ErrorList errors;
  auto validated = loader_->load(options_.config_path, errors);
  if (!validated) {
    return makeError("invalid configuration " + options_.config_path + " (" +
                     std::to_string(errors.size()) + " error" + (errors.size() == 1 ? "" : "s") +
                     "):\n" + errors.toString());
  }
  initial_config_ = std::move(validated);
  if (options_.mode == Mode::Validate) return okStatus();

  dispatcher_ = event::createDispatcher("main");
  cluster_manager_ = std::make_unique<upstream::ClusterManagerImpl>(
      *dispatcher_, *store_,
      [this](const config::ClusterConfig& cluster) -> network::TransportSocketFactoryPtr {
        auto it = cluster_transport_sockets_.find(cluster.name);
        if (it != cluster_transport_sockets_.end()) return it->second;
        return std::make_shared<network::RawTransportSocketFactory>();
      });
  std::vector<listener::ConnectionHandler*> handlers;
  for (uint32_t i = 0; i < options_.concurrency; ++i) {
    auto worker_dispatcher = event::createDispatcher("worker_" + std::to_string(i));
    upstream::ClusterManager& view = cluster_manager_->registerWorker(*worker_dispatcher);
    workers_.push_back(std::make_unique<Worker>(i, std::move(worker_dispatcher), view));
    handlers.push_back(&workers_.back()->handler());
  }
  for (auto* h : handlers) h->setPeers(handlers);
  listener_manager_ = std::make_unique<listener::ListenerManager>(*store_, handlers);
  store_->gauge("server.concurrency").set(options_.concurrency);
  return okStatus();
}

Status Server::applyConfig(ValidatedConfig& config) {
  cluster_transport_sockets_ = config.cluster_transport_sockets;
  if (auto status = cluster_manager_->update(config.bootstrap.clusters); !status) return status;
  if (auto status = listener_manager_->apply(config.listeners); !status) return status;
  config_text_ = config.bootstrap.text;
  if (dispatcher_) watchCertificates();
  return okStatus();
}

void Server::watchCertificates() {
  auto paths = tls_builder_->watchedPaths();
  for (const auto& p : tls_builder_->liveProviders()) p->refreshExpiryGauges();
  // Re-arming would lose events that arrive meanwhile; only a new set of files needs it.
  if (paths == watched_cert_paths_ && cert_watcher_) return;
  watched_cert_paths_ = paths;
  cert_watcher_.reset();
  if (!paths.empty()) {
    cert_watcher_ = std::make_unique<ConfigWatcher>(*dispatcher_, paths, [this] { rotateCertificates(); });
  }
}

void Server::rotateCertificates() {
  for (const auto& provider : tls_builder_->liveProviders()) {
    if (auto status = provider->reload(); !status) {
      REMORA_LOG(err, logging::Component::Tls, "certificate rotation refused, old credentials keep serving: {}",
                 status.error().message);
    } else {
      REMORA_LOG(info, logging::Component::Tls, "certificates reloaded");
    }
    provider->refreshExpiryGauges();
  }
}

Status Server::start() {
  // Listeners bind before workers run, so a bad address fails start-up cleanly.
  if (auto status = applyConfig(*initial_config_); !status) return status;
  const auto& admin_config = initial_config_->bootstrap.admin;
  initial_config_.reset();
  for (auto& w : workers_) w->start();

  server_info_.version = versionString();
  server_info_.start_time = start_time_;
  server_info_.command_line_options = {
      {"config_path", options_.config_path},
      {"concurrency", std::to_string(options_.concurrency)},
      {"drain_time_s", std::to_string(options_.drain_time_s)},
      {"log_level", options_.log_level}};
  server_info_.state = [this] {
    if (state_ == ServerState::Draining || state_ == ServerState::ShuttingDown) return admin::ServerState::Draining;
    if (!ready()) return admin::ServerState::Initializing;
    return admin::ServerState::Live;
  };
  auto admin = admin::createAdminPortServer(*dispatcher_, *store_, server_info_, admin_config.address);
  if (!admin) return makeError("admin: " + admin.error().message);
  admin_ = std::move(*admin);
  registerAdminHandlers();
  if (options_.readiness_port != 0) {
    auto address = network::Address::fromIp("0.0.0.0", options_.readiness_port);
    auto readiness = admin::createReadinessServer(*dispatcher_, *store_, server_info_, *address);
    if (!readiness) return makeError("readiness port: " + readiness.error().message);
    readiness_ = std::move(*readiness);
  }
  if (options_.prometheus_port != 0) {
    auto address = network::Address::fromIp("0.0.0.0", options_.prometheus_port);
    auto prometheus = admin::createPrometheusServer(*dispatcher_, *store_, *address);
    if (!prometheus) return makeError("prometheus port: " + prometheus.error().message);
    prometheus_ = std::move(*prometheus);
  }

  auto on_term = [this] { startDrain(); };
  signals_.push_back(dispatcher_->listenForSignal(SIGTERM, on_term));
  signals_.push_back(dispatcher_->listenForSignal(SIGINT, on_term));
  signals_.push_back(dispatcher_->listenForSignal(SIGHUP, [this] { reload(); }));
  if (options_.watch_config) {
    watcher_ = std::make_unique<ConfigWatcher>(*dispatcher_, std::vector<std::string>{options_.config_path},
                                               [this] { reload(); });
  }
  expiry_timer_ = dispatcher_->createTimer([this] {
    for (const auto& p : tls_builder_->liveProviders()) p->refreshExpiryGauges();
    expiry_timer_->enableTimer(std::chrono::hours(1));
  });
  expiry_timer_->enableTimer(std::chrono::hours(1));
  cluster_manager_->onInitialized([this] {
    if (state_ == ServerState::Initializing) {
      state_ = ServerState::Live;
      store_->gauge("server.live").set(1);
      REMORA_LOG(info, logging::Component::Main, "remora is live ({} workers, admin {})",
                 options_.concurrency, admin_->address().toString());
    }
  });
  return okStatus();
}

bool Server::ready() const { return state_ == ServerState::Live && !health_check_failed_; }

uint64_t Server::activeConnections() const {
  uint64_t total = 0;
  for (const auto& w : workers_) total += w->handler().activeConnections();
  return total;
}

void Server::reload() {
  if (state_ == ServerState::Draining || state_ == ServerState::ShuttingDown) return;
  config::ErrorList errors;
  auto validated = loader_->load(options_.config_path, errors);
  if (!validated) {
    store_->counter("server.reload_failure").inc();
    REMORA_LOG(err, logging::Component::Config,
               "configuration reload refused, the previous configuration keeps serving ({} errors):\n{}",
               errors.size(), errors.toString());
    return;
  }
  if (auto status = applyConfig(*validated); !status) {
    store_->counter("server.reload_failure").inc();
    REMORA_LOG(err, logging::Component::Config, "configuration reload failed: {}", status.error().message);
    return;
  }
  store_->counter("server.reload_success").inc();
  REMORA_LOG(info, logging::Component::Config, "configuration reloaded from {}", options_.config_path);
}

void Server::startDrain() {
  if (state_ == ServerState::Draining || state_ == ServerState::ShuttingDown) return;
  REMORA_LOG(info, logging::Component::Main,
             "draining: listeners closed, waiting up to {}s for {} connections", options_.drain_time_s,
             activeConnections());
  state_ = ServerState::Draining;
  store_->gauge("server.state").set(1);
  listener_manager_->stopListeners(*dispatcher_);
  drain_deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(options_.drain_time_s);
  drain_timer_ = dispatcher_->createTimer([this] { onDrainTick(); });
  drain_timer_->enableTimer(kDrainPollInterval);
}

void Server::onDrainTick() {
  uint64_t active = activeConnections();
  if (active == 0 || std::chrono::steady_clock::now() >= drain_deadline_) {
    if (active > 0) {
      REMORA_LOG(warn, logging::Component::Main, "drain deadline reached; closing {} connections", active);
    }
    shutdownNow();
    return;
  }
  drain_timer_->enableTimer(kDrainPollInterval);
}

void Server::shutdownNow() {
  state_ = ServerState::ShuttingDown;
  dispatcher_->exit();
}

void Server::registerAdminHandlers() {
  admin_->addHandler("/clusters", "upstream cluster status",
                     [this](const admin::AdminRequest&) {
                       return admin::AdminResponse{200, "text/plain; charset=UTF-8", cluster_manager_->dumpClusters()};
                     },
                     false);
  admin_->addHandler("/listeners", "listener addresses",
                     [this](const admin::AdminRequest&) {
                       return admin::AdminResponse{200, "text/plain; charset=UTF-8", listener_manager_->dumpListeners()};
                     },
                     false);
  admin_->addHandler("/config_dump", "the effective configuration",
                     [this](const admin::AdminRequest&) {
                       std::string body = "# remora effective configuration (" + options_.config_path + ")\n";
                       body += config_text_;
                       body += "\n# clusters as running\n" + cluster_manager_->dumpConfig();
                       return admin::AdminResponse{200, "text/yaml; charset=UTF-8", body};
                     },
                     false);
  admin_->addHandler("/drain_listeners", "stop accepting on every listener",
                     [this](const admin::AdminRequest&) {
                       listener_manager_->stopListeners(*dispatcher_);
                       return admin::AdminResponse{200, "text/plain; charset=UTF-8", "OK\n"};
                     },
                     true);
  admin_->addHandler("/healthcheck/fail", "fail the readiness check",
                     [this](const admin::AdminRequest&) {
                       health_check_failed_ = true;
                       return admin::AdminResponse{200, "text/plain; charset=UTF-8", "OK\n"};
                     },
                     true);
  admin_->addHandler("/healthcheck/ok", "pass the readiness check again",
                     [this](const admin::AdminRequest&) {
                       health_check_failed_ = false;
                       return admin::AdminResponse{200, "text/plain; charset=UTF-8", "OK\n"};
                     },
                     true);
  admin_->addHandler("/quitquitquit", "exit now",
                     [this](const admin::AdminRequest&) {
                       // Give the admin connection time to flush this response.
                       quit_timer_ = dispatcher_->createTimer([this] { shutdownNow(); });
                       quit_timer_->enableTimer(std::chrono::milliseconds(100));
                       return admin::AdminResponse{200, "text/plain; charset=UTF-8", "OK\n"};
                     },
                     true);
}

int Server::run() {
  if (auto status = init(); !status) {
    REMORA_LOG(critical, logging::Component::Main, "{}", status.error().message);
    return 1;
  }
  if (options_.mode == Mode::Validate) {
    std::printf("configuration '%s' OK: %zu listeners, %zu clusters\n", options_.config_path.c_str(),
                initial_config_->bootstrap.listeners.size(), initial_config_->bootstrap.clusters.size());
    return 0;
  }
  if (auto status = start(); !status) {
    REMORA_LOG(critical, logging::Component::Main, "start-up failed: {}", status.error().message);
    return 1;
  }
  dispatcher_->run(event::RunType::Block);
  REMORA_LOG(info, logging::Component::Main, "exiting");
  return exit_code_;
}

}  // namespace remora::server
