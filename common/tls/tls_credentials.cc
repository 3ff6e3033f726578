#include "common/tls/tls_credentials.h"

#include <cctype>

#include <openssl/sha.h>

#include "common/tls/certificate_utils.h"

namespace remora::tls {
namespace {

Result<std::string> readSource(const DataSource& source, const char* what) {
  if (!source.filename.empty()) {
    auto text = readFile(source.filename);
    if (!text) return makeError(std::string(what) + ": " + text.error().message);
    return std::move(*text);
  }
  if (source.inline_string.empty()) return makeError(std::string(what) + ": no data source");
  return source.inline_string;
}

// "/etc/certs/cert-chain.pem" -> "cert_chain": stable across rotations and
// usable inside a stat name.
std::string statName(const DataSource& source, const std::string& fallback) {
  if (source.filename.empty()) return fallback;
  std::string base = source.filename.substr(source.filename.rfind('/') + 1);
  base = base.substr(0, base.find('.'));
  std::string out;
  for (char c : base) {
    out += std::isalnum(static_cast<unsigned char>(c))
               ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
               : '_';
  }
  return out.empty() ? fallback : out;
}

CertificateInfo infoOf(X509* cert, std::string name, bool is_ca) {
  return CertificateInfo{std::move(name), serialHex(cert), uriSans(cert), notAfter(cert), is_ca};
}

std::string fmtTime(std::chrono::system_clock::time_point t) {
  time_t tt = std::chrono::system_clock::to_time_t(t);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

Result<TlsCredentials> loadTlsCredentials(const CommonTlsContextConfig& config,
                                          std::chrono::system_clock::time_point now) {
  TlsCredentials out;
  std::string material;
  if (config.tls_certificates.size() > 1) {
    return makeError("tls_certificates: at most one certificate is supported");
  }
  if (!config.tls_certificates.empty()) {
    const TlsCertificateConfig& tc = config.tls_certificates.front();
    auto chain_pem = readSource(tc.certificate_chain, "certificate_chain");
    if (!chain_pem) return chain_pem.error();
    auto key_pem = readSource(tc.private_key, "private_key");
    if (!key_pem) return key_pem.error();
    auto chain = parseCertificatesPem(*chain_pem);
    if (!chain) return makeError("certificate_chain: " + chain.error().message);
    auto key = parsePrivateKeyPem(*key_pem);
    if (!key) return makeError("private_key: " + key.error().message);
    X509* leaf = chain->front().get();
    if (!keyMatchesCertificate(leaf, key->get())) {
      return makeError("private_key does not match the certificate (serial " + serialHex(leaf) +
                       ")");
    }
    if (notBefore(leaf) > now) {
      return makeError("certificate (serial " + serialHex(leaf) + ") is not valid before " +
                       fmtTime(notBefore(leaf)));
    }
    if (notAfter(leaf) <= now) {
      return makeError("certificate (serial " + serialHex(leaf) + ") expired at " +
                       fmtTime(notAfter(leaf)));
    }
    out.certificates.push_back(infoOf(leaf, statName(tc.certificate_chain, "inline_0"), false));
    out.chain = std::move(*chain);
    out.private_key = std::move(*key);
    material += *chain_pem;
  }
  if (config.has_validation_context && !config.validation_context.trusted_ca.empty()) {
    const DataSource& ca_source = config.validation_context.trusted_ca;
    auto ca_pem = readSource(ca_source, "trusted_ca");
    if (!ca_pem) return ca_pem.error();
    auto cas = parseCertificatesPem(*ca_pem);
    if (!cas) return makeError("trusted_ca: " + cas.error().message);
    std::string base = statName(ca_source, "trusted_ca");
    for (size_t i = 0; i < cas->size(); ++i) {
      out.certificates.push_back(
          infoOf((*cas)[i].get(), i == 0 ? base : base + "_" + std::to_string(i), true));
    }
    out.trusted = std::move(*cas);
    material += *ca_pem;
    // In a mesh the workload certificate and its peers share one root; a
    // rotated leaf that no longer chains to the configured root would fail
    // every handshake, so it is refused here instead.
    if (!out.chain.empty()) {
      std::vector<X509Ptr> intermediates;
      for (size_t i = 1; i < out.chain.size(); ++i) {
        X509_up_ref(out.chain[i].get());
        intermediates.emplace_back(out.chain[i].get());
      }
      Status verified = verifyChain(out.chain.front().get(), intermediates, out.trusted);
      if (!verified) {
        return makeError("certificate (serial " + serialHex(out.chain.front().get()) +
                         ") does not verify against trusted_ca: " + verified.error().message);
      }
    }
  }
  for (const auto& m : config.validation_context.match_typed_subject_alt_names) {
    material += m.matcher.describe();
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), digest);
  out.fingerprint.assign(reinterpret_cast<const char*>(digest), sizeof(digest));
  return out;
}

std::vector<std::string> watchedPaths(const CommonTlsContextConfig& config) {
  std::vector<std::string> out;
  for (const auto& tc : config.tls_certificates) {
    if (!tc.certificate_chain.filename.empty()) out.push_back(tc.certificate_chain.filename);
    if (!tc.private_key.filename.empty()) out.push_back(tc.private_key.filename);
  }
  if (config.has_validation_context && !config.validation_context.trusted_ca.filename.empty()) {
    out.push_back(config.validation_context.trusted_ca.filename);
  }
  return out;
}

}  // namespace remora::tls
