#include "proxy/upstream/thread_local_cluster_impl.h"

#include <algorithm>

#include "proxy/upstream/upstream_connection_impl.h"

namespace remora::upstream {

namespace {
// Picks the policy gets before we fall back to scanning for an untried host
// (Envoy's host_selection_retry_max_attempts, which defaults to 1, bounds the
// same loop; a TCP retry to the host that just failed is pointless).
constexpr uint32_t kMaxSelectionAttempts = 4;

bool attempted(const LoadBalancerContext& context, const HostImplConstSharedPtr& host) {
  return std::any_of(context.attempted_hosts.begin(), context.attempted_hosts.end(),
                     [&](const HostConstSharedPtr& h) { return h.get() == host.get(); });
}
}  // namespace

ThreadLocalClusterImpl::ThreadLocalClusterImpl(
    ClusterInfoImplConstSharedPtr info, HostSetConstSharedPtr hosts,
    OriginalDstHostFactoryConstSharedPtr original_dst_factory, uint64_t seed)
    : info_(std::move(info)), original_dst_factory_(std::move(original_dst_factory)), seed_(seed) {
  updateHosts(std::move(hosts));
}

void ThreadLocalClusterImpl::updateHosts(HostSetConstSharedPtr hosts) {
  hosts_ = std::move(hosts);
  panic_lb_.reset();
  if (original_dst_factory_ != nullptr) {
    // Confirmed hosts replace this worker's provisional ones; hosts the main
    // thread reaped disappear.
    original_dst_hosts_.clear();
    for (const auto& host : hosts_->hosts) original_dst_hosts_[host->address().toString()] = host;
    return;
  }
  // A fresh seed per rebuild keeps workers from moving in lock step.
  seed_ = mixHash(seed_);
  healthy_lb_ = createLoadBalancer(info_->config(), hosts_->healthy_hosts, seed_);
}

HostConstSharedPtr ThreadLocalClusterImpl::chooseHost(const LoadBalancerContext& context) {
  if (original_dst_factory_ != nullptr) return chooseOriginalDst(context);
  return chooseFromSet(context);
}

HostImplConstSharedPtr ThreadLocalClusterImpl::chooseFromSet(const LoadBalancerContext& context) {
  if (hosts_->hosts.empty()) return nullptr;
  LoadBalancer* lb = healthy_lb_.get();
  const std::vector<HostImplConstSharedPtr>* pool = &hosts_->healthy_hosts;
  if (pool->empty()) {
    // Panic: with no healthy host, spread over all of them (a simplification
    // of Envoy's 50% healthy_panic_threshold).
    info_->stats().lb_healthy_panic.inc();
    if (panic_lb_ == nullptr)
      panic_lb_ = createLoadBalancer(info_->config(), hosts_->hosts, seed_ + 1);
    lb = panic_lb_.get();
    pool = &hosts_->hosts;
  }
  HostImplConstSharedPtr first;
  for (uint32_t attempt = 0; attempt < kMaxSelectionAttempts; ++attempt) {
    auto host = lb->pick(context, attempt);
    if (host == nullptr) return nullptr;
    if (!attempted(context, host)) return host;
    if (first == nullptr) first = std::move(host);
  }
  // The policy keeps landing on tried hosts (few untried ones left): take
  // the next untried one in list order rather than repeat a failure.
  const size_t start = scan_offset_++;
  for (size_t i = 0; i < pool->size(); ++i) {
    const auto& host = (*pool)[(start + i) % pool->size()];
    if (!attempted(context, host)) return host;
  }
  return first;
}

HostImplConstSharedPtr ThreadLocalClusterImpl::chooseOriginalDst(
    const LoadBalancerContext& context) {
  if (!context.original_destination || !context.original_destination->valid()) return nullptr;
  const network::Address address = context.original_destination->unmapped();
  const std::string key = address.toString();
  auto it = original_dst_hosts_.find(key);
  HostImplConstSharedPtr host;
  if (it != original_dst_hosts_.end()) {
    host = it->second;
  } else {
    host = original_dst_factory_->createHost(address);
    original_dst_hosts_.emplace(key, host);
  }
  host->markUsed();
  return host;
}

CreateConnectionResult ThreadLocalClusterImpl::createConnection(
    event::Dispatcher& dispatcher, const LoadBalancerContext& context,
    const network::TransportSocketOptions& options) {
  CreateConnectionResult result;
  HostConstSharedPtr chosen = chooseHost(context);
  if (chosen == nullptr) {
    info_->stats().upstream_cx_none_healthy.inc();
    result.failure = ConnectFailure::NoHealthyHost;
    return result;
  }
  if (!info_->tryAcquireConnection()) {
    result.failure = ConnectFailure::ConnectionOverflow;
    return result;
  }
  if (!info_->tryAcquirePending()) {
    info_->releaseConnection();
    result.failure = ConnectFailure::ConnectionOverflow;
    return result;
  }
  // Every host this cluster hands out is a HostImpl.
  auto host = std::static_pointer_cast<const HostImpl>(chosen);
  const auto& source = info_->config().source_address;
  auto connection = dispatcher.createClientConnection(
      host->address(), source ? &*source : nullptr, info_->transportSocketFactory().create(options));
  connection->setConnectTimeout(info_->connectTimeout());
  connection->setBufferLimits(info_->perConnectionBufferLimitBytes());
  result.connection =
      std::make_unique<UpstreamConnectionImpl>(info_, std::move(host), std::move(connection));
  return result;
}

}  // namespace remora::upstream
