#include "proxy/upstream/cluster_manager_impl.h"

#include <random>

#include "common/logging/logger.h"
#include "common/network/raw_transport_socket.h"
#include "proxy/upstream/cluster_dump.h"

namespace remora::upstream {

ClusterManagerImpl::ClusterManagerImpl(event::Dispatcher& main_dispatcher, stats::Store& store,
                                       TransportSocketFactoryCb transport_factory)
    : ClusterManagerImpl(main_dispatcher, store, std::move(transport_factory), Options{}) {}

ClusterManagerImpl::ClusterManagerImpl(event::Dispatcher& main_dispatcher, stats::Store& store,
                                       TransportSocketFactoryCb transport_factory, Options options)
    : dispatcher_(main_dispatcher),
      store_(store),
      transport_factory_(std::move(transport_factory)),
      seed_(options.random_seed != 0 ? options.random_seed : std::random_device{}()) {}

ClusterManagerImpl::~ClusterManagerImpl() = default;

Status ClusterManagerImpl::update(std::vector<config::ClusterConfig> configs) {
  std::string failures;
  std::map<std::string, ClusterSharedPtr, std::less<>> live;
  std::map<std::string, ClusterSharedPtr, std::less<>> warming;
  std::vector<ClusterSharedPtr> fresh;
  for (auto& cfg : configs) {
    auto existing = clusters_.find(cfg.name);
    bool has_existing = existing != clusters_.end();
    if (has_existing && sameClusterConfig(existing->second->config(), cfg)) {
      live.emplace(cfg.name, existing->second);
      continue;
    }
    if (has_existing) live.emplace(cfg.name, existing->second);
    auto pending = warming_.find(cfg.name);
    if (pending != warming_.end() && sameClusterConfig(pending->second->config(), cfg)) {
      warming.emplace(cfg.name, pending->second);
      continue;
    }
    network::TransportSocketFactoryPtr factory =
        transport_factory_ ? transport_factory_(cfg)
                           : std::make_shared<network::RawTransportSocketFactory>();
    if (factory == nullptr) {
      failures += (failures.empty() ? "" : ", ") + cfg.name;
      continue;
    }
    auto cluster = std::make_shared<Cluster>(dispatcher_, store_, cfg, std::move(factory),
                                             [this](Cluster& c) { onPublish(c); });
    // A replacement warms up (first DNS answer) while the old version serves,
    // so a reload never leaves workers with an empty cluster.
    (has_existing ? warming : live)[cfg.name] = cluster;
    fresh.push_back(std::move(cluster));
  }
  for (const auto& [name, cluster] : clusters_) {
    if (live.find(name) == live.end()) postRemoval(name);
  }
  // Dropped versions die here; connections they made hold what they need.
  clusters_ = std::move(live);
  warming_ = std::move(warming);
  for (auto& cluster : fresh) {
    REMORA_LOG(info, logging::Component::Upstream, "cluster {} added or updated",
               cluster->config().name);
    Cluster* raw = cluster.get();
    cluster->initialize([this, raw] { onClusterInitialized(*raw); });
  }
  store_.gauge("cluster_manager.active_clusters").set(static_cast<int64_t>(clusters_.size()));
  store_.gauge("cluster_manager.warming_clusters").set(static_cast<int64_t>(warming_.size()));
  bool was_first = !first_update_done_;
  first_update_done_ = true;
  if (was_first) checkInitialized();
  if (!failures.empty()) return makeError("no transport socket for cluster(s): " + failures);
  return okStatus();
}

void ClusterManagerImpl::onClusterInitialized(Cluster& cluster) {
  auto it = warming_.find(cluster.config().name);
  if (it != warming_.end() && it->second.get() == &cluster) {
    clusters_[it->first] = it->second;
    warming_.erase(it);
    store_.gauge("cluster_manager.warming_clusters").set(static_cast<int64_t>(warming_.size()));
    onPublish(cluster);
  }
  checkInitialized();
}

ClusterManager& ClusterManagerImpl::registerWorker(event::Dispatcher& worker_dispatcher) {
  uint64_t seed = mixHash(seed_ + workers_.size() + 1);
  auto view = std::make_shared<WorkerClusterManager>(seed);
  for (const auto& [name, cluster] : clusters_) {
    view->setCluster(cluster->info(), cluster->hostSet(), cluster->originalDstFactory());
  }
  workers_.push_back(Worker{&worker_dispatcher, view});
  return *view;
}

void ClusterManagerImpl::onPublish(Cluster& cluster) {
  // A replaced version may still publish while it is being torn down.
  auto it = clusters_.find(cluster.config().name);
  if (it == clusters_.end() || it->second.get() != &cluster) return;
  for (auto& worker : workers_) {
    std::weak_ptr<WorkerClusterManager> weak = worker.view;
    worker.dispatcher->post([weak, info = cluster.info(), hosts = cluster.hostSet(),
                             factory = cluster.originalDstFactory()] {
      if (auto view = weak.lock()) view->setCluster(info, hosts, factory);
    });
  }
}

void ClusterManagerImpl::postRemoval(const std::string& name) {
  REMORA_LOG(info, logging::Component::Upstream, "cluster {} removed", name);
  for (auto& worker : workers_) {
    std::weak_ptr<WorkerClusterManager> weak = worker.view;
    worker.dispatcher->post([weak, name] {
      if (auto view = weak.lock()) view->removeCluster(name);
    });
  }
}

void ClusterManagerImpl::onInitialized(std::function<void()> cb) {
  if (initialized()) {
    cb();
    return;
  }
  initialized_callbacks_.push_back(std::move(cb));
}

bool ClusterManagerImpl::initialized() const {
  if (!first_update_done_) return false;
  for (const auto& [name, cluster] : clusters_) {
    if (!cluster->initialized()) return false;
  }
  return true;
}

void ClusterManagerImpl::checkInitialized() {
  if (initialized_callbacks_.empty() || !initialized()) return;
  auto callbacks = std::move(initialized_callbacks_);
  initialized_callbacks_.clear();
  for (auto& cb : callbacks) cb();
}

std::string ClusterManagerImpl::dumpClusters() const {
  std::string out;
  for (const auto& [name, cluster] : clusters_) out += dumpClusterText(*cluster);
  return out;
}

std::string ClusterManagerImpl::dumpConfig() const {
  std::vector<const config::ClusterConfig*> configs;
  for (const auto& [name, cluster] : clusters_) configs.push_back(&cluster->config());
  return clustersConfigToYaml(configs);
}

const Cluster* ClusterManagerImpl::cluster(std::string_view name) const {
  auto it = clusters_.find(name);
  return it == clusters_.end() ? nullptr : it->second.get();
}

}  // namespace remora::upstream
