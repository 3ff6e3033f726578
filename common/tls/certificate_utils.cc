#include "common/tls/certificate_utils.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <openssl/err.h>
#include <openssl/pem.h>

namespace remora::tls {

std::string drainOpenSslErrors() {
  std::string out;
  unsigned long code;  // NOLINT(google-runtime-int): OpenSSL's type
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

Result<std::string> readFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return makeError(path + ": " + std::strerror(errno), errno);
  std::string out;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return makeError(path + ": " + std::strerror(err), err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    // Credentials are a few KiB; a huge file is a misconfiguration, not data.
    if (out.size() > (1u << 20)) {
      ::close(fd);
      return makeError(path + ": larger than 1 MiB");
    }
  }
  ::close(fd);
  return out;
}

Status writeFileAtomic(const std::string& path, std::string_view data, unsigned mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return makeError(tmp + ": " + std::strerror(errno), errno);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return makeError(tmp + ": " + std::strerror(err), err);
    }
    off += static_cast<size_t>(n);
  }
  ::fchmod(fd, mode);
  ::close(fd);
  // A rename is what file watchers and readers of the old file expect: they
  // see either the old or the new content, never half of it.
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return makeError(path + ": " + std::strerror(err), err);
  }
  return okStatus();
}

Result<std::vector<X509Ptr>> parseCertificatesPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::vector<X509Ptr> out;
  for (;;) {
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (cert == nullptr) break;
    out.emplace_back(cert);
  }
  // The loop ends on "no more PEM blocks", which OpenSSL reports as an error.
  ERR_clear_error();
  if (out.empty()) return makeError("no PEM certificate found");
  return out;
}

Result<EvpPkeyPtr> parsePrivateKeyPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) {
    std::string detail = drainOpenSslErrors();
    return makeError("no PEM private key found" + (detail.empty() ? "" : ": " + detail));
  }
  return EvpPkeyPtr(key);
}

namespace {
std::string bioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);  // NOLINT(google-runtime-int)
  return std::string(data, static_cast<size_t>(len));
}

std::vector<std::string> sansOfType(X509* cert, int type) {
  std::vector<std::string> out;
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != type) continue;
    const ASN1_IA5STRING* str = type == GEN_URI ? name->d.uniformResourceIdentifier : name->d.dNSName;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(str)),
                     static_cast<size_t>(ASN1_STRING_length(str)));
  }
  return out;
}

std::chrono::system_clock::time_point asn1TimeToTimePoint(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return {};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}
}  // namespace

std::string certificateToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return bioToString(bio.get());
}

std::string privateKeyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return bioToString(bio.get());
}

std::vector<std::string> uriSans(X509* cert) { return sansOfType(cert, GEN_URI); }
std::vector<std::string> dnsSans(X509* cert) { return sansOfType(cert, GEN_DNS); }

std::string serialHex(X509* cert) {
  BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  if (!bn) return {};
  char* hex = BN_bn2hex(bn.get());
  std::string out(hex);
  OPENSSL_free(hex);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t first = out.find_first_not_of('0');
  return first == std::string::npos ? "0" : out.substr(first);
}

std::string subjectString(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  return bioToString(bio.get());
}

std::chrono::system_clock::time_point notBefore(X509* cert) {
  return asn1TimeToTimePoint(X509_get0_notBefore(cert));
}

std::chrono::system_clock::time_point notAfter(X509* cert) {
  return asn1TimeToTimePoint(X509_get0_notAfter(cert));
}

int64_t daysUntilExpiry(X509* cert, std::chrono::system_clock::time_point now) {
  auto left = std::chrono::duration_cast<std::chrono::seconds>(notAfter(cert) - now).count();
  constexpr int64_t kDay = 86400;
  // Floor division so an hour past expiry already reads -1.
  return left >= 0 ? left / kDay : -((-left + kDay - 1) / kDay);
}

bool keyMatchesCertificate(X509* cert, EVP_PKEY* key) {
  EVP_PKEY* pub = X509_get0_pubkey(cert);
  if (pub == nullptr || key == nullptr) return false;
  return EVP_PKEY_eq(pub, key) == 1;
}

Status verifyChain(X509* leaf, const std::vector<X509Ptr>& intermediates,
                   const std::vector<X509Ptr>& trusted) {
  X509StorePtr store(X509_STORE_new());
  for (const auto& ca : trusted) X509_STORE_add_cert(store.get(), ca.get());
  X509StackPtr chain(sk_X509_new_null());
  for (const auto& c : intermediates) {
    X509_up_ref(c.get());
    sk_X509_push(chain.get(), c.get());
  }
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf, chain.get()) != 1) {
    return makeError("cannot set up verification: " + drainOpenSslErrors());
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return makeError(X509_verify_cert_error_string(err), err);
  }
  return okStatus();
}

}  // namespace remora::tls
