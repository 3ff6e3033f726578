#include "common/tls/session_ticket_keys.h"

#include <cstring>

#include <openssl/rand.h>

#include "common/assert.h"

namespace remora::tls {
namespace {
SessionTicketKeys::Key randomKey() {
  SessionTicketKeys::Key key;
  REMORA_RELEASE_ASSERT(RAND_bytes(key.name.data(), key.name.size()) == 1 &&
                            RAND_bytes(key.aes_key.data(), key.aes_key.size()) == 1 &&
                            RAND_bytes(key.hmac_key.data(), key.hmac_key.size()) == 1,
                        "the RNG failed");
  return key;
}
}  // namespace

SessionTicketKeys::SessionTicketKeys(std::chrono::seconds rotation_interval)
    : interval_(rotation_interval) {
  auto set = std::make_shared<KeySet>();
  set->keys.push_back(randomKey());
  set->created = std::chrono::steady_clock::now();
  set_.store(std::move(set));
}

void SessionTicketKeys::rotate() {
  auto old = set_.load();
  auto next = std::make_shared<KeySet>();
  next->keys.push_back(randomKey());
  next->keys.push_back(old->keys.front());
  next->created = std::chrono::steady_clock::now();
  // Two workers may race to rotate; the loser's key is simply dropped.
  std::shared_ptr<const KeySet> expected = old;
  set_.compare_exchange_strong(expected, std::move(next));
}

SessionTicketKeys::Key SessionTicketKeys::encryptionKey() {
  auto set = set_.load();
  if (std::chrono::steady_clock::now() - set->created >= interval_) {
    rotate();
    set = set_.load();
  }
  return set->keys.front();
}

std::optional<SessionTicketKeys::Key> SessionTicketKeys::decryptionKey(const uint8_t* name,
                                                                      bool& is_current) const {
  auto set = set_.load();
  for (size_t i = 0; i < set->keys.size(); ++i) {
    if (std::memcmp(set->keys[i].name.data(), name, kNameSize) == 0) {
      is_current = i == 0 && std::chrono::steady_clock::now() - set->created < interval_;
      return set->keys[i];
    }
  }
  return std::nullopt;
}

}  // namespace remora::tls
