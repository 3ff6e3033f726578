#include "filters/listener/tls_inspector/tls_inspector.h"

namespace remora::filters::tls_inspector {

TlsInspectorStats::TlsInspectorStats(stats::Scope scope)
    : tls_found(scope.counter("tls_found")),
      tls_not_found(scope.counter("tls_not_found")),
      client_hello_too_large(scope.counter("client_hello_too_large")),
      client_hello_malformed(scope.counter("client_hello_malformed")),
      sni_found(scope.counter("sni_found")),
      sni_not_found(scope.counter("sni_not_found")),
      alpn_found(scope.counter("alpn_found")),
      alpn_not_found(scope.counter("alpn_not_found")),
      bytes_processed(scope.histogram("bytes_processed")) {}

ListenerFilterStatus TlsInspectorFilter::onAccept(ListenerFilterCallbacks& callbacks) {
  callbacks_ = &callbacks;
  return ListenerFilterStatus::StopIteration;
}

ListenerFilterStatus TlsInspectorFilter::onData(const uint8_t* data, size_t size, bool end_of_data) {
  auto& stats = *config_->stats;
  auto result = parseClientHello(data, size, config_->max_client_hello_size);
  auto& info = callbacks_->info();
  switch (result.status) {
    case ClientHelloStatus::NeedMoreData:
      if (!end_of_data) return ListenerFilterStatus::StopIteration;
      // The peer stopped (or closed) mid-hello: not a usable TLS client.
      stats.client_hello_malformed.inc();
      return ListenerFilterStatus::Close;
    case ClientHelloStatus::Complete:
      stats.tls_found.inc();
      stats.bytes_processed.record(result.hello.bytes_used);
      (result.hello.server_name.empty() ? stats.sni_not_found : stats.sni_found).inc();
      (result.hello.alpn_protocols.empty() ? stats.alpn_not_found : stats.alpn_found).inc();
      info.transport_protocol = network::kTlsProtocol;
      info.client_hello = std::make_shared<const network::ClientHelloInfo>(
          network::ClientHelloInfo{std::move(result.hello.server_name),
                                   std::move(result.hello.alpn_protocols)});
      return ListenerFilterStatus::Continue;
    case ClientHelloStatus::NotTls:
      stats.tls_not_found.inc();
      info.transport_protocol = network::kRawBufferProtocol;
      return ListenerFilterStatus::Continue;
    case ClientHelloStatus::TooLarge:
      stats.client_hello_too_large.inc();
      return ListenerFilterStatus::Close;
    case ClientHelloStatus::Malformed:
      stats.client_hello_malformed.inc();
      return ListenerFilterStatus::Close;
  }
  return ListenerFilterStatus::Close;
}

std::optional<ListenerFilterFactoryCb> TlsInspectorFactory::createFilterFactory(
    const config::FilterConfig& filter, FactoryContext& context, config::ErrorList& errors) {
  auto config = std::make_shared<TlsInspectorConfig>();
  if (filter.typed_config) {
    config::MapReader r(*filter.typed_config, errors);
    r.ignore("@type");
    r.ignore("enable_ja3_fingerprinting");
    if (auto size = r.integer("initial_read_buffer_size", 256, 64 * 1024)) {
      // Envoy grows its peek buffer from this size up to the cap; we peek up to the cap at once.
      (void)size;
    }
    r.finish();
  }
  config->stats = std::make_unique<TlsInspectorStats>(stats::Scope(context.stats, "tls_inspector."));
  std::shared_ptr<const TlsInspectorConfig> shared = config;
  return ListenerFilterFactoryCb([shared] { return std::make_unique<TlsInspectorFilter>(shared); });
}

}  // namespace remora::filters::tls_inspector
