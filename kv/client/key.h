#pragma once

// A record's address: namespace, set and the digest of (set, key). The user
// key is kept so it can be sent with a SEND key policy.

#include <string>

#include "common/result.h"
#include "kv/client/value.h"
#include "kv/protocol/digest.h"

namespace remora::kv::client {

struct Key {
  std::string ns;
  std::string set;
  Value user_key;  // null when built from a digest alone
  protocol::Digest digest{};

  uint32_t partition() const { return protocol::partitionId(digest); }

  // Integer, string or bytes keys (the types the official clients hash).
  static Result<Key> make(std::string ns, std::string set, Value user_key);
  static Key fromDigest(std::string ns, std::string set, const protocol::Digest& digest);
};

}  // namespace remora::kv::client
