#pragma once

// Builds TLS transport socket factories from `transport_socket:` config for
// listeners (DownstreamTlsContext) and clusters (UpstreamTlsContext), and
// keeps track of their credential providers so the server can rotate them
// when the certificate files change.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/stats/store.h"
#include "common/tls/tls_credentials_provider.h"
#include "proxy/listener/listener_runtime.h"

namespace remora::server {

class TlsTransportBuilder {
 public:
  explicit TlsTransportBuilder(stats::Store& store) : store_(store) {}

  // The builder the config loader uses. Valid while this object lives.
  listener::TransportSocketFactoryBuilder builder();

  // Providers still in use by some listener or cluster (main thread).
  std::vector<tls::TlsCredentialsProviderSharedPtr> liveProviders();
  // Every certificate, key and CA file those providers read.
  std::vector<std::string> watchedPaths();

 private:
  std::optional<network::TransportSocketFactoryPtr> build(const config::YamlNode& node, bool downstream,
                                                          const std::string& stat_prefix,
                                                          config::ErrorList& errors);

  stats::Store& store_;
  std::vector<std::weak_ptr<tls::TlsCredentialsProvider>> providers_;
};

}  // namespace remora::server
