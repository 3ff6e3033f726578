#include "common/tls/tls_transport_socket_factory.h"

#include "common/tls/tls_transport_socket.h"

namespace remora::tls {

std::shared_ptr<const TlsTransportSocketFactory> TlsTransportSocketFactory::create(
    TlsCredentialsProviderSharedPtr provider, stats::Scope& scope) {
  auto stats = std::make_shared<const TlsStats>(scope);
  std::shared_ptr<ClientSessionCache> cache;
  if (!provider->isServer()) {
    const auto& config = std::get<UpstreamTlsContextConfig>(provider->config());
    if (config.max_session_keys > 0) {
      cache = std::make_shared<ClientSessionCache>(config.max_session_keys);
    }
  }
  return std::shared_ptr<const TlsTransportSocketFactory>(
      new TlsTransportSocketFactory(std::move(provider), std::move(stats), std::move(cache)));
}

network::TransportSocketPtr TlsTransportSocketFactory::create(
    const network::TransportSocketOptions& options) const {
  std::shared_ptr<const TlsContext> context = provider_->current();
  std::string server_name;
  std::string alpn;
  if (!context->isServer()) {
    server_name = options.server_name.empty() ? context->serverName() : options.server_name;
    if (!options.alpn_override.empty()) {
      // Invalid entries (empty or over 255 bytes) cannot come from config;
      // dropping the override keeps the configured list.
      auto encoded = encodeAlpn(options.alpn_override);
      if (encoded) alpn = std::move(*encoded);
    }
  }
  return std::make_unique<TlsTransportSocket>(std::move(context), stats_, session_cache_,
                                              std::move(server_name), std::move(alpn));
}

}  // namespace remora::tls
