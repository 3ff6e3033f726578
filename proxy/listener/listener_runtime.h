#pragma once

// A listener as the workers run it: validated config compiled into filter
// factories and transport socket factories, its stats, and its sockets.
// Immutable once built and shared (std::shared_ptr<const>) with every worker.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/network/transport_socket.h"
#include "common/stats/store.h"
#include "config/listener_config.h"
#include "filters/filter_registry.h"
#include "proxy/listener/listen_sockets.h"

namespace remora::listener {

struct FilterChain {
  std::string name;
  std::vector<filters::NetworkFilterFactoryCb> factories;
  network::TransportSocketFactoryPtr transport_socket_factory;
};

// listener.<address>.* with Envoy's names.
struct ListenerStats {
  explicit ListenerStats(stats::Scope scope);
  stats::Counter& downstream_cx_total;
  stats::Gauge& downstream_cx_active;
  stats::Counter& downstream_cx_destroy;
  stats::Counter& no_filter_chain_match;
  stats::Counter& downstream_pre_cx_timeout;
  stats::Gauge& downstream_pre_cx_active;
  stats::Counter& downstream_cx_overflow;
  stats::Counter& downstream_cx_transport_socket_connect_timeout;
  stats::Histogram& downstream_cx_length_ms;
};

// Exact connection balancing (Envoy's exact_balance): the accepting worker
// hands each connection to the worker with the fewest, so a few long-lived
// connections spread over every worker.
class ExactBalancer {
 public:
  explicit ExactBalancer(uint32_t workers) : counts_(workers) {}
  // The worker with the fewest connections on this listener.
  uint32_t pick() const;
  void add(uint32_t worker) { counts_[worker % counts_.size()].fetch_add(1, std::memory_order_relaxed); }
  void release(uint32_t worker) { counts_[worker % counts_.size()].fetch_sub(1, std::memory_order_relaxed); }

 private:
  std::vector<std::atomic<int64_t>> counts_;
};

// Makes transport socket factories from a `transport_socket:` node (TLS);
// nullopt with errors when invalid. `stat_prefix` is the listener's or
// cluster's scope ("listener.0.0.0.0_15006." / "cluster.web.").
using TransportSocketFactoryBuilder = std::function<std::optional<network::TransportSocketFactoryPtr>(
    const config::YamlNode& node, bool downstream, const std::string& stat_prefix,
    config::ErrorList& errors)>;

class ListenerRuntime {
 public:
  // Validates and compiles `config` (no sockets yet).
  static std::shared_ptr<ListenerRuntime> build(const config::ListenerConfig& config,
                                                const filters::FilterRegistry& registry,
                                                filters::FactoryContext& context,
                                                const TransportSocketFactoryBuilder& tls,
                                                config::ErrorList& errors);

  const config::ListenerConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }
  uint64_t tag() const { return tag_; }
  const std::vector<filters::ListenerFilterFactoryCb>& listenerFilters() const { return listener_filters_; }
  // The chain for a connection, or nullptr (no match and no default chain).
  const FilterChain* findFilterChain(const network::ConnectionInfo& info) const;
  ListenerStats& stats() const { return *stats_; }
  // Null when the listener does not bind (bind_to_port: false).
  const ListenSocketsSharedPtr& sockets() const { return sockets_; }
  void setSockets(ListenSocketsSharedPtr sockets) { sockets_ = std::move(sockets); }
  ExactBalancer* balancer() const { return balancer_.get(); }
  // Envoy's per-worker listener stats: listener.<address>.worker_<i>.downstream_cx_{total,active}.
  struct WorkerStats {
    stats::Counter* downstream_cx_total;
    stats::Gauge* downstream_cx_active;
  };
  void setWorkerStats(stats::Store& store, uint32_t workers);
  const WorkerStats* workerStats(uint32_t worker) const {
    return worker < worker_stats_.size() ? &worker_stats_[worker] : nullptr;
  }
  void setBalancer(std::shared_ptr<ExactBalancer> balancer) { balancer_ = std::move(balancer); }
  // The address connections are matched against for hand-off: the bound
  // address when bound, else the configured one.
  network::Address address() const { return sockets_ ? sockets_->address() : config_.address; }

 private:
  config::ListenerConfig config_;
  uint64_t tag_ = 0;
  std::vector<filters::ListenerFilterFactoryCb> listener_filters_;
  std::vector<FilterChain> chains_;
  std::vector<const config::FilterChainMatch*> matches_;
  std::optional<FilterChain> default_chain_;
  std::unique_ptr<ListenerStats> stats_;
  ListenSocketsSharedPtr sockets_;
  std::shared_ptr<ExactBalancer> balancer_;
  std::vector<WorkerStats> worker_stats_;
};
using ListenerRuntimeConstSharedPtr = std::shared_ptr<const ListenerRuntime>;

// "0.0.0.0_15001", Envoy's listener stat name for an address.
std::string listenerStatName(const network::Address& address);

}  // namespace remora::listener
