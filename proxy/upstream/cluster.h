#pragma once

// One cluster version as the main thread runs it: its hosts (static, from
// STRICT_DNS answers, or ORIGINAL_DST hosts created by workers), the active
// health checkers, the outlier detector and the ORIGINAL_DST reaper. Every
// change of membership or health produces a new immutable HostSet snapshot
// handed to `on_publish`, which the ClusterManagerImpl posts to the workers.
// Main thread only.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/event/dispatcher.h"
#include "common/network/dns_resolver.h"
#include "config/cluster_config.h"
#include "proxy/upstream/cluster_info_impl.h"
#include "proxy/upstream/host_set.h"
#include "proxy/upstream/outlier_detector.h"
#include "proxy/upstream/tcp_health_checker.h"
#include "proxy/upstream/thread_local_cluster_impl.h"

namespace remora::upstream {

class Cluster : public std::enable_shared_from_this<Cluster> {
 public:
  using PublishCb = std::function<void(Cluster& cluster)>;

  Cluster(event::Dispatcher& dispatcher, stats::Store& store, const config::ClusterConfig& config,
          network::TransportSocketFactoryPtr transport_factory, PublishCb on_publish);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Builds the initial hosts and starts DNS, health checks, outlier detection
  // and reaping. Call once, after the Cluster is owned by a shared_ptr.
  // `on_initialized` runs once the first DNS answers are in (at once for the
  // other types).
  void initialize(std::function<void()> on_initialized);
  bool initialized() const { return initialized_; }

  const config::ClusterConfig& config() const { return info_->config(); }
  const ClusterInfoImplConstSharedPtr& info() const { return info_; }
  const HostSetConstSharedPtr& hostSet() const { return host_set_; }
  const std::vector<HostImplConstSharedPtr>& hosts() const { return hosts_; }
  // Non-null for ORIGINAL_DST clusters.
  const OriginalDstHostFactoryConstSharedPtr& originalDstFactory() const {
    return original_dst_factory_;
  }

  // A host a worker created for an ORIGINAL_DST destination.
  void addOriginalDstHost(const HostImplConstSharedPtr& host);

 private:
  struct DnsTarget;

  HostImplConstSharedPtr makeHost(const network::Address& address, const std::string& hostname,
                                  uint32_t weight) const;
  void setHosts(std::vector<HostImplConstSharedPtr> hosts);
  void publish();
  void resolve(DnsTarget& target);
  void onResolved(DnsTarget& target, std::vector<network::Address> addresses,
                  const std::string& error);
  void rebuildFromDnsTargets();
  void sweepOriginalDst();
  void markInitialized();

  event::Dispatcher& dispatcher_;
  const ClusterInfoImplConstSharedPtr info_;
  const PublishCb on_publish_;
  std::vector<HostImplConstSharedPtr> hosts_;
  HostSetConstSharedPtr host_set_;
  std::vector<std::unique_ptr<TcpHealthChecker>> health_checkers_;
  std::shared_ptr<OutlierDetector> outlier_detector_;
  OriginalDstHostFactoryConstSharedPtr original_dst_factory_;
  event::TimerPtr cleanup_timer_;
  network::DnsResolverPtr dns_resolver_;
  std::vector<std::unique_ptr<DnsTarget>> dns_targets_;
  std::function<void()> on_initialized_;
  bool initialized_ = false;
};
using ClusterSharedPtr = std::shared_ptr<Cluster>;

}  // namespace remora::upstream
