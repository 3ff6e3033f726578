#pragma once

// Per-listener or per-cluster TLS counters with Envoy's names, made under the
// caller's scope ("listener.0.0.0.0_15006." or "cluster.web.") with an "ssl."
// prefix. Counters are thread-sharded, so workers bump them without locks.

#include "common/stats/store.h"

namespace remora::tls {

struct TlsStats {
  explicit TlsStats(stats::Scope& scope)
      : handshake(scope.counter("ssl.handshake")),
        session_reused(scope.counter("ssl.session_reused")),
        connection_error(scope.counter("ssl.connection_error")),
        fail_verify_san(scope.counter("ssl.fail_verify_san")),
        fail_verify_error(scope.counter("ssl.fail_verify_error")),
        fail_verify_no_cert(scope.counter("ssl.fail_verify_no_cert")),
        no_certificate(scope.counter("ssl.no_certificate")) {}

  stats::Counter& handshake;          // completed handshakes (full or resumed)
  stats::Counter& session_reused;     // completed handshakes that resumed a session
  stats::Counter& connection_error;   // handshakes or records that failed for any reason
  stats::Counter& fail_verify_san;    // peer chain valid, but no SAN matched
  stats::Counter& fail_verify_error;  // peer chain invalid (unknown CA, expired, ...)
  stats::Counter& fail_verify_no_cert;  // a required peer certificate was not sent
  stats::Counter& no_certificate;     // handshakes completed without a peer certificate
};

// Counters of a TlsCredentialsProvider (one per TLS context).
struct TlsCredentialStats {
  explicit TlsCredentialStats(stats::Scope& scope)
      : reload_success(scope.counter("ssl.context_update")),
        reload_failure(scope.counter("ssl.context_update_error")),
        days_until_first_cert_expiring(scope.gauge("ssl.days_until_first_cert_expiring")) {}

  stats::Counter& reload_success;
  stats::Counter& reload_failure;
  stats::Gauge& days_until_first_cert_expiring;
};

}  // namespace remora::tls
