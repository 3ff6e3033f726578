#pragma once

// Test PKI: a temp directory with a mesh root, a foreign root and helpers to
// mint workload credentials (valid, expired, wrong SAN, foreign CA) and to
// build TLS contexts over them. For tests only.

#include <filesystem>
#include <string>

#include "common/tls/certificate_authority.h"
#include "common/tls/tls_context_config.h"
#include "common/tls/tls_credentials.h"

namespace remora::tls::test {

class TestPki {
 public:
  TestPki();
  ~TestPki();

  const std::filesystem::path& dir() const { return dir_; }
  CertificateAuthority& ca() { return ca_; }
  CertificateAuthority& foreignCa() { return foreign_ca_; }

  // Writes <dir>/<name>/{cert-chain.pem,key.pem} for `spiffe_id` issued by
  // `issuer` (default: the mesh CA) and returns the directory. `expired`
  // mints a certificate whose validity ended an hour ago.
  std::filesystem::path issue(const std::string& name, const std::string& spiffe_id,
                              CertificateAuthority* issuer = nullptr, bool expired = false);
  // <dir>/root-cert.pem of the mesh CA.
  std::string rootCertPath() const { return (dir_ / "root-cert.pem").string(); }

  // Server / client contexts over the credentials in `cred_dir`, trusting the
  // mesh root. `san_prefix` (if not empty) becomes a URI prefix SAN matcher.
  DownstreamTlsContextConfig serverConfig(const std::filesystem::path& cred_dir,
                                          bool require_client_cert = true,
                                          const std::string& san_prefix = "") const;
  UpstreamTlsContextConfig clientConfig(const std::filesystem::path* cred_dir,
                                        const std::string& san_prefix = "") const;

 private:
  std::filesystem::path dir_;
  CertificateAuthority ca_;
  CertificateAuthority foreign_ca_;
};

// Credentials read from `cred_dir` WITHOUT validation (so an expired or
// foreign certificate can be presented by a test client), trusting the mesh
// root.
TlsCredentials uncheckedCredentials(const std::filesystem::path& cred_dir,
                                    const std::string& root_cert_path);

// The serial of the leaf in a cert-chain.pem file.
std::string serialOfFile(const std::filesystem::path& cert_chain);

}  // namespace remora::tls::test
