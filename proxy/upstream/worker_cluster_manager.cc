#include "proxy/upstream/worker_cluster_manager.h"

namespace remora::upstream {

ThreadLocalCluster* WorkerClusterManager::getThreadLocalCluster(std::string_view name) {
  auto it = clusters_.find(name);
  return it == clusters_.end() ? nullptr : it->second.get();
}

void WorkerClusterManager::setCluster(
    const ClusterInfoImplConstSharedPtr& info, HostSetConstSharedPtr hosts,
    const OriginalDstHostFactoryConstSharedPtr& original_dst_factory) {
  auto it = clusters_.find(info->name());
  if (it != clusters_.end() && it->second->infoImpl() == info) {
    it->second->updateHosts(std::move(hosts));
    return;
  }
  seed_ = mixHash(seed_);
  auto cluster =
      std::make_unique<ThreadLocalClusterImpl>(info, std::move(hosts), original_dst_factory, seed_);
  if (it != clusters_.end()) {
    it->second = std::move(cluster);
  } else {
    clusters_.emplace(info->name(), std::move(cluster));
  }
}

void WorkerClusterManager::removeCluster(const std::string& name) { clusters_.erase(name); }

WorkerClusterManager::Drainer::Drainer(WorkerClusterManager& parent, UpstreamConnectionPtr c)
    : connection(std::move(c)), parent_(parent) {
  connection->connection().addConnectionCallbacks(*this);
}

void WorkerClusterManager::Drainer::onEvent(network::ConnectionEvent event) {
  if (event == network::ConnectionEvent::Connected) return;
  connection->connection().removeConnectionCallbacks(*this);
  auto it = self;
  event::Dispatcher& dispatcher = connection->connection().dispatcher();
  dispatcher.deferredDelete(std::move(*it));
  parent_.draining_.erase(it);
}

void WorkerClusterManager::drainUpstream(UpstreamConnectionPtr connection) {
  if (!connection) return;
  if (connection->connection().state() == network::ConnectionState::Closed) {
    connection->connection().dispatcher().deferredDelete(std::make_unique<Drainer>(*this, std::move(connection)));
    return;
  }
  draining_.push_front(std::make_unique<Drainer>(*this, std::move(connection)));
  draining_.front()->self = draining_.begin();
}

}  // namespace remora::upstream
