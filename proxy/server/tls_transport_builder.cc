#include "proxy/server/tls_transport_builder.h"

#include <set>

#include "common/network/raw_transport_socket.h"
#include "common/tls/tls_context_config_parser.h"
#include "common/tls/tls_transport_socket_factory.h"

namespace remora::server {

listener::TransportSocketFactoryBuilder TlsTransportBuilder::builder() {
  return [this](const config::YamlNode& node, bool downstream, const std::string& stat_prefix,
                config::ErrorList& errors) { return build(node, downstream, stat_prefix, errors); };
}

std::optional<network::TransportSocketFactoryPtr> TlsTransportBuilder::build(
    const config::YamlNode& node, bool downstream, const std::string& stat_prefix,
    config::ErrorList& errors) {
  stats::Scope scope(store_, stat_prefix);
  Result<tls::TlsCredentialsProviderSharedPtr> provider = makeError("unset");
  if (downstream) {
    auto parsed = tls::parseDownstreamTransportSocket(node, errors);
    if (!parsed) return std::nullopt;
    if (!parsed->tls) return std::make_shared<network::RawTransportSocketFactory>();
    provider = tls::TlsCredentialsProvider::createServer(parsed->context, scope);
  } else {
    auto parsed = tls::parseUpstreamTransportSocket(node, errors);
    if (!parsed) return std::nullopt;
    if (!parsed->tls) return std::make_shared<network::RawTransportSocketFactory>();
    provider = tls::TlsCredentialsProvider::createClient(parsed->context, scope);
  }
  if (!provider) {
    node.error(errors, provider.error().message);
    return std::nullopt;
  }
  providers_.push_back(*provider);
  return network::TransportSocketFactoryPtr(tls::TlsTransportSocketFactory::create(*provider, scope));
}

std::vector<tls::TlsCredentialsProviderSharedPtr> TlsTransportBuilder::liveProviders() {
  std::vector<tls::TlsCredentialsProviderSharedPtr> live;
  std::vector<std::weak_ptr<tls::TlsCredentialsProvider>> kept;
  for (auto& weak : providers_) {
    if (auto p = weak.lock()) {
      live.push_back(p);
      kept.push_back(weak);
    }
  }
  providers_ = std::move(kept);
  return live;
}

std::vector<std::string> TlsTransportBuilder::watchedPaths() {
  std::set<std::string> paths;
  for (const auto& p : liveProviders()) {
    for (const auto& path : p->watchedPaths()) paths.insert(path);
  }
  return {paths.begin(), paths.end()};
}

}  // namespace remora::server
