#pragma once

// One immutable, ready-to-use OpenSSL SSL_CTX with the settings and the
// credentials of a Downstream (server) or Upstream (client) TLS context. A
// TlsCredentialsProvider builds a new TlsContext on every successful reload;
// connections keep the context they started with through a shared_ptr, so a
// rotation never touches an open connection.
//
// Thread-safe: newSsl() may be called on any worker concurrently (SSL_CTX is
// reference-counted and read-only after construction).

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/tls/openssl_types.h"
#include "common/tls/tls_context_config.h"
#include "common/tls/tls_credentials.h"

namespace remora::tls {

class ClientSessionCache;
class SessionTicketKeys;

// Per-connection state that the context's OpenSSL callbacks (certificate
// verification, new client sessions) report into. Owned by the transport
// socket and outliving its SSL object.
struct TlsConnectionState {
  enum class VerifyFailure { None, Chain, San };
  VerifyFailure verify_failure = VerifyFailure::None;
  std::string verify_detail;
  ClientSessionCache* session_cache = nullptr;  // client only; null = no caching
  std::string session_key;                      // server name the session belongs to
  // The peer leaf's URI SANs as parsed by the verification callback (not run
  // on a resumed session, whose certificate comes from the ticket).
  std::vector<std::string> peer_uri_sans;
  bool peer_uri_sans_parsed = false;
};

class TlsContext {
 public:
  static Result<std::shared_ptr<const TlsContext>> createServer(
      const DownstreamTlsContextConfig& config, TlsCredentials credentials,
      std::shared_ptr<SessionTicketKeys> ticket_keys);
  static Result<std::shared_ptr<const TlsContext>> createClient(
      const UpstreamTlsContextConfig& config, TlsCredentials credentials);

  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // A new SSL in accept (server) or connect (client) state whose callbacks
  // report into `state`. `state` must outlive the returned SSL.
  Result<SslPtr> newSsl(TlsConnectionState& state) const;

  bool isServer() const { return is_server_; }
  // True when the peer's chain is verified (a trusted CA is configured).
  bool verifiesPeer() const { return !credentials_.trusted.empty(); }
  bool requireClientCertificate() const { return require_client_certificate_; }
  // Upstream: the configured SNI (may be overridden per connection).
  const std::string& serverName() const { return server_name_; }
  // ALPN protocols in wire format (length-prefixed), empty if none.
  const std::string& alpnWire() const { return alpn_wire_; }
  const std::vector<CertificateInfo>& certificates() const { return credentials_.certificates; }
  // Serial of the certificate presented to peers ("" if none).
  std::string certificateSerial() const;

  // Whether `cert`'s SANs satisfy match_typed_subject_alt_names (true when
  // none are configured). Used by the verification callback.
  bool matchesSubjectAltNames(X509* cert) const;
  // The same with the leaf's URI SANs already parsed.
  bool matchesSubjectAltNames(X509* cert, const std::vector<std::string>& uri_sans) const;

 private:
  friend struct TlsContextCallbacks;  // OpenSSL callbacks in tls_context.cc

  TlsContext() = default;
  Status initCommon(const CommonTlsContextConfig& common);

  SslCtxPtr ctx_;
  bool is_server_ = false;
  bool require_client_certificate_ = false;
  std::string server_name_;
  std::string alpn_wire_;
  std::vector<SanMatcher> san_matchers_;
  TlsCredentials credentials_;
  std::shared_ptr<SessionTicketKeys> ticket_keys_;
};

// "h2,http/1.1" as ALPN wire bytes; protocols longer than 255 bytes are an
// error.
Result<std::string> encodeAlpn(const std::vector<std::string>& protocols);

}  // namespace remora::tls
