#pragma once

// Passive outlier detection for one cluster, on the main thread. Workers
// count each host's consecutive local-origin (connect) failures; the one that
// sees the count reach the threshold tells the detector through its sink
// (a post to the main thread). The detector then ejects the host
// (FailedOutlierCheck) for base_ejection_time x the number of times it has
// been ejected (capped at max_ejection_time), unless that would put more than
// max_ejection_percent of the cluster out — but, as in Envoy, one host may
// always be ejected. Ejected hosts come back on the first interval tick after
// their time is up.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "common/event/dispatcher.h"
#include "config/cluster_config.h"
#include "proxy/upstream/cluster_info_impl.h"
#include "proxy/upstream/host_impl.h"

namespace remora::upstream {

class OutlierDetector : public std::enable_shared_from_this<OutlierDetector> {
 public:
  // Use create(): the sink needs a weak reference to the detector.
  static std::shared_ptr<OutlierDetector> create(event::Dispatcher& dispatcher,
                                                 const config::OutlierDetectionConfig& config,
                                                 ClusterInfoImplConstSharedPtr info,
                                                 std::function<void()> on_health_changed);
  OutlierDetector(event::Dispatcher& dispatcher, const config::OutlierDetectionConfig& config,
                  ClusterInfoImplConstSharedPtr info, std::function<void()> on_health_changed);

  // Given to every host of the cluster; thread-safe.
  const OutlierSinkConstSharedPtr& sink() const { return sink_; }
  // The hosts now in the cluster (main thread).
  void setHosts(const std::vector<HostImplConstSharedPtr>& hosts);
  // Main thread: `host` reached the consecutive-failure threshold.
  void onConsecutiveFailures(const HostImplConstSharedPtr& host);
  uint32_t ejectionsActive() const;

 private:
  struct HostState {
    HostImplConstSharedPtr host;
    uint32_t ejections = 0;
    bool ejected = false;
    std::chrono::steady_clock::time_point ejected_until;
  };
  void onInterval();
  void updateGauge();

  event::Dispatcher& dispatcher_;
  const config::OutlierDetectionConfig config_;
  const ClusterInfoImplConstSharedPtr info_;
  const std::function<void()> on_health_changed_;
  OutlierSinkConstSharedPtr sink_;
  event::TimerPtr interval_timer_;
  std::map<const HostImpl*, HostState> hosts_;
};

}  // namespace remora::upstream
