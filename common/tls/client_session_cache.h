#pragma once

// Client-side TLS sessions of one upstream transport socket factory, keyed
// by server name, so the next connection to the same upstream resumes instead
// of paying for a full handshake. Holds at most `max_per_server` sessions per
// name (newest first) and at most kMaxServers names.
//
// Thread-safe: a worker adds a session when the server sends a ticket and
// takes one when it opens a connection. The mutex is held for a map lookup
// only, once per connection set-up (as Envoy's ClientContextImpl does).

#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "common/tls/openssl_types.h"

namespace remora::tls {

class ClientSessionCache {
 public:
  static constexpr size_t kMaxServers = 1024;

  explicit ClientSessionCache(size_t max_per_server) : max_per_server_(max_per_server) {}

  // Takes ownership of `session` (ignored when caching is disabled).
  void add(const std::string& server_name, SslSessionPtr session);
  // The newest session to resume with, or null; it stays in the cache (also
  // a TLS 1.3 one) until newer sessions push it out. The caller gets its own
  // reference.
  SslSessionPtr get(const std::string& server_name);
  size_t size(const std::string& server_name) const;

 private:
  const size_t max_per_server_;
  mutable std::mutex mutex_;
  std::map<std::string, std::deque<SslSessionPtr>> sessions_;
};

}  // namespace remora::tls
