#pragma once

// The ClusterManager a worker's filters use: the worker's own
// ThreadLocalClusters, replaced only by callbacks that ClusterManagerImpl
// posts to the worker's dispatcher. Worker thread only (apart from the
// initial install, which happens before the worker runs).

#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "proxy/upstream/thread_local_cluster_impl.h"

namespace remora::upstream {

class WorkerClusterManager : public ClusterManager {
 public:
  explicit WorkerClusterManager(uint64_t seed) : seed_(seed) {}

  ThreadLocalCluster* getThreadLocalCluster(std::string_view name) override;
  void drainUpstream(UpstreamConnectionPtr connection) override;
  size_t drainingCount() const { return draining_.size(); }

  // Installs a cluster version, or gives the installed one (same `info`) a
  // newer snapshot.
  void setCluster(const ClusterInfoImplConstSharedPtr& info, HostSetConstSharedPtr hosts,
                  const OriginalDstHostFactoryConstSharedPtr& original_dst_factory);
  void removeCluster(const std::string& name);
  size_t clusterCount() const { return clusters_.size(); }

 private:
  // An upstream connection flushing its last bytes; removes itself from the
  // owner's list when the connection closes.
  class Drainer : public network::ConnectionCallbacks, public event::DeferredDeletable {
   public:
    Drainer(WorkerClusterManager& parent, UpstreamConnectionPtr connection);
    void onEvent(network::ConnectionEvent event) override;
    UpstreamConnectionPtr connection;
    std::list<std::unique_ptr<Drainer>>::iterator self;

   private:
    WorkerClusterManager& parent_;
  };

  uint64_t seed_;
  std::map<std::string, std::unique_ptr<ThreadLocalClusterImpl>, std::less<>> clusters_;
  std::list<std::unique_ptr<Drainer>> draining_;
};

}  // namespace remora::upstream
