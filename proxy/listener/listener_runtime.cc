#include "proxy/listener/listener_runtime.h"

#include <limits>

#include "common/network/raw_transport_socket.h"
#include "proxy/listener/filter_chain_matcher.h"

namespace remora::listener {

namespace {
std::atomic<uint64_t> next_tag{1};

std::optional<FilterChain> buildChain(const config::FilterChainConfig& chain_config,
                                      const std::string& path, const std::string& stat_prefix,
                                      const filters::FilterRegistry& registry,
                                      filters::FactoryContext& context,
                                      const TransportSocketFactoryBuilder& tls,
                                      config::ErrorList& errors) {
  FilterChain chain;
  chain.name = chain_config.name;
  size_t before = errors.size();
  for (size_t i = 0; i < chain_config.filters.size(); ++i) {
    const auto& filter = chain_config.filters[i];
    auto* factory = registry.networkFilter(filter.name);
    if (factory == nullptr) {
      filter.node.error(errors, "unknown network filter '" + filter.name +
                                    "' (supported: " + registry.networkFilterNames() + ")");
      continue;
    }
    if (factory->isTerminal() && i + 1 != chain_config.filters.size()) {
      filter.node.error(errors, "'" + filter.name + "' is a terminal filter and must be last in " + path);
    }
    if (!factory->isTerminal() && i + 1 == chain_config.filters.size()) {
      filter.node.error(errors, "the last filter of " + path + " must be a terminal filter (e.g. tcp_proxy)");
    }
    if (auto cb = factory->createFilterFactory(filter, context, errors)) chain.factories.push_back(*cb);
  }
  if (chain_config.transport_socket) {
    if (auto factory = tls(*chain_config.transport_socket, true, stat_prefix, errors)) {
      chain.transport_socket_factory = *factory;
    }
  } else {
    chain.transport_socket_factory = std::make_shared<network::RawTransportSocketFactory>();
  }
  if (errors.size() != before) return std::nullopt;
  return chain;
}
}  // namespace

std::string listenerStatName(const network::Address& address) {
  std::string ip = address.ip();
  if (address.version() == network::IpVersion::v6) {
    for (auto& c : ip) {
      if (c == ':') c = '_';
    }
    ip = "[" + ip + "]";
  }
  return ip + "_" + std::to_string(address.port());
}

ListenerStats::ListenerStats(stats::Scope scope)
    : downstream_cx_total(scope.counter("downstream_cx_total")),
      downstream_cx_active(scope.gauge("downstream_cx_active")),
      downstream_cx_destroy(scope.counter("downstream_cx_destroy")),
      no_filter_chain_match(scope.counter("no_filter_chain_match")),
      downstream_pre_cx_timeout(scope.counter("downstream_pre_cx_timeout")),
      downstream_pre_cx_active(scope.gauge("downstream_pre_cx_active")),
      downstream_cx_overflow(scope.counter("downstream_cx_overflow")),
      downstream_cx_transport_socket_connect_timeout(
          scope.counter("downstream_cx_transport_socket_connect_timeout")),
      downstream_cx_length_ms(scope.histogram("downstream_cx_length_ms")) {}

uint32_t ExactBalancer::pick() const {
  uint32_t best = 0;
  int64_t best_count = std::numeric_limits<int64_t>::max();
  for (uint32_t i = 0; i < counts_.size(); ++i) {
    int64_t c = counts_[i].load(std::memory_order_relaxed);
    if (c < best_count) {
      best = i;
      best_count = c;
    }
  }
  return best;
}

std::shared_ptr<ListenerRuntime> ListenerRuntime::build(const config::ListenerConfig& config,
                                                        const filters::FilterRegistry& registry,
                                                        filters::FactoryContext& context,
                                                        const TransportSocketFactoryBuilder& tls,
                                                        config::ErrorList& errors) {
  auto runtime = std::make_shared<ListenerRuntime>();
  runtime->config_ = config;
  runtime->tag_ = next_tag.fetch_add(1);
  size_t before = errors.size();
  for (const auto& filter : config.listener_filters) {
    auto* factory = registry.listenerFilter(filter.name);
    if (factory == nullptr) {
      filter.node.error(errors, "unknown listener filter '" + filter.name +
                                    "' (supported: " + registry.listenerFilterNames() + ")");
      continue;
    }
    if (auto cb = factory->createFilterFactory(filter, context, errors)) {
      runtime->listener_filters_.push_back(*cb);
    }
  }
  std::string stat_prefix = "listener." + listenerStatName(config.address) + ".";
  for (size_t i = 0; i < config.filter_chains.size(); ++i) {
    std::string path = "filter_chains[" + std::to_string(i) + "]";
    if (auto chain = buildChain(config.filter_chains[i], path, stat_prefix, registry, context, tls, errors)) {
      runtime->chains_.push_back(std::move(*chain));
    }
  }
  if (config.default_filter_chain) {
    runtime->default_chain_ =
        buildChain(*config.default_filter_chain, "default_filter_chain", stat_prefix, registry, context, tls, errors);
  }
  if (errors.size() != before) return nullptr;
  for (const auto& c : runtime->config_.filter_chains) runtime->matches_.push_back(&c.match);
  runtime->stats_ = std::make_unique<ListenerStats>(
      stats::Scope(context.stats, "listener." + listenerStatName(config.address) + "."));
  return runtime;
}

void ListenerRuntime::setWorkerStats(stats::Store& store, uint32_t workers) {
  stats::Scope scope(store, "listener." + listenerStatName(config_.address) + ".");
  worker_stats_.clear();
  for (uint32_t i = 0; i < workers; ++i) {
    stats::Scope worker = scope.child("worker_" + std::to_string(i));
    worker_stats_.push_back({&worker.counter("downstream_cx_total"), &worker.gauge("downstream_cx_active")});
  }
}

const FilterChain* ListenerRuntime::findFilterChain(const network::ConnectionInfo& info) const {
  int index = selectFilterChain(matches_, info);
  if (index >= 0) return &chains_[static_cast<size_t>(index)];
  return default_chain_ ? &*default_chain_ : nullptr;
}

}  // namespace remora::listener
