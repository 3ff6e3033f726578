#include "tests/common/tls/tls_test_pki.h"

#include <stdlib.h>

#include <cstdlib>

#include "common/tls/certificate_utils.h"

namespace remora::tls::test {
namespace {
std::filesystem::path makeTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "remora-tls-XXXXXX").string();
  char* dir = ::mkdtemp(tmpl.data());
  if (dir == nullptr) std::abort();
  return dir;
}

CertificateAuthority mustCreate(const std::string& domain) {
  auto ca = CertificateAuthority::create(domain);
  if (!ca) std::abort();
  return std::move(*ca);
}
}  // namespace

TestPki::TestPki()
    : dir_(makeTempDir()), ca_(mustCreate("cluster.local")), foreign_ca_(mustCreate("evil.local")) {
  if (!ca_.save(dir_.string())) std::abort();
}

TestPki::~TestPki() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::filesystem::path TestPki::issue(const std::string& name, const std::string& spiffe_id,
                                     CertificateAuthority* issuer, bool expired) {
  CertificateAuthority& by = issuer != nullptr ? *issuer : ca_;
  IssueOptions options;
  options.uri_sans.push_back(spiffe_id);
  if (expired) {
    options.not_before = std::chrono::system_clock::now() - std::chrono::hours(25);
    options.ttl = std::chrono::hours(24);
  }
  auto issued = by.issue(options);
  if (!issued) std::abort();
  std::filesystem::path out = dir_ / name;
  std::filesystem::create_directories(out);
  if (!saveIssued(out.string(), *issued, ca_)) std::abort();
  return out;
}

DownstreamTlsContextConfig TestPki::serverConfig(const std::filesystem::path& cred_dir,
                                                 bool require_client_cert,
                                                 const std::string& san_prefix) const {
  DownstreamTlsContextConfig config;
  config.require_client_certificate = require_client_cert;
  auto& common = config.common_tls_context;
  common.tls_certificates.push_back({{(cred_dir / kCertChainFile).string(), ""},
                                     {(cred_dir / kKeyFile).string(), ""}});
  common.has_validation_context = true;
  common.validation_context.trusted_ca.filename = rootCertPath();
  if (!san_prefix.empty()) {
    common.validation_context.match_typed_subject_alt_names.push_back(
        {SanMatcher::SanType::Uri, StringMatcher::prefix(san_prefix)});
  }
  common.alpn_protocols = {"istio-peer-exchange", "istio"};
  return config;
}

UpstreamTlsContextConfig TestPki::clientConfig(const std::filesystem::path* cred_dir,
                                               const std::string& san_prefix) const {
  UpstreamTlsContextConfig config;
  config.sni = "outbound_.3000_._.kv.default.svc.cluster.local";
  auto& common = config.common_tls_context;
  if (cred_dir != nullptr) {
    common.tls_certificates.push_back({{(*cred_dir / kCertChainFile).string(), ""},
                                       {(*cred_dir / kKeyFile).string(), ""}});
  }
  common.has_validation_context = true;
  common.validation_context.trusted_ca.filename = rootCertPath();
  if (!san_prefix.empty()) {
    common.validation_context.match_typed_subject_alt_names.push_back(
        {SanMatcher::SanType::Uri, StringMatcher::prefix(san_prefix)});
  }
  common.alpn_protocols = {"istio"};
  return config;
}

TlsCredentials uncheckedCredentials(const std::filesystem::path& cred_dir,
                                    const std::string& root_cert_path) {
  TlsCredentials out;
  auto chain = parseCertificatesPem(*readFile((cred_dir / kCertChainFile).string()));
  auto key = parsePrivateKeyPem(*readFile((cred_dir / kKeyFile).string()));
  auto roots = parseCertificatesPem(*readFile(root_cert_path));
  if (!chain || !key || !roots) std::abort();
  out.chain = std::move(*chain);
  out.private_key = std::move(*key);
  out.trusted = std::move(*roots);
  out.fingerprint = "unchecked";
  return out;
}

std::string serialOfFile(const std::filesystem::path& cert_chain) {
  auto pem = readFile(cert_chain.string());
  if (!pem) return {};
  auto certs = parseCertificatesPem(*pem);
  return certs ? serialHex(certs->front().get()) : std::string();
}

}  // namespace remora::tls::test
