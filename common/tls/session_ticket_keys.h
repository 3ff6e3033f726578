#pragma once

// Rotating keys for stateless TLS session tickets on the server. New tickets
// are sealed with the newest key; tickets sealed with the previous key are
// still accepted (and re-issued under the new one), so a ticket lives at most
// two rotation intervals. Shared by every SSL_CTX of one server credentials
// provider so that a certificate rotation does not invalidate tickets that the
// new context would accept anyway.
//
// Thread-safe: workers read the key set through an atomic shared_ptr snapshot
// during handshakes; rotation (by age, or rotate()) swaps in a new set.

#include <atomic>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace remora::tls {

class SessionTicketKeys {
 public:
  static constexpr size_t kNameSize = 16;
  static constexpr size_t kAesKeySize = 32;
  static constexpr size_t kHmacKeySize = 32;

  struct Key {
    std::array<uint8_t, kNameSize> name;
    std::array<uint8_t, kAesKeySize> aes_key;
    std::array<uint8_t, kHmacKeySize> hmac_key;
  };

  explicit SessionTicketKeys(std::chrono::seconds rotation_interval = std::chrono::hours(1));

  // The key that seals new tickets, rotating first if it is older than the
  // interval.
  Key encryptionKey();
  // The key named `name` among the current and the previous one; `is_current`
  // tells whether the ticket should be renewed.
  std::optional<Key> decryptionKey(const uint8_t* name, bool& is_current) const;
  // Replaces the current key now; the former one stays valid for decryption.
  void rotate();

 private:
  struct KeySet {
    std::vector<Key> keys;  // newest first, at most two
    std::chrono::steady_clock::time_point created;
  };

  const std::chrono::seconds interval_;
  std::atomic<std::shared_ptr<const KeySet>> set_;
};

}  // namespace remora::tls
