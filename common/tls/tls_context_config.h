#pragma once

// Validated, immutable TLS settings mirroring Envoy's v3 DownstreamTlsContext
// and UpstreamTlsContext (the subset documented in docs/tls.md). Produced by
// tls_context_config_parser.h or built directly by code and tests; consumed
// by TlsCredentialsProvider.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/tls/string_matcher.h"

namespace remora::tls {

// Envoy's DataSource: a file (re-read on reload) or inline PEM text.
struct DataSource {
  std::string filename;
  std::string inline_string;
  bool empty() const { return filename.empty() && inline_string.empty(); }
  bool operator==(const DataSource&) const = default;
};

struct TlsCertificateConfig {
  DataSource certificate_chain;
  DataSource private_key;
};

// Envoy's SubjectAltNameMatcher.
struct SanMatcher {
  enum class SanType { Uri, Dns };
  SanType san_type = SanType::Uri;
  StringMatcher matcher;
};

struct CertificateValidationContextConfig {
  DataSource trusted_ca;
  // Any one must match one of the peer's SANs of its type; empty = no check.
  std::vector<SanMatcher> match_typed_subject_alt_names;
};

enum class TlsVersion { Auto, Tls1_2, Tls1_3 };

struct TlsParamsConfig {
  TlsVersion minimum_protocol_version = TlsVersion::Auto;  // Auto = TLS 1.2
  TlsVersion maximum_protocol_version = TlsVersion::Auto;  // Auto = TLS 1.3
  // OpenSSL names; "TLS_*" names configure TLS 1.3, the others TLS 1.2.
  // Empty = strong AEAD suites only (see tls_context.cc).
  std::vector<std::string> cipher_suites;
  std::vector<std::string> ecdh_curves;  // empty = X25519:P-256
};

struct CommonTlsContextConfig {
  TlsParamsConfig tls_params;
  std::vector<TlsCertificateConfig> tls_certificates;  // at most one is supported
  bool has_validation_context = false;
  CertificateValidationContextConfig validation_context;
  std::vector<std::string> alpn_protocols;  // in preference order
};

struct DownstreamTlsContextConfig {
  CommonTlsContextConfig common_tls_context;
  bool require_client_certificate = false;
  // Stateless resumption (tickets sealed with rotating keys) is on unless
  // disabled; disabled, resumption falls back to a server-side session cache
  // (TLS 1.3 tickets that name a cached session, TLS 1.2 session ids) unless
  // that is disabled too (Envoy's two fields).
  bool disable_stateless_session_resumption = false;
  bool disable_stateful_session_resumption = false;
  std::chrono::seconds session_timeout{7200};
};

struct UpstreamTlsContextConfig {
  CommonTlsContextConfig common_tls_context;
  std::string sni;
  uint32_t max_session_keys = 1;  // cached sessions per upstream; 0 disables resumption
};

}  // namespace remora::tls
