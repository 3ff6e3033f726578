#pragma once

// The owner of every upstream cluster, on the main thread.
//
//   upstream::ClusterManagerImpl cm(main_dispatcher, store, tls_hook);
//   Status s = cm.update(bootstrap.clusters);        // first load
//   for (auto& w : workers) w.cm = &cm.registerWorker(w.dispatcher);  // before they run
//   ... on reload: cm.update(new_bootstrap.clusters);
//   admin: cm.dumpClusters() for /clusters, cm.dumpConfig() for /config_dump.
//
// Each cluster version lives in a main-thread Cluster (DNS, health checks,
// outlier detection); whenever its hosts or their health change, a new
// immutable HostSet snapshot is posted to every registered worker, whose
// WorkerClusterManager rebuilds that cluster's load balancer. Workers never
// lock on the data path.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/event/dispatcher.h"
#include "common/result.h"
#include "common/stats/store.h"
#include "config/cluster_config.h"
#include "proxy/upstream/cluster.h"
#include "proxy/upstream/worker_cluster_manager.h"

namespace remora::upstream {

class ClusterManagerImpl {
 public:
  // Makes a cluster's transport socket factory (the TLS module's hook).
  // Returning null refuses the cluster (update() reports it).
  using TransportSocketFactoryCb =
      std::function<network::TransportSocketFactoryPtr(const config::ClusterConfig& config)>;

  struct Options {
    // Seeds the workers' load balancers; 0 draws one from std::random_device.
    uint64_t random_seed = 0;
  };

  // `main_dispatcher` and `store` must outlive this. A null
  // `transport_factory` gives every cluster raw TCP.
  ClusterManagerImpl(event::Dispatcher& main_dispatcher, stats::Store& store,
                     TransportSocketFactoryCb transport_factory = nullptr);
  ClusterManagerImpl(event::Dispatcher& main_dispatcher, stats::Store& store,
                     TransportSocketFactoryCb transport_factory, Options options);
  // Destroy after the workers have stopped running (their views are owned here).
  ~ClusterManagerImpl();
  ClusterManagerImpl(const ClusterManagerImpl&) = delete;
  ClusterManagerImpl& operator=(const ClusterManagerImpl&) = delete;

  // Main thread. Makes `clusters` (validated, unique names) the live set:
  // clusters whose config is unchanged keep their hosts, health state and
  // connections; changed ones are rebuilt (new hosts, new budgets, existing
  // connections keep working) and replace the old version once initialized
  // (Envoy's warming: a STRICT_DNS replacement after its first answer);
  // missing ones disappear from workers' lookups (connections they made live
  // on). An error lists clusters whose transport
  // socket hook failed; those keep their previous version if they had one,
  // everything else is applied.
  Status update(std::vector<config::ClusterConfig> clusters);

  // Main thread, before `worker_dispatcher` runs: installs the current
  // clusters for that worker and returns its view, valid for this object's
  // life and to be used only on that worker's thread. Later changes reach it
  // through worker_dispatcher.post().
  ClusterManager& registerWorker(event::Dispatcher& worker_dispatcher);

  // Main thread: `cb` runs once every cluster of the first update() has its
  // initial hosts (STRICT_DNS: first answer or failure), at once if already.
  // For readiness: Envoy's init manager waits on the same.
  void onInitialized(std::function<void()> cb);
  bool initialized() const;

  // Envoy's /clusters text ("web::10.0.0.1:80::health_flags::healthy").
  std::string dumpClusters() const;
  // The effective clusters as Envoy v3 YAML ("clusters:" then the list),
  // for /config_dump.
  std::string dumpConfig() const;

  // Main-thread introspection (admin, tests): nullptr if absent.
  const Cluster* cluster(std::string_view name) const;
  size_t clusterCount() const { return clusters_.size(); }

 private:
  struct Worker {
    event::Dispatcher* dispatcher;
    std::shared_ptr<WorkerClusterManager> view;
  };

  void onPublish(Cluster& cluster);
  void onClusterInitialized(Cluster& cluster);
  void postRemoval(const std::string& name);
  void checkInitialized();

  event::Dispatcher& dispatcher_;
  stats::Store& store_;
  const TransportSocketFactoryCb transport_factory_;
  const uint64_t seed_;
  std::map<std::string, ClusterSharedPtr, std::less<>> clusters_;  // live
  // Replacements waiting for their first hosts; they go live when ready.
  std::map<std::string, ClusterSharedPtr, std::less<>> warming_;
  std::vector<Worker> workers_;
  std::vector<std::function<void()>> initialized_callbacks_;
  bool first_update_done_ = false;
};

}  // namespace remora::upstream
