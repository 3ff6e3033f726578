#pragma once

// Active TCP health checking of one cluster's hosts on the main thread
// (Envoy's tcp_health_check): every `interval` a new connection to each host;
// with a `send` payload it is written once connected, and with `receive`
// payloads every one must appear in the reply, in order. Connect failure,
// close, or no verdict within `timeout` is a failure. A host becomes
// unhealthy (FailedActiveHc) after `unhealthy_threshold` failures in a row
// and healthy after `healthy_threshold` successes; as in Envoy, a host starts
// unhealthy and its first success alone makes it healthy.

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/event/dispatcher.h"
#include "config/cluster_config.h"
#include "proxy/upstream/cluster_info_impl.h"
#include "proxy/upstream/host_impl.h"

namespace remora::upstream {

class TcpHealthChecker {
 public:
  // `on_health_changed` runs (on the main thread) after a host's health flag
  // flipped. `info` supplies the transport socket and the stats.
  TcpHealthChecker(event::Dispatcher& dispatcher, const config::HealthCheckConfig& config,
                   ClusterInfoImplConstSharedPtr info, std::function<void()> on_health_changed);
  ~TcpHealthChecker();

  // Starts checking hosts that are new in `hosts` (first check after a random
  // part of initial_jitter) and stops checking hosts that are gone.
  void setHosts(const std::vector<HostImplConstSharedPtr>& hosts);

 private:
  class Session;
  friend class Session;

  event::Dispatcher& dispatcher_;
  const config::HealthCheckConfig config_;
  const std::string send_bytes_;
  std::vector<std::string> receive_bytes_;
  const ClusterInfoImplConstSharedPtr info_;
  const std::function<void()> on_health_changed_;
  std::mt19937_64 rng_;
  std::map<const HostImpl*, std::unique_ptr<Session>> sessions_;
};

// "48656c6c6f" -> "Hello"; the parser has validated the digits.
std::string decodeHex(const std::string& hex);

}  // namespace remora::upstream
