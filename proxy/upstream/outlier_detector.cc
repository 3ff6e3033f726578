#include "proxy/upstream/outlier_detector.h"

#include <algorithm>

#include "common/logging/logger.h"

namespace remora::upstream {

namespace {

class PostingSink : public OutlierSink {
 public:
  PostingSink(event::Dispatcher& main, std::weak_ptr<OutlierDetector> detector, uint32_t threshold)
      : main_(main), detector_(std::move(detector)), threshold_(threshold) {}
  uint32_t threshold() const override { return threshold_; }
  void onConsecutiveFailures(HostImplConstSharedPtr host) const override {
    // The weak reference is only dereferenced on the main thread, where the
    // detector is also destroyed.
    main_.post([detector = detector_, host = std::move(host)] {
      if (auto d = detector.lock()) d->onConsecutiveFailures(host);
    });
  }

 private:
  event::Dispatcher& main_;
  const std::weak_ptr<OutlierDetector> detector_;
  const uint32_t threshold_;
};

}  // namespace

std::shared_ptr<OutlierDetector> OutlierDetector::create(
    event::Dispatcher& dispatcher, const config::OutlierDetectionConfig& config,
    ClusterInfoImplConstSharedPtr info, std::function<void()> on_health_changed) {
  auto detector = std::make_shared<OutlierDetector>(dispatcher, config, std::move(info),
                                                    std::move(on_health_changed));
  detector->sink_ =
      std::make_shared<PostingSink>(dispatcher, detector, config.consecutive_local_origin_failure);
  return detector;
}

OutlierDetector::OutlierDetector(event::Dispatcher& dispatcher,
                                 const config::OutlierDetectionConfig& config,
                                 ClusterInfoImplConstSharedPtr info,
                                 std::function<void()> on_health_changed)
    : dispatcher_(dispatcher),
      config_(config),
      info_(std::move(info)),
      on_health_changed_(std::move(on_health_changed)) {
  interval_timer_ = dispatcher_.createTimer([this] { onInterval(); });
  interval_timer_->enableTimer(config_.interval);
}

void OutlierDetector::setHosts(const std::vector<HostImplConstSharedPtr>& hosts) {
  std::map<const HostImpl*, HostState> next;
  for (const auto& host : hosts) {
    auto it = hosts_.find(host.get());
    if (it != hosts_.end()) {
      next.emplace(host.get(), std::move(it->second));
    } else {
      HostState state;
      state.host = host;
      next.emplace(host.get(), std::move(state));
    }
  }
  hosts_ = std::move(next);
  updateGauge();
}

uint32_t OutlierDetector::ejectionsActive() const {
  return static_cast<uint32_t>(std::count_if(
      hosts_.begin(), hosts_.end(), [](const auto& entry) { return entry.second.ejected; }));
}

void OutlierDetector::onConsecutiveFailures(const HostImplConstSharedPtr& host) {
  // Restart the streak whatever we decide, so a host whose ejection was
  // refused can trigger again (Envoy does the same).
  host->resetConsecutiveFailures();
  auto it = hosts_.find(host.get());
  if (it == hosts_.end() || it->second.ejected) return;  // removed meanwhile, or already out
  uint32_t active = ejectionsActive();
  double ejected_percent = hosts_.empty() ? 0 : 100.0 * active / hosts_.size();
  auto& stats = info_->stats();
  stats.outlier_detection_ejections_total.inc();
  if (active > 0 && ejected_percent >= config_.max_ejection_percent) {
    REMORA_LOG(debug, logging::Component::Upstream,
               "cluster {}: not ejecting {}: max_ejection_percent reached", info_->name(),
               host->address().toString());
    return;
  }
  HostState& state = it->second;
  ++state.ejections;
  auto duration = std::min(config_.base_ejection_time * state.ejections, config_.max_ejection_time);
  state.ejected = true;
  state.ejected_until = std::chrono::steady_clock::now() + duration;
  host->setHealthFlag(HealthFlag::FailedOutlierCheck, true);
  stats.outlier_detection_ejections_enforced_total.inc();
  updateGauge();
  REMORA_LOG(info, logging::Component::Upstream,
             "cluster {}: ejected {} for {}ms ({} consecutive connect failures)", info_->name(),
             host->address().toString(), duration.count(),
             config_.consecutive_local_origin_failure);
  on_health_changed_();
}

void OutlierDetector::onInterval() {
  auto now = std::chrono::steady_clock::now();
  bool changed = false;
  for (auto& [key, state] : hosts_) {
    if (state.ejected && now >= state.ejected_until) {
      state.ejected = false;
      state.host->setHealthFlag(HealthFlag::FailedOutlierCheck, false);
      state.host->resetConsecutiveFailures();
      changed = true;
      REMORA_LOG(info, logging::Component::Upstream, "cluster {}: {} is back from ejection",
                 info_->name(), state.host->address().toString());
    }
  }
  interval_timer_->enableTimer(config_.interval);
  if (changed) {
    updateGauge();
    on_health_changed_();
  }
}

void OutlierDetector::updateGauge() {
  info_->stats().outlier_detection_ejections_active.set(ejectionsActive());
}

}  // namespace remora::upstream
