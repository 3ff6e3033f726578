#include "proxy/listener/connection_handler.h"

#include <set>

#include "proxy/listener/active_tcp_listener.h"

namespace remora::listener {

ConnectionHandler::ConnectionHandler(event::Dispatcher& dispatcher, uint32_t worker_index,
                                     upstream::ClusterManager& cluster_manager)
    : dispatcher_(dispatcher), worker_index_(worker_index), cluster_manager_(cluster_manager) {}

ConnectionHandler::~ConnectionHandler() {
  draining_.clear();
  listeners_.clear();
}

void ConnectionHandler::updateListeners(const std::vector<ListenerRuntimeConstSharedPtr>& listeners) {
  std::set<uint64_t> wanted;
  for (const auto& runtime : listeners) {
    wanted.insert(runtime->tag());
    if (listeners_.count(runtime->tag()) == 0) {
      listeners_[runtime->tag()] = std::make_unique<ActiveTcpListener>(*this, runtime);
    }
  }
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    if (wanted.count(it->first) != 0) {
      ++it;
      continue;
    }
    it->second->stopAccepting();
    if (it->second->connectionCount() > 0) draining_.push_back(std::move(it->second));
    it = listeners_.erase(it);
  }
}

void ConnectionHandler::stopListeners() {
  for (auto& [tag, listener] : listeners_) listener->stopAccepting();
}

void ConnectionHandler::closeAllConnections() {
  for (auto& [tag, listener] : listeners_) listener->closeAllConnections();
  for (auto& listener : draining_) listener->closeAllConnections();
}

ActiveTcpListener* ConnectionHandler::findListenerForAddress(const network::Address& address) {
  ActiveTcpListener* wildcard = nullptr;
  for (auto& [tag, listener] : listeners_) {
    network::Address candidate = listener->runtime()->address();
    if (candidate == address) return listener.get();
    if (candidate.port() == address.port() && candidate.isAnyAddress() &&
        candidate.version() == address.version() && wildcard == nullptr) {
      wildcard = listener.get();
    }
  }
  return wildcard;
}

ActiveTcpListener* ConnectionHandler::findListenerByTag(uint64_t tag) {
  auto it = listeners_.find(tag);
  return it == listeners_.end() ? nullptr : it->second.get();
}

void ConnectionHandler::onListenerEmpty(ActiveTcpListener& listener) {
  for (auto& d : draining_) {
    if (d.get() != &listener) continue;
    // The listener may be on the stack: finish it on the next iteration.
    ActiveTcpListener* target = &listener;
    dispatcher_.post([this, target] {
      for (auto it = draining_.begin(); it != draining_.end(); ++it) {
        if (it->get() == target && target->connectionCount() == 0) {
          draining_.erase(it);
          return;
        }
      }
    });
    return;
  }
}

}  // namespace remora::listener
