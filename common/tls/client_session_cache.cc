#include "common/tls/client_session_cache.h"

namespace remora::tls {

void ClientSessionCache::add(const std::string& server_name, SslSessionPtr session) {
  if (max_per_server_ == 0 || !session || SSL_SESSION_is_resumable(session.get()) != 1) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(server_name);
  if (it == sessions_.end()) {
    if (sessions_.size() >= kMaxServers) sessions_.erase(sessions_.begin());
    it = sessions_.emplace(server_name, std::deque<SslSessionPtr>()).first;
  }
  it->second.push_front(std::move(session));
  while (it->second.size() > max_per_server_) it->second.pop_back();
}

SslSessionPtr ClientSessionCache::get(const std::string& server_name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(server_name);
  if (it == sessions_.end() || it->second.empty()) return nullptr;
  // The newest session is offered to every new connection until a fresh
  // ticket replaces it (as Envoy does), TLS 1.3 included: taking single-use
  // tickets out would leave every connection that starts while the previous
  // one is still handshaking with nothing to resume, and a sidecar opens many
  // connections to the same upstream at once.
  SSL_SESSION* session = it->second.front().get();
  if (SSL_SESSION_is_resumable(session) != 1) {  // e.g. its connection failed at the TLS level
    it->second.pop_front();
    return nullptr;
  }
  SSL_SESSION_up_ref(session);
  return SslSessionPtr(session);
}

size_t ClientSessionCache::size(const std::string& server_name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(server_name);
  return it == sessions_.end() ? 0 : it->second.size();
}

}  // namespace remora::tls
