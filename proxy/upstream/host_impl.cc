#include "proxy/upstream/host_impl.h"

namespace remora::upstream {

HostImpl::HostImpl(network::Address address, std::string hostname, uint32_t weight,
                   OutlierSinkConstSharedPtr outlier_sink)
    : address_(address),
      hostname_(std::move(hostname)),
      weight_(weight == 0 ? 1 : weight),
      outlier_sink_(std::move(outlier_sink)) {}

void HostImpl::reportConnectResult(bool success) const {
  if (outlier_sink_ == nullptr) return;
  if (success) {
    consecutive_failures_.store(0, std::memory_order_relaxed);
    return;
  }
  // Exactly one reporter sees the streak reach the threshold, so the main
  // thread hears of it once; it resets the count after deciding.
  uint32_t now = consecutive_failures_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (now == outlier_sink_->threshold()) outlier_sink_->onConsecutiveFailures(shared_from_this());
}

void HostImpl::onConnectionOpened() const {
  cx_active_.fetch_add(1, std::memory_order_relaxed);
  cx_total_.fetch_add(1, std::memory_order_relaxed);
}

void HostImpl::onConnectionClosed() const { cx_active_.fetch_sub(1, std::memory_order_relaxed); }

void HostImpl::setHealthFlag(HealthFlag flag, bool set) const {
  auto bit = static_cast<uint32_t>(flag);
  if (set) {
    health_flags_.fetch_or(bit, std::memory_order_relaxed);
  } else {
    health_flags_.fetch_and(~bit, std::memory_order_relaxed);
  }
}

bool HostImpl::healthFlag(HealthFlag flag) const {
  return (health_flags_.load(std::memory_order_relaxed) & static_cast<uint32_t>(flag)) != 0;
}

std::string HostImpl::healthFlagsString() const {
  std::string out;
  if (healthFlag(HealthFlag::FailedActiveHc)) out += "/failed_active_hc";
  if (healthFlag(HealthFlag::FailedOutlierCheck)) out += "/failed_outlier_check";
  return out.empty() ? "healthy" : out;
}

}  // namespace remora::upstream
