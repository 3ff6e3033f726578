#pragma once

// Makes TlsTransportSocket instances for one listener filter chain (server)
// or one cluster (client). Each socket takes a snapshot of the provider's
// current TlsContext, so a credential rotation applies to the next
// connection. The client factory owns the session cache shared by all of its
// connections (resumption per upstream).
//
// Thread-safe: create() runs on workers concurrently; the factory is
// immutable and shared as network::TransportSocketFactoryPtr.

#include <memory>

#include "common/network/transport_socket.h"
#include "common/stats/store.h"
#include "common/tls/client_session_cache.h"
#include "common/tls/tls_credentials_provider.h"
#include "common/tls/tls_stats.h"

namespace remora::tls {

class TlsTransportSocketFactory : public network::TransportSocketFactory {
 public:
  // `scope` is the listener's or cluster's scope; counters are "ssl.*" under
  // it. The provider must be a server (resp. client) provider.
  static std::shared_ptr<const TlsTransportSocketFactory> create(
      TlsCredentialsProviderSharedPtr provider, stats::Scope& scope);

  network::TransportSocketPtr create(const network::TransportSocketOptions& options) const override;
  bool implementsSecureTransport() const override { return true; }

  const TlsCredentialsProviderSharedPtr& provider() const { return provider_; }
  const ClientSessionCache* sessionCache() const { return session_cache_.get(); }

 private:
  TlsTransportSocketFactory(TlsCredentialsProviderSharedPtr provider,
                            std::shared_ptr<const TlsStats> stats,
                            std::shared_ptr<ClientSessionCache> cache)
      : provider_(std::move(provider)), stats_(std::move(stats)), session_cache_(std::move(cache)) {}

  TlsCredentialsProviderSharedPtr provider_;
  std::shared_ptr<const TlsStats> stats_;
  std::shared_ptr<ClientSessionCache> session_cache_;  // client only
};

}  // namespace remora::tls
