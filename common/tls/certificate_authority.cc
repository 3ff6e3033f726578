#include "common/tls/certificate_authority.h"

#include <charconv>

#include <openssl/ec.h>
#include <openssl/rand.h>

#include "common/tls/certificate_utils.h"

namespace remora::tls {
namespace {

// Backdating covers peers whose clocks run a little behind the issuer's.
constexpr std::chrono::minutes kClockSkew(5);

Result<EvpPkeyPtr> generateKey() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return makeError("EC key generation failed: " + drainOpenSslErrors());
  return EvpPkeyPtr(key);
}

Status setRandomSerial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return makeError("RAND_bytes failed");
  bytes[0] &= 0x7f;  // DER INTEGER must stay positive
  bytes[0] |= 0x01;  // and keep its full length (no leading zero byte)
  BignumPtr bn(BN_bin2bn(bytes, sizeof(bytes), nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
    return makeError("cannot set serial: " + drainOpenSslErrors());
  }
  return okStatus();
}

Status addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return makeError(std::string("cannot add extension ") + OBJ_nid2sn(nid) + "=" + value + ": " +
                     drainOpenSslErrors());
  }
  return okStatus();
}

Status setValidity(X509* cert, std::chrono::system_clock::time_point not_before,
                   std::chrono::seconds ttl) {
  time_t start = std::chrono::system_clock::to_time_t(not_before);
  time_t end = std::chrono::system_clock::to_time_t(not_before + ttl);
  if (ASN1_TIME_set(X509_getm_notBefore(cert), start) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert), end) == nullptr) {
    return makeError("cannot set validity");
  }
  return okStatus();
}

Status setName(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return okStatus();
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                 0) != 1) {
    return makeError(std::string("cannot set ") + field + ": " + drainOpenSslErrors());
  }
  return okStatus();
}

std::string sanList(const IssueOptions& options) {
  std::string out;
  for (const auto& uri : options.uri_sans) out += (out.empty() ? "" : ",") + ("URI:" + uri);
  for (const auto& dns : options.dns_sans) out += (out.empty() ? "" : ",") + ("DNS:" + dns);
  return out;
}

// "spiffe://td/ns/x/sa/y" -> "td"; empty for anything else.
std::string trustDomainOf(const std::vector<std::string>& uris) {
  constexpr std::string_view kScheme = "spiffe://";
  for (const auto& uri : uris) {
    if (uri.rfind(kScheme, 0) != 0) continue;
    return uri.substr(kScheme.size(), uri.find('/', kScheme.size()) - kScheme.size());
  }
  return {};
}

#define REMORA_TRY(expr)          \
  do {                            \
    auto remora_status_ = (expr); \
    if (!remora_status_.ok()) return remora_status_.error(); \
  } while (false)

}  // namespace

Result<CertificateAuthority> CertificateAuthority::create(const std::string& trust_domain,
                                                          std::chrono::seconds ttl) {
  if (trust_domain.empty() || trust_domain.find('/') != std::string::npos) {
    return makeError("invalid trust domain '" + trust_domain + "'");
  }
  auto key = generateKey();
  if (!key) return key.error();
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);  // v3
  REMORA_TRY(setRandomSerial(cert.get()));
  REMORA_TRY(setValidity(cert.get(), std::chrono::system_clock::now() - kClockSkew, ttl));
  X509_NAME* name = X509_get_subject_name(cert.get());
  REMORA_TRY(setName(name, "O", trust_domain));
  REMORA_TRY(setName(name, "CN", "Remora Root CA"));
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key->get());
  REMORA_TRY(addExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE"));
  REMORA_TRY(addExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  REMORA_TRY(addExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  REMORA_TRY(addExtension(cert.get(), cert.get(), NID_subject_alt_name,
                          "URI:spiffe://" + trust_domain));
  if (X509_sign(cert.get(), key->get(), EVP_sha256()) == 0) {
    return makeError("signing the root failed: " + drainOpenSslErrors());
  }
  return CertificateAuthority(std::move(cert), std::move(*key), trust_domain);
}

Result<CertificateAuthority> CertificateAuthority::fromPem(std::string_view cert_pem,
                                                           std::string_view key_pem) {
  auto certs = parseCertificatesPem(cert_pem);
  if (!certs) return makeError("CA certificate: " + certs.error().message);
  auto key = parsePrivateKeyPem(key_pem);
  if (!key) return makeError("CA key: " + key.error().message);
  X509Ptr cert = std::move(certs->front());
  if (!keyMatchesCertificate(cert.get(), key->get())) {
    return makeError("CA key does not match the CA certificate");
  }
  std::string td = trustDomainOf(uriSans(cert.get()));
  return CertificateAuthority(std::move(cert), std::move(*key), td);
}

Result<CertificateAuthority> CertificateAuthority::load(const std::string& dir) {
  auto cert = readFile(dir + "/" + kCaCertFile);
  if (!cert) return cert.error();
  auto key = readFile(dir + "/" + kCaKeyFile);
  if (!key) return key.error();
  return fromPem(*cert, *key);
}

std::string CertificateAuthority::certificatePem() const { return certificateToPem(cert_.get()); }

Status CertificateAuthority::save(const std::string& dir) const {
  std::string pem = certificatePem();
  REMORA_TRY(writeFileAtomic(dir + "/" + kCaKeyFile, privateKeyToPem(key_.get()), 0600));
  REMORA_TRY(writeFileAtomic(dir + "/" + kCaCertFile, pem, 0644));
  REMORA_TRY(writeFileAtomic(dir + "/" + kRootCertFile, pem, 0644));
  return okStatus();
}

Result<IssuedCertificate> CertificateAuthority::issue(const IssueOptions& options) const {
  if (options.uri_sans.empty() && options.dns_sans.empty() && options.common_name.empty()) {
    return makeError("a certificate needs a URI SAN, a DNS SAN or a common name");
  }
  if (options.ttl.count() <= 0) return makeError("ttl must be positive");
  auto key = generateKey();
  if (!key) return key.error();
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  REMORA_TRY(setRandomSerial(cert.get()));
  auto start = options.not_before.value_or(std::chrono::system_clock::now() - kClockSkew);
  REMORA_TRY(setValidity(cert.get(), start, options.ttl));
  X509_NAME* name = X509_get_subject_name(cert.get());
  std::string td = trustDomainOf(options.uri_sans);
  REMORA_TRY(setName(name, "O", td.empty() ? trust_domain_ : td));
  REMORA_TRY(setName(name, "CN", options.common_name));
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert_.get()));
  X509_set_pubkey(cert.get(), key->get());
  REMORA_TRY(addExtension(cert.get(), cert_.get(), NID_basic_constraints, "critical,CA:FALSE"));
  REMORA_TRY(addExtension(cert.get(), cert_.get(), NID_key_usage,
                          "critical,digitalSignature,keyEncipherment"));
  REMORA_TRY(addExtension(cert.get(), cert_.get(), NID_ext_key_usage, "serverAuth,clientAuth"));
  REMORA_TRY(addExtension(cert.get(), cert_.get(), NID_authority_key_identifier, "keyid:always"));
  std::string sans = sanList(options);
  if (!sans.empty()) {
    // Istio marks the SAN critical: the SPIFFE ID is the identity, not the subject.
    REMORA_TRY(addExtension(cert.get(), cert_.get(), NID_subject_alt_name, "critical," + sans));
  }
  if (X509_sign(cert.get(), key_.get(), EVP_sha256()) == 0) {
    return makeError("signing failed: " + drainOpenSslErrors());
  }
  IssuedCertificate out;
  out.key_pem = privateKeyToPem(key->get());
  out.chain_pem = certificateToPem(cert.get());
  out.key = std::move(*key);
  out.certificate = std::move(cert);
  return out;
}

Status saveIssued(const std::string& dir, const IssuedCertificate& issued,
                  const CertificateAuthority& ca) {
  REMORA_TRY(writeFileAtomic(dir + "/" + kKeyFile, issued.key_pem, 0600));
  REMORA_TRY(writeFileAtomic(dir + "/" + kCertChainFile, issued.chain_pem, 0644));
  REMORA_TRY(writeFileAtomic(dir + "/" + kRootCertFile, ca.certificatePem(), 0644));
  return okStatus();
}

Result<std::chrono::seconds> parseTtl(std::string_view text) {
  if (text.empty()) return makeError("empty ttl");
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data()) return makeError("invalid ttl '" + std::string(text) + "'");
  std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  uint64_t mult = 0;
  if (unit.empty() || unit == "s") mult = 1;
  else if (unit == "m") mult = 60;
  else if (unit == "h") mult = 3600;
  else if (unit == "d") mult = 86400;
  else return makeError("invalid ttl unit in '" + std::string(text) + "' (use s, m, h or d)");
  constexpr uint64_t kMax = 100ull * 365 * 86400;
  if (n == 0 || n > kMax / mult) return makeError("ttl out of range: '" + std::string(text) + "'");
  return std::chrono::seconds(static_cast<int64_t>(n * mult));
}

}  // namespace remora::tls
