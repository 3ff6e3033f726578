#include "kv/protocol/digest.h"

#include <memory>

#include <openssl/evp.h>
#include <openssl/provider.h>

#include "kv/protocol/particle.h"

namespace remora::kv::protocol {

namespace {

// OpenSSL 3.0.7+ serves RIPEMD-160 from the default provider; earlier 3.x
// builds only from the legacy one. Fetch once, loading "legacy" only when the
// default lookup fails; the fetched EVP_MD is immutable and shared by threads.
const EVP_MD* ripemd160() {
  static const EVP_MD* md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
    if (fetched == nullptr) {
      OSSL_PROVIDER_load(nullptr, "legacy");
      OSSL_PROVIDER_load(nullptr, "default");
      fetched = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
    }
    return fetched;
  }();
  return md;
}

struct CtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

Result<Digest> computeDigest(std::string_view set_name, ParticleType key_type,
                             std::string_view key_bytes) {
  const EVP_MD* md = ripemd160();
  if (md == nullptr) return makeError("RIPEMD-160 is not available from OpenSSL");
  // One context per thread: digests are computed on every client command.
  thread_local std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx) return makeError("EVP_MD_CTX_new failed");
  const auto type_byte = static_cast<unsigned char>(key_type);
  Digest out{};
  unsigned int len = 0;
  if (EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), set_name.data(), set_name.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), &type_byte, 1) != 1 ||
      EVP_DigestUpdate(ctx.get(), key_bytes.data(), key_bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != kDigestSize) {
    return makeError("RIPEMD-160 digest failed");
  }
  return out;
}

Result<Digest> digestForString(std::string_view set_name, std::string_view key) {
  return computeDigest(set_name, ParticleType::kString, key);
}

Result<Digest> digestForInteger(std::string_view set_name, int64_t key) {
  return computeDigest(set_name, ParticleType::kInteger, encodeInteger(key));
}

Result<Digest> digestForBlob(std::string_view set_name, std::string_view key) {
  return computeDigest(set_name, ParticleType::kBlob, key);
}

std::string digestToHex(const Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * d.size());
  for (uint8_t b : d) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

}  // namespace remora::kv::protocol
