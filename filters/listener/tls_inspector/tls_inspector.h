#pragma once

// envoy.filters.listener.tls_inspector: peeks at the first bytes of a
// connection without consuming them; a TLS ClientHello sets the transport
// protocol "tls", the SNI and the offered ALPN list for filter-chain matching.
// Anything else is "raw_buffer". Bounded: at most the size cap is peeked, and
// the listener's listener_filters_timeout ends a slow hello.

#include <memory>

#include "common/stats/store.h"
#include "filters/filter_registry.h"
#include "filters/listener/listener_filter.h"
#include "filters/listener/tls_inspector/client_hello_parser.h"

namespace remora::filters::tls_inspector {

// tls_inspector.* with Envoy's names.
struct TlsInspectorStats {
  explicit TlsInspectorStats(stats::Scope scope);
  stats::Counter& tls_found;
  stats::Counter& tls_not_found;
  stats::Counter& client_hello_too_large;
  stats::Counter& client_hello_malformed;
  stats::Counter& sni_found;
  stats::Counter& sni_not_found;
  stats::Counter& alpn_found;
  stats::Counter& alpn_not_found;
  stats::Histogram& bytes_processed;
};

struct TlsInspectorConfig {
  size_t max_client_hello_size = kDefaultMaxClientHelloSize;
  std::unique_ptr<TlsInspectorStats> stats;
};

class TlsInspectorFilter : public ListenerFilter {
 public:
  explicit TlsInspectorFilter(std::shared_ptr<const TlsInspectorConfig> config) : config_(std::move(config)) {}
  ListenerFilterStatus onAccept(ListenerFilterCallbacks& callbacks) override;
  size_t maxReadBytes() const override { return config_->max_client_hello_size + 5; }
  ListenerFilterStatus onData(const uint8_t* data, size_t size, bool end_of_data) override;

 private:
  std::shared_ptr<const TlsInspectorConfig> config_;
  ListenerFilterCallbacks* callbacks_ = nullptr;
};

class TlsInspectorFactory : public ListenerFilterFactory {
 public:
  std::string name() const override { return "tls_inspector"; }
  std::optional<ListenerFilterFactoryCb> createFilterFactory(const config::FilterConfig& config,
                                                             FactoryContext& context,
                                                             config::ErrorList& errors) override;
};

}  // namespace remora::filters::tls_inspector
