#pragma once

// The PEM material of one TLS context, read from its data sources and
// validated as a whole: the key matches the leaf, the leaf is within its
// validity period, and (when a trusted CA is configured) the chain verifies
// against it. Loading is all-or-nothing so a half-written rotation is refused.

#include <chrono>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/tls/openssl_types.h"
#include "common/tls/tls_context_config.h"

namespace remora::tls {

// One certificate whose expiry is reported in gauges.
struct CertificateInfo {
  std::string name;  // stat-safe name: "cert_chain", "root_cert", "inline_0"
  std::string serial;
  std::vector<std::string> uri_sans;
  std::chrono::system_clock::time_point not_after;
  bool is_ca = false;
};

struct TlsCredentials {
  std::vector<X509Ptr> chain;    // leaf first; empty when no tls_certificates
  EvpPkeyPtr private_key;
  std::vector<X509Ptr> trusted;  // validation_context.trusted_ca
  std::vector<CertificateInfo> certificates;  // leaf and trusted CAs
  std::string fingerprint;       // SHA-256 over the material, for session id contexts
};

// Reads and validates the material named by `config` at time `now`.
Result<TlsCredentials> loadTlsCredentials(const CommonTlsContextConfig& config,
                                          std::chrono::system_clock::time_point now);

// Files that `config` reads (for the caller's file watcher).
std::vector<std::string> watchedPaths(const CommonTlsContextConfig& config);

}  // namespace remora::tls
