#include "kv/node/node.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <thread>

#include "common/logging/logger.h"
#include "common/network/address.h"

namespace remora::kv::node {

namespace {

// The config with its service-thread count resolved (Aerospike's default
// rule when unset), so that workers, stats shards and `get-config` agree.
config::KvdConfig resolveServiceThreads(config::KvdConfig config) {
  config.service_threads = config::serviceThreadsFor(config, std::thread::hardware_concurrency());
  return config;
}

// Like the real server: the service port in the top 16 bits and a 48-bit
// host identity below, printed in upper-case hex. Stable for a given host
// and port, which is all the client requires (reference §3.2).
std::string deriveNodeId(uint16_t port) {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  const uint64_t h = std::hash<std::string>{}(host) & 0xFFFFFFFFFFFFull;
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%llX",
                static_cast<unsigned long long>((static_cast<uint64_t>(port) << 48) | h));
  return buf;
}

Result<network::Address> serviceAddress(const config::EndpointConfig& endpoint) {
  if (endpoint.address == "any") return network::Address::fromIp("::", endpoint.port);
  return network::Address::fromIp(endpoint.address, endpoint.port);
}

}  // namespace

Node::Node(config::KvdConfig config, EngineFactory engine_factory, storage::ClockPtr clock)
    : config_(resolveServiceThreads(std::move(config))),
      engine_factory_(std::move(engine_factory)),
      clock_(std::move(clock)),
      store_(1 + config_.service_threads),
      stats_(store_),
      tracker_(config_.proto_fd_max) {}

Node::~Node() {
  if (started_ || engines_started_) (void)shutdown();
}

uint32_t Node::workerCount() const { return config_.service_threads; }

Status Node::init() {
  if (config_.namespaces.empty()) return makeError("no namespace configured");
  context_ = std::make_unique<NodeContext>(config_, stats_, clock_);

  // 1. Storage: each namespace's engine, started (cold start) before any
  //    client can reach it.
  for (const auto& ns_config : config_.namespaces) {
    auto engine = engine_factory_(ns_config.storage, clock_);
    if (!engine) {
      return makeError("namespace " + ns_config.name + ": " + engine.error().message);
    }
    auto started = (*engine)->start();
    if (!started) {
      return makeError("namespace " + ns_config.name + ": start: " + started.error().message);
    }
    context_->namespaces.push_back(std::make_unique<Namespace>(ns_config, std::move(*engine)));
  }
  engines_started_ = true;

  // 2. The service socket: bound now so a port conflict fails start-up.
  auto address = serviceAddress(config_.service);
  if (!address) return makeError("service address: " + address.error().message);
  network::ListenSocketOptions options;  // backlog = somaxconn (reference pitfall 1)
  auto socket = network::createListenSocket(*address, options);
  if (!socket) return makeError("service listener: " + socket.error().message);
  listen_socket_ = std::move(*socket);
  auto bound = network::localAddress(listen_socket_.fd());
  if (!bound) return makeError("service listener: " + bound.error().message);
  service_port_ = bound->port();
  context_->service_port = service_port_;

  // 3. Identity.
  context_->node_id = config_.node_id.empty() ? deriveNodeId(service_port_) : config_.node_id;
  for (auto& c : context_->node_id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (config_.service.address != "any") {
    context_->service_endpoint = address->withPort(service_port_).toString();
  }
  // 4. Ownership: a static cluster split masters only this node's share
  //    (the generation moves on, so clients re-fetch the map).
  if (config_.static_cluster) {
    const auto& cluster = *config_.static_cluster;
    std::vector<ReplicaIndex> roles(protocol::kPartitionCount, kNotOwned);
    for (uint32_t p = 0; p < protocol::kPartitionCount; ++p) {
      if (cluster.owner[p] == cluster.self) roles[p] = 0;
    }
    context_->partitions.assign(roles, 1);
  }
  main_dispatcher_ = event::createDispatcher("kv-main");
  return okStatus();
}

Status Node::start() {
  if (!context_) return makeError("start() before init()");
  SessionLimits limits;
  limits.max_message_size = config_.max_message_size;
  limits.buffer_limit = config_.connection_buffer_limit;
  for (uint32_t i = 0; i < workerCount(); ++i) {
    workers_.push_back(std::make_unique<Worker>("kv-worker-" + std::to_string(i), i + 1, *context_,
                                                limits, tracker_));
    workers_.back()->start();
  }
  listener_ = main_dispatcher_->createListener(listen_socket_, *this);
  for (auto& ns : context_->namespaces) {
    sweepers_.push_back(
        std::make_unique<ExpirySweeper>(*main_dispatcher_, *ns, stats_, clock_));
    sweepers_.back()->start();
  }
  started_ = true;
  REMORA_LOG(info, logging::Component::Kv, "node {} serving {} namespace(s) on port {}",
             context_->node_id, context_->namespaces.size(), service_port_);
  return okStatus();
}

void Node::run() {
  signals_.push_back(main_dispatcher_->listenForSignal(SIGTERM, [this] { requestStop(); }));
  signals_.push_back(main_dispatcher_->listenForSignal(SIGINT, [this] { requestStop(); }));
  main_dispatcher_->run(event::RunType::Block);
  signals_.clear();
}

void Node::requestStop() {
  if (main_dispatcher_) main_dispatcher_->exit();
}

void Node::onAccept(network::SocketFd&& socket, const network::Address&) {
  if (!tracker_.tryAdd()) {
    stats_.client_connections_refused.inc();
    return;  // the socket closes here
  }
  // The least loaded worker, ties in turn: connections are pinned to a
  // worker and a worker blocks on each device read, so an even spread keeps
  // the other workers' clients served (round robin drifts once short-lived
  // connections, such as a client's info polls, come and go).
  size_t pick = next_worker_;
  for (size_t i = 1; i < workers_.size(); ++i) {
    const size_t w = (next_worker_ + i) % workers_.size();
    if (workers_[w]->connections() < workers_[pick]->connections()) pick = w;
  }
  workers_[pick]->adopt(std::move(socket));
  next_worker_ = (pick + 1) % workers_.size();
}

bool Node::drain(std::chrono::milliseconds deadline) {
  if (!started_) return true;
  listener_.reset();
  listen_socket_.close();
  for (auto& sweeper : sweepers_) sweeper->stop();
  for (auto& worker : workers_) worker->drain();
  return tracker_.waitForZero(std::chrono::steady_clock::now() + deadline);
}

uint64_t Node::sweepExpiredNow() {
  uint64_t removed = 0;
  for (auto& sweeper : sweepers_) removed += sweeper->sweepAll();
  return removed;
}

Status Node::shutdown() {
  // Workers first: no request may reach an engine that is shutting down.
  listener_.reset();
  sweepers_.clear();
  for (auto& worker : workers_) worker->stop();
  workers_.clear();
  started_ = false;
  Status result = okStatus();
  if (engines_started_ && context_) {
    for (auto& ns : context_->namespaces) {
      auto st = ns->engine().shutdown();
      if (!st && result.ok()) result = makeError("namespace " + ns->name() + ": " + st.error().message);
    }
  }
  engines_started_ = false;
  return result;
}

}  // namespace remora::kv::node
