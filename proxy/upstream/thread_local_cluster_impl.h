#pragma once

// One worker's view of one cluster version: the latest host-set snapshot,
// load balancers built from it, and (ORIGINAL_DST) the hosts this worker
// created that the main thread has not confirmed yet. Used only on the
// worker's dispatcher thread.

#include <map>
#include <memory>
#include <string>

#include "proxy/upstream/cluster_info_impl.h"
#include "proxy/upstream/host_set.h"
#include "proxy/upstream/load_balancer.h"

namespace remora::upstream {

// Creates ORIGINAL_DST hosts on demand. Thread-safe: any worker calls it; the
// new host is announced to the main thread, which adds it to the cluster so
// that later snapshots (and the other workers) share it.
class OriginalDstHostFactory {
 public:
  virtual ~OriginalDstHostFactory() = default;
  virtual HostImplConstSharedPtr createHost(const network::Address& address) const = 0;
};
using OriginalDstHostFactoryConstSharedPtr = std::shared_ptr<const OriginalDstHostFactory>;

class ThreadLocalClusterImpl : public ThreadLocalCluster {
 public:
  // `original_dst_factory` is non-null exactly for ORIGINAL_DST clusters.
  ThreadLocalClusterImpl(ClusterInfoImplConstSharedPtr info, HostSetConstSharedPtr hosts,
                         OriginalDstHostFactoryConstSharedPtr original_dst_factory, uint64_t seed);

  // ThreadLocalCluster
  const ClusterInfo& info() const override { return *info_; }
  HostConstSharedPtr chooseHost(const LoadBalancerContext& context) override;
  CreateConnectionResult createConnection(event::Dispatcher& dispatcher,
                                          const LoadBalancerContext& context,
                                          const network::TransportSocketOptions& options) override;

  // A newer snapshot of the same cluster version.
  void updateHosts(HostSetConstSharedPtr hosts);
  const ClusterInfoImplConstSharedPtr& infoImpl() const { return info_; }
  const HostSetConstSharedPtr& hostSet() const { return hosts_; }

 private:
  HostImplConstSharedPtr chooseFromSet(const LoadBalancerContext& context);
  HostImplConstSharedPtr chooseOriginalDst(const LoadBalancerContext& context);

  const ClusterInfoImplConstSharedPtr info_;
  const OriginalDstHostFactoryConstSharedPtr original_dst_factory_;
  HostSetConstSharedPtr hosts_;
  uint64_t seed_;
  size_t scan_offset_ = 0;
  LoadBalancerPtr healthy_lb_;  // over the healthy hosts
  LoadBalancerPtr panic_lb_;    // over all hosts, built on first need
  // ORIGINAL_DST: "ip:port" -> host, from the snapshot plus this worker's
  // unconfirmed ones.
  std::map<std::string, HostImplConstSharedPtr, std::less<>> original_dst_hosts_;
};

}  // namespace remora::upstream
