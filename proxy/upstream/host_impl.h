#pragma once

// The concrete Host: an address plus health flags and per-host counters that
// the main thread (health checking, outlier detection, /clusters) and the
// workers (load balancing, connections) share. Every mutable field is atomic,
// so a worker never takes a lock to read a host's state.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "proxy/upstream/upstream.h"

namespace remora::upstream {

class HostImpl;
using HostImplSharedPtr = std::shared_ptr<HostImpl>;
using HostImplConstSharedPtr = std::shared_ptr<const HostImpl>;

// Why a host is unhealthy; Envoy's names in /clusters.
enum class HealthFlag : uint32_t {
  FailedActiveHc = 0x1,      // "/failed_active_hc"
  FailedOutlierCheck = 0x2,  // "/failed_outlier_check"
};

// Told when a host has failed to connect `threshold()` times in a row.
// Implementations must be thread-safe: the worker that saw the last failure
// calls it (the outlier detector's sink posts to the main thread).
class OutlierSink {
 public:
  virtual ~OutlierSink() = default;
  virtual uint32_t threshold() const = 0;
  virtual void onConsecutiveFailures(HostImplConstSharedPtr host) const = 0;
};
using OutlierSinkConstSharedPtr = std::shared_ptr<const OutlierSink>;

class HostImpl : public Host, public std::enable_shared_from_this<HostImpl> {
 public:
  // `outlier_sink` may be null (no outlier detection on the cluster).
  HostImpl(network::Address address, std::string hostname, uint32_t weight,
           OutlierSinkConstSharedPtr outlier_sink);

  // Host
  const network::Address& address() const override { return address_; }
  const std::string& hostname() const override { return hostname_; }
  uint32_t weight() const override { return weight_; }
  bool healthy() const override { return health_flags_.load(std::memory_order_relaxed) == 0; }
  void reportConnectResult(bool success) const override;
  void onConnectionOpened() const override;
  void onConnectionClosed() const override;

  // Health flags; set by the main thread, read anywhere.
  void setHealthFlag(HealthFlag flag, bool set) const;
  bool healthFlag(HealthFlag flag) const;
  // "healthy" or "/failed_active_hc/failed_outlier_check" as in Envoy's /clusters.
  std::string healthFlagsString() const;

  // Counters for /clusters and least-request balancing.
  int64_t cxActive() const { return cx_active_.load(std::memory_order_relaxed); }
  uint64_t cxTotal() const { return cx_total_.load(std::memory_order_relaxed); }
  uint64_t cxConnectFail() const { return cx_connect_fail_.load(std::memory_order_relaxed); }
  void onConnectFailed() const { cx_connect_fail_.fetch_add(1, std::memory_order_relaxed); }

  // Outlier detection: restarts the streak (main thread, after handling it).
  void resetConsecutiveFailures() const {
    consecutive_failures_.store(0, std::memory_order_relaxed);
  }
  uint32_t consecutiveFailures() const {
    return consecutive_failures_.load(std::memory_order_relaxed);
  }

  // ORIGINAL_DST reaping: workers mark a host used when they pick it; the
  // main thread's sweep takes (reads and clears) the mark.
  void markUsed() const { used_.store(true, std::memory_order_relaxed); }
  bool takeUsed() const { return used_.exchange(false, std::memory_order_relaxed); }

 private:
  const network::Address address_;
  const std::string hostname_;
  const uint32_t weight_;
  const OutlierSinkConstSharedPtr outlier_sink_;
  mutable std::atomic<uint32_t> health_flags_{0};
  mutable std::atomic<int64_t> cx_active_{0};
  mutable std::atomic<uint64_t> cx_total_{0};
  mutable std::atomic<uint64_t> cx_connect_fail_{0};
  mutable std::atomic<uint32_t> consecutive_failures_{0};
  mutable std::atomic<bool> used_{true};
};

}  // namespace remora::upstream
