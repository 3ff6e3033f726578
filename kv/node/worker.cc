#include "kv/node/worker.h"

#include <vector>

#include "common/network/raw_transport_socket.h"
#include "common/stats/stats.h"

namespace remora::kv::node {

Worker::Worker(std::string name, uint32_t shard, NodeContext& context, const SessionLimits& limits,
               ConnectionTracker& tracker)
    : name_(std::move(name)),
      shard_(shard),
      context_(context),
      tracker_(tracker),
      limits_(limits),
      dispatcher_(event::createDispatcher(name_)),
      handler_(context) {
  if (context_.config.static_cluster) {
    proxy_ = std::make_unique<ProxyPool>(*dispatcher_, context_);
  }
}

Worker::~Worker() {
  if (thread_.joinable()) stop();
}

void Worker::start() {
  thread_ = std::thread([this] {
    stats::setThreadShard(shard_);
    dispatcher_->run(event::RunType::Block);
    // Sessions die on the thread that owns their connections. Closing one
    // removes it from the map, so collect them first.
    std::vector<ClientSession*> open;
    for (auto& [id, session] : sessions_) open.push_back(session.get());
    for (auto* session : open) session->closeNow();
    sessions_.clear();
    if (proxy_) proxy_->closeAll();
    dispatcher_->run(event::RunType::NonBlock);
  });
}

void Worker::adopt(network::SocketFd socket) {
  const int fd = socket.release();
  connections_.fetch_add(1, std::memory_order_relaxed);
  dispatcher_->post([this, fd] { onAdopt(fd); });
}

void Worker::onAdopt(int fd) {
  network::SocketFd socket(fd);
  if (draining_) {
    releaseConnection();
    return;  // closes the socket
  }
  auto connection = dispatcher_->createServerConnection(
      std::move(socket), std::make_unique<network::RawTransportSocket>());
  auto session = std::make_unique<ClientSession>(
      std::move(connection), handler_, context_.stats, limits_,
      [this](ClientSession& s) { onSessionClosed(s); }, proxy_.get());
  const uint64_t id = session->id();
  sessions_.emplace(id, std::move(session));
}

void Worker::onSessionClosed(ClientSession& session) {
  auto it = sessions_.find(session.id());
  if (it == sessions_.end()) return;
  releaseConnection();
  dispatcher_->deferredDelete(std::move(it->second));
  sessions_.erase(it);
}

void Worker::releaseConnection() {
  connections_.fetch_sub(1, std::memory_order_relaxed);
  tracker_.remove();
}

void Worker::drain() {
  dispatcher_->post([this] {
    draining_ = true;
    // Closing may erase from the map: collect first.
    std::vector<ClientSession*> sessions;
    for (auto& [id, s] : sessions_) sessions.push_back(s.get());
    for (auto* s : sessions) s->closeWhenIdle();
  });
}

void Worker::stop() {
  if (!thread_.joinable()) return;
  dispatcher_->exit();
  thread_.join();
}

}  // namespace remora::kv::node
