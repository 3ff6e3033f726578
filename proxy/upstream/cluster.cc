#include "proxy/upstream/cluster.h"

#include <algorithm>

#include "common/logging/logger.h"

namespace remora::upstream {

namespace {

// Creates ORIGINAL_DST hosts on a worker and tells the main thread.
class ClusterHostFactory : public OriginalDstHostFactory {
 public:
  ClusterHostFactory(event::Dispatcher& main, std::weak_ptr<Cluster> cluster,
                     OutlierSinkConstSharedPtr sink)
      : main_(main), cluster_(std::move(cluster)), sink_(std::move(sink)) {}

  HostImplConstSharedPtr createHost(const network::Address& address) const override {
    HostImplConstSharedPtr host = std::make_shared<HostImpl>(address, "", 1, sink_);
    // Locked only on the main thread, where the cluster is destroyed too.
    main_.post([cluster = cluster_, host] {
      if (auto c = cluster.lock()) c->addOriginalDstHost(host);
    });
    return host;
  }

 private:
  event::Dispatcher& main_;
  const std::weak_ptr<Cluster> cluster_;
  const OutlierSinkConstSharedPtr sink_;
};

network::DnsLookupFamily queryFamily(config::DnsLookupFamily family) {
  switch (family) {
    case config::DnsLookupFamily::V4Only:
      return network::DnsLookupFamily::V4Only;
    case config::DnsLookupFamily::V6Only:
      return network::DnsLookupFamily::V6Only;
    default:
      return network::DnsLookupFamily::Auto;
  }
}

// Applies Envoy's preference between the families of one answer.
std::vector<network::Address> selectFamily(config::DnsLookupFamily family,
                                           std::vector<network::Address> all) {
  auto of = [&](network::IpVersion v) {
    std::vector<network::Address> out;
    for (const auto& a : all) {
      if (a.version() == v) out.push_back(a);
    }
    return out;
  };
  switch (family) {
    case config::DnsLookupFamily::Auto: {  // IPv6 if there is any, else IPv4
      auto v6 = of(network::IpVersion::v6);
      return v6.empty() ? of(network::IpVersion::v4) : v6;
    }
    case config::DnsLookupFamily::V4Preferred: {
      auto v4 = of(network::IpVersion::v4);
      return v4.empty() ? of(network::IpVersion::v6) : v4;
    }
    case config::DnsLookupFamily::V4Only:
      return of(network::IpVersion::v4);
    case config::DnsLookupFamily::V6Only:
      return of(network::IpVersion::v6);
    case config::DnsLookupFamily::All:
      return all;
  }
  return all;
}

}  // namespace

struct Cluster::DnsTarget {
  config::EndpointConfig endpoint;
  event::TimerPtr timer;
  std::unique_ptr<network::DnsResolver::Query> query;
  std::vector<HostImplConstSharedPtr> hosts;
  bool resolved_once = false;
};

Cluster::Cluster(event::Dispatcher& dispatcher, stats::Store& store,
                 const config::ClusterConfig& config,
                 network::TransportSocketFactoryPtr transport_factory, PublishCb on_publish)
    : dispatcher_(dispatcher),
      info_(std::make_shared<ClusterInfoImpl>(config, store, std::move(transport_factory))),
      on_publish_(std::move(on_publish)),
      host_set_(std::make_shared<HostSet>()) {}

Cluster::~Cluster() {
  // Queries and timers go first: their callbacks point at this object.
  dns_targets_.clear();
  health_checkers_.clear();
}

void Cluster::initialize(std::function<void()> on_initialized) {
  on_initialized_ = std::move(on_initialized);
  const auto& cfg = config();
  std::weak_ptr<Cluster> weak = weak_from_this();
  auto on_health_changed = [this] { publish(); };
  if (cfg.outlier_detection) {
    outlier_detector_ =
        OutlierDetector::create(dispatcher_, *cfg.outlier_detection, info_, on_health_changed);
  }
  if (cfg.type != config::DiscoveryType::OriginalDst) {
    for (const auto& hc : cfg.health_checks) {
      health_checkers_.push_back(
          std::make_unique<TcpHealthChecker>(dispatcher_, hc, info_, on_health_changed));
    }
  }
  switch (cfg.type) {
    case config::DiscoveryType::Static: {
      std::vector<HostImplConstSharedPtr> hosts;
      for (const auto& ep : cfg.endpoints) {
        auto address = network::Address::fromIp(ep.address, ep.port);
        if (address) hosts.push_back(makeHost(*address, "", ep.load_balancing_weight));
      }
      setHosts(std::move(hosts));
      markInitialized();
      break;
    }
    case config::DiscoveryType::OriginalDst:
      original_dst_factory_ = std::make_shared<ClusterHostFactory>(
          dispatcher_, weak, outlier_detector_ ? outlier_detector_->sink() : nullptr);
      cleanup_timer_ = dispatcher_.createTimer([this] { sweepOriginalDst(); });
      cleanup_timer_->enableTimer(cfg.cleanup_interval);
      publish();
      markInitialized();
      break;
    case config::DiscoveryType::StrictDns:
      dns_resolver_ = dispatcher_.createDnsResolver(cfg.dns_resolvers);
      for (const auto& ep : cfg.endpoints) {
        auto target = std::make_unique<DnsTarget>();
        target->endpoint = ep;
        DnsTarget* raw = target.get();
        target->timer = dispatcher_.createTimer([this, raw] { resolve(*raw); });
        dns_targets_.push_back(std::move(target));
      }
      publish();
      if (dns_targets_.empty()) markInitialized();
      // Resolving from a timer keeps a synchronous answer (a literal, the
      // hosts file) from re-entering initialize().
      for (auto& target : dns_targets_) target->timer->enableTimer(std::chrono::milliseconds(0));
      break;
  }
}

HostImplConstSharedPtr Cluster::makeHost(const network::Address& address,
                                         const std::string& hostname, uint32_t weight) const {
  auto host = std::make_shared<HostImpl>(address, hostname, weight,
                                         outlier_detector_ ? outlier_detector_->sink() : nullptr);
  // As in Envoy, an actively checked host is not trusted before its first check.
  if (!health_checkers_.empty()) host->setHealthFlag(HealthFlag::FailedActiveHc, true);
  return host;
}

void Cluster::setHosts(std::vector<HostImplConstSharedPtr> hosts) {
  hosts_ = std::move(hosts);
  for (auto& checker : health_checkers_) checker->setHosts(hosts_);
  if (outlier_detector_) outlier_detector_->setHosts(hosts_);
  publish();
}

void Cluster::publish() {
  host_set_ = makeHostSet(hosts_);
  info_->stats().membership_total.set(static_cast<int64_t>(host_set_->hosts.size()));
  info_->stats().membership_healthy.set(static_cast<int64_t>(host_set_->healthy_hosts.size()));
  if (on_publish_) on_publish_(*this);
}

void Cluster::markInitialized() {
  if (initialized_) return;
  initialized_ = true;
  if (on_initialized_) {
    auto cb = std::move(on_initialized_);
    cb();
  }
}

void Cluster::resolve(DnsTarget& target) {
  info_->stats().update_attempt.inc();
  target.query = dns_resolver_->resolve(
      target.endpoint.address, queryFamily(config().dns_lookup_family),
      [this, &target](std::vector<network::Address> addresses, std::string error) {
        onResolved(target, std::move(addresses), error);
      });
}

void Cluster::onResolved(DnsTarget& target, std::vector<network::Address> addresses,
                         const std::string& error) {
  // The query is finished; dropping its handle later is harmless, but the
  // handle must not be destroyed from inside its own callback.
  target.timer->enableTimer(config().dns_refresh_rate);
  if (!error.empty()) {
    // Envoy keeps the last good hosts when a refresh fails.
    info_->stats().update_failure.inc();
    REMORA_LOG(warn, logging::Component::Upstream, "cluster {}: resolving {} failed: {}",
               info_->name(), target.endpoint.address, error);
  } else {
    info_->stats().update_success.inc();
    std::vector<HostImplConstSharedPtr> next;
    for (const auto& a : selectFamily(config().dns_lookup_family, std::move(addresses))) {
      auto address = a.withPort(target.endpoint.port);
      auto same =
          std::find_if(target.hosts.begin(), target.hosts.end(),
                       [&](const HostImplConstSharedPtr& h) { return h->address() == address; });
      bool duplicate = std::any_of(next.begin(), next.end(), [&](const HostImplConstSharedPtr& h) {
        return h->address() == address;
      });
      if (duplicate) continue;
      // Hosts that stay keep their identity, so their health and counters too.
      next.push_back(same != target.hosts.end() ? *same
                                                : makeHost(address, target.endpoint.address,
                                                           target.endpoint.load_balancing_weight));
    }
    if (next != target.hosts) {
      target.hosts = std::move(next);
      rebuildFromDnsTargets();
    }
  }
  target.resolved_once = true;
  if (std::all_of(dns_targets_.begin(), dns_targets_.end(),
                  [](const auto& t) { return t->resolved_once; })) {
    markInitialized();
  }
}

void Cluster::rebuildFromDnsTargets() {
  std::vector<HostImplConstSharedPtr> hosts;
  for (const auto& target : dns_targets_)
    hosts.insert(hosts.end(), target->hosts.begin(), target->hosts.end());
  setHosts(std::move(hosts));
}

void Cluster::addOriginalDstHost(const HostImplConstSharedPtr& host) {
  bool known = std::any_of(hosts_.begin(), hosts_.end(), [&](const HostImplConstSharedPtr& h) {
    return h->address() == host->address();
  });
  // Two workers may race to create the same destination: the first one wins.
  if (known) return;
  auto hosts = hosts_;
  hosts.push_back(host);
  setHosts(std::move(hosts));
}

void Cluster::sweepOriginalDst() {
  std::vector<HostImplConstSharedPtr> keep;
  for (const auto& host : hosts_) {
    // A host is reaped after a whole cleanup_interval unused with no open
    // connection (Envoy's rule).
    bool used = host->takeUsed();
    if (used || host->cxActive() > 0) keep.push_back(host);
  }
  if (keep.size() != hosts_.size()) {
    REMORA_LOG(debug, logging::Component::Upstream, "cluster {}: reaped {} ORIGINAL_DST hosts",
               info_->name(), hosts_.size() - keep.size());
    setHosts(std::move(keep));
  }
  cleanup_timer_->enableTimer(config().cleanup_interval);
}

}  // namespace remora::upstream
