#pragma once

// A ProxyFixture with a trust domain and the certificates of two sidecars,
// "a" and "b", saved as `remoractl ca issue` saves them, plus the YAML of a
// common_tls_context that uses them. Shared by the tests that run the
// sidecar hop client -> A -> mTLS -> B through real remora processes.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/tls/certificate_authority.h"
#include "tests/integration/proxy/proxy_fixture.h"

namespace remora::testing {

inline constexpr char kSpiffeA[] = "spiffe://cluster.local/ns/demo/sa/a";
inline constexpr char kSpiffeB[] = "spiffe://cluster.local/ns/demo/sa/b";

class MeshPkiFixture : public ProxyFixture {
 protected:

  void SetUp() override {
    ProxyFixture::SetUp();
    auto ca = tls::CertificateAuthority::create("cluster.local");
    ASSERT_TRUE(ca.ok()) << ca.error().message;
    ca_ = std::make_unique<tls::CertificateAuthority>(std::move(*ca));
    issue("a", kSpiffeA);
    issue("b", kSpiffeB);
  }

  // (Re)issues `who`'s workload certificate for `spiffe` into certs(who).
  void issue(const std::string& who, const std::string& spiffe) {
    tls::IssueOptions options;
    options.uri_sans = {spiffe};
    auto issued = ca_->issue(options);
    ASSERT_TRUE(issued.ok()) << issued.error().message;
    std::filesystem::create_directories(certs(who));
    ASSERT_TRUE(tls::saveIssued(certs(who), *issued, *ca_).ok());
  }

  std::string certs(const std::string& who) const { return dir_ + "/certs-" + who; }

  // common_tls_context with `who`'s certificate and the trust domain's CA,
  // each line prefixed by `indent`; with a non-empty `san`, the peer's URI
  // SAN must match it by `san_match` ("exact" or "prefix").
  std::string commonTls(const std::string& who, const std::string& indent,
                        const std::string& san_match, const std::string& san) const {
    std::string y = indent + "common_tls_context:\n" + indent + "  tls_certificates:\n" + indent +
                    "  - certificate_chain: {filename: " + certs(who) + "/cert-chain.pem}\n" + indent +
                    "    private_key: {filename: " + certs(who) + "/key.pem}\n" + indent +
                    "  validation_context:\n" + indent + "    trusted_ca: {filename: " + certs(who) +
                    "/root-cert.pem}\n";
    if (!san.empty()) {
      y += indent + "    match_typed_subject_alt_names:\n" + indent + "    - san_type: URI\n" + indent +
           "      matcher: {" + san_match + ": \"" + san + "\"}\n";
    }
    return y;
  }

  std::unique_ptr<tls::CertificateAuthority> ca_;
};

}  // namespace remora::testing
