#pragma once

// Small, stateless helpers over OpenSSL's X509 API: loading PEM files,
// reading SANs, serials and validity, checking a key against a certificate and
// a chain against trust anchors. Pure functions, safe on any thread.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/tls/openssl_types.h"

namespace remora::tls {

// Drains OpenSSL's thread-local error queue into one line ("" if empty).
std::string drainOpenSslErrors();

// Reads a whole (small) file; errors name the path and errno text.
Result<std::string> readFile(const std::string& path);
// Writes `data` to `path` atomically (temp file + rename) with `mode`.
Status writeFileAtomic(const std::string& path, std::string_view data, unsigned mode);

// Every certificate in a PEM blob, in order (leaf first for a chain file).
// An empty or unparsable blob is an error.
Result<std::vector<X509Ptr>> parseCertificatesPem(std::string_view pem);
Result<EvpPkeyPtr> parsePrivateKeyPem(std::string_view pem);

std::string certificateToPem(X509* cert);
std::string privateKeyToPem(EVP_PKEY* key);

// URI / DNS subject alternative names, in certificate order.
std::vector<std::string> uriSans(X509* cert);
std::vector<std::string> dnsSans(X509* cert);
// Serial as lower-case hex without leading zeros ("1f2a").
std::string serialHex(X509* cert);
// One-line RFC 2253 subject ("CN=web,O=cluster.local").
std::string subjectString(X509* cert);
std::chrono::system_clock::time_point notBefore(X509* cert);
std::chrono::system_clock::time_point notAfter(X509* cert);
// Whole days from `now` until notAfter, rounded down; negative once expired.
int64_t daysUntilExpiry(X509* cert, std::chrono::system_clock::time_point now);

// True when `key` is the private half of `cert`'s public key.
bool keyMatchesCertificate(X509* cert, EVP_PKEY* key);

// Verifies `leaf` (with optional `intermediates`) against `trusted` roots at
// the current time; the error carries OpenSSL's verify reason.
Status verifyChain(X509* leaf, const std::vector<X509Ptr>& intermediates,
                   const std::vector<X509Ptr>& trusted);

}  // namespace remora::tls
