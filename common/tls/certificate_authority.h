#pragma once

// A small X.509 certificate authority for a SPIFFE trust domain: makes a
// self-signed root and issues EC P-256 workload certificates carrying a URI
// SAN (the SPIFFE ID) with serverAuth + clientAuth. Used by `remoractl ca` and
// by tests that need valid, expired, foreign-CA or wrong-SAN certificates
// in-process. Instances are immutable after creation; issue() may be called
// from any thread.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/tls/openssl_types.h"

namespace remora::tls {

// File names in a CA or workload directory follow Istio's plug-in CA layout
// so existing runbooks carry over.
inline constexpr char kCaCertFile[] = "ca-cert.pem";
inline constexpr char kCaKeyFile[] = "ca-key.pem";
inline constexpr char kRootCertFile[] = "root-cert.pem";
inline constexpr char kCertChainFile[] = "cert-chain.pem";
inline constexpr char kKeyFile[] = "key.pem";

struct IssueOptions {
  std::vector<std::string> uri_sans;  // e.g. "spiffe://cluster.local/ns/default/sa/web"
  std::vector<std::string> dns_sans;
  std::string common_name;            // optional; SPIFFE certs identify by SAN
  std::chrono::seconds ttl = std::chrono::hours(24);
  // Start of validity; default is now minus a few minutes for clock skew. Set
  // it in the past (with a short ttl) to mint an expired certificate.
  std::optional<std::chrono::system_clock::time_point> not_before;
};

// A workload's credentials: its key, its leaf certificate and the chain to
// the root (leaf first, root excluded).
struct IssuedCertificate {
  EvpPkeyPtr key;
  X509Ptr certificate;
  std::string key_pem;
  std::string chain_pem;  // leaf followed by the issuing CA(s) below the root
};

class CertificateAuthority {
 public:
  // A new root: EC P-256 key, self-signed, CA:TRUE, with O=<trust_domain> and
  // URI SAN spiffe://<trust_domain>. Istio's self-signed root lives 10 years.
  static Result<CertificateAuthority> create(
      const std::string& trust_domain,
      std::chrono::seconds ttl = std::chrono::hours(24 * 3650));
  // From PEM text of the CA certificate and its key; the key must match.
  static Result<CertificateAuthority> fromPem(std::string_view cert_pem,
                                              std::string_view key_pem);
  // From <dir>/ca-cert.pem and <dir>/ca-key.pem.
  static Result<CertificateAuthority> load(const std::string& dir);

  // Writes ca-cert.pem, root-cert.pem (same certificate) and ca-key.pem
  // (mode 0600) into an existing directory.
  Status save(const std::string& dir) const;

  Result<IssuedCertificate> issue(const IssueOptions& options) const;

  X509* certificate() const { return cert_.get(); }
  std::string certificatePem() const;
  const std::string& trustDomain() const { return trust_domain_; }

 private:
  CertificateAuthority(X509Ptr cert, EvpPkeyPtr key, std::string trust_domain)
      : cert_(std::move(cert)), key_(std::move(key)), trust_domain_(std::move(trust_domain)) {}

  X509Ptr cert_;
  EvpPkeyPtr key_;
  std::string trust_domain_;
};

// Writes cert-chain.pem, key.pem (0600) and root-cert.pem into `dir`.
Status saveIssued(const std::string& dir, const IssuedCertificate& issued,
                  const CertificateAuthority& ca);

// Parses a TTL such as "24h", "90d", "30m", "3600s" or "3600" (seconds).
Result<std::chrono::seconds> parseTtl(std::string_view text);

}  // namespace remora::tls
