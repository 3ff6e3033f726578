#pragma once

// What network filters see of upstream clusters. A worker gets a
// ClusterManager view for its own thread; everything returned from it is used
// only on that worker's dispatcher thread unless stated otherwise.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/event/dispatcher.h"
#include "common/network/address.h"
#include "common/network/connection.h"
#include "common/network/transport_socket.h"
#include "common/stats/store.h"

namespace remora::upstream {

// An upstream endpoint. Shared between the main thread (health checking,
// outlier detection) and the workers; its mutable state is atomic.
class Host {
 public:
  virtual ~Host() = default;
  virtual const network::Address& address() const = 0;
  // The DNS name it was resolved from, or "" for literal addresses.
  virtual const std::string& hostname() const = 0;
  virtual uint32_t weight() const = 0;
  // False while failing active health checks or ejected by outlier detection.
  virtual bool healthy() const = 0;
  // Thread-safe: reports the outcome of a connect attempt (outlier detection
  // counts consecutive local-origin failures).
  virtual void reportConnectResult(bool success) const = 0;
  // Per-host gauges/counters for /clusters: cx_active, cx_total, cx_connect_fail.
  virtual void onConnectionOpened() const = 0;
  virtual void onConnectionClosed() const = 0;
};
using HostConstSharedPtr = std::shared_ptr<const Host>;

// Inputs to host selection.
struct LoadBalancerContext {
  // For RING_HASH/MAGLEV; without it those policies pick at random.
  std::optional<uint64_t> hash_key;
  // ORIGINAL_DST clusters route to this address.
  std::optional<network::Address> original_destination;
  // Hosts already tried by this request/connection (avoided when others exist).
  std::vector<HostConstSharedPtr> attempted_hosts;
};

// Settings of a cluster that callers need.
class ClusterInfo {
 public:
  virtual ~ClusterInfo() = default;
  virtual const std::string& name() const = 0;
  virtual std::chrono::milliseconds connectTimeout() const = 0;
  virtual uint32_t perConnectionBufferLimitBytes() const = 0;
  // "cluster.<name>." stats: upstream_cx_total, upstream_cx_active,
  // upstream_cx_connect_fail, upstream_cx_connect_timeout, upstream_cx_overflow,
  // upstream_cx_none_healthy, upstream_cx_rx_bytes_total, upstream_cx_tx_bytes_total,
  // upstream_rq_pending_overflow, ...
  virtual stats::Scope& statsScope() const = 0;
};
using ClusterInfoConstSharedPtr = std::shared_ptr<const ClusterInfo>;

// Why no connection was made.
enum class ConnectFailure {
  NoHealthyHost,      // Envoy response flag UH
  ConnectionOverflow  // circuit breaker max_connections / max_pending_requests (UO)
};

// A new upstream connection (not yet connected: the caller adds callbacks
// and calls connect()). While it exists it holds one unit of the cluster's
// max_connections budget, and until markConnected() one unit of
// max_pending_requests.
class UpstreamConnection {
 public:
  virtual ~UpstreamConnection() = default;
  virtual network::ClientConnection& connection() = 0;
  virtual const HostConstSharedPtr& host() const = 0;
  // Releases the pending-request unit, reports success to outlier detection.
  virtual void markConnected() = 0;
  // Reports a connect failure/timeout to outlier detection and stats.
  virtual void markConnectFailed(bool timeout) = 0;
};
using UpstreamConnectionPtr = std::unique_ptr<UpstreamConnection>;

struct CreateConnectionResult {
  UpstreamConnectionPtr connection;  // null on failure
  ConnectFailure failure = ConnectFailure::NoHealthyHost;
};

// A cluster as one worker sees it: its own load balancer over an immutable
// snapshot of the host set, refreshed by the main thread.
class ThreadLocalCluster {
 public:
  virtual ~ThreadLocalCluster() = default;
  virtual const ClusterInfo& info() const = 0;
  // Picks a healthy host (or, if none is healthy, Envoy's panic behaviour:
  // any host) per the cluster's lb_policy; nullptr when the cluster is empty.
  virtual HostConstSharedPtr chooseHost(const LoadBalancerContext& context) = 0;
  // Chooses a host and opens a connection to it on `dispatcher` with the
  // cluster's transport socket (TLS when configured), applying circuit
  // breakers. `options` override SNI/ALPN.
  virtual CreateConnectionResult createConnection(event::Dispatcher& dispatcher,
                                                  const LoadBalancerContext& context,
                                                  const network::TransportSocketOptions& options) = 0;
};

class ClusterManager {
 public:
  virtual ~ClusterManager() = default;
  // The calling worker's view of cluster `name`; nullptr if no such cluster.
  // Valid until the calling worker returns to its event loop.
  virtual ThreadLocalCluster* getThreadLocalCluster(std::string_view name) = 0;
  // Takes an upstream connection whose owner is gone but which is still
  // flushing (closed with FlushWrite), and keeps it until it has closed, so
  // its last bytes are not lost (Envoy's UpstreamDrainManager).
  virtual void drainUpstream(UpstreamConnectionPtr connection) = 0;
};

}  // namespace remora::upstream
