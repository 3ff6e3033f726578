#pragma once

// Helpers over the identity a TLS transport captured for a connection, for
// access logs (%DOWNSTREAM_PEER_URI_SAN%, %UPSTREAM_PEER_URI_SAN%, ...) and
// for authorization. Pure functions, any thread.

#include <string>
#include <string_view>

#include "common/network/transport_socket.h"

namespace remora::tls {

// Envoy's formatting of %*_PEER_URI_SAN%: the URI SANs joined with ",", or
// "-" when there is no TLS peer or no URI SAN.
std::string formatPeerUriSan(const network::PeerSecurityInfo* peer);
// %*_PEER_SUBJECT%, %*_PEER_CERT_SERIAL% ("-" when absent).
std::string formatPeerSubject(const network::PeerSecurityInfo* peer);
std::string formatPeerSerial(const network::PeerSecurityInfo* peer);
// %*_TLS_VERSION% ("-" when absent).
std::string formatTlsVersion(const network::PeerSecurityInfo* peer);

// Istio's principal string: the SPIFFE ID without "spiffe://"
// ("cluster.local/ns/default/sa/web"); other URIs unchanged.
std::string_view principalFromSpiffeId(std::string_view uri);

// Parts of a SPIFFE ID "spiffe://<trust domain>/ns/<ns>/sa/<sa>"; fields
// stay empty when the ID does not have that shape.
struct SpiffeId {
  std::string trust_domain;
  std::string ns;
  std::string service_account;
};
SpiffeId parseSpiffeId(std::string_view uri);

}  // namespace remora::tls
