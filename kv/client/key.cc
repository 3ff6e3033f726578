#include "kv/client/key.h"

namespace remora::kv::client {

Result<Key> Key::make(std::string ns, std::string set, Value user_key) {
  if (!user_key.isInt() && !user_key.isString() && !user_key.isBytes()) {
    return makeError("a key is an integer, a string or bytes", -2);
  }
  auto digest = protocol::computeDigest(set, user_key.particleType(), user_key.encode());
  if (!digest) return digest.error();
  Key k;
  k.ns = std::move(ns);
  k.set = std::move(set);
  k.user_key = std::move(user_key);
  k.digest = *digest;
  return k;
}

Key Key::fromDigest(std::string ns, std::string set, const protocol::Digest& digest) {
  Key k;
  k.ns = std::move(ns);
  k.set = std::move(set);
  k.digest = digest;
  return k;
}

}  // namespace remora::kv::client
