#include "proxy/listener/listener_manager.h"

#include <map>

#include "common/logging/logger.h"

namespace remora::listener {

ListenerManager::ListenerManager(stats::Store& store, std::vector<ConnectionHandler*> handlers)
    : store_(store),
      handlers_(std::move(handlers)),
      listener_added_(store.counter("listener_manager.listener_added")),
      listener_modified_(store.counter("listener_manager.listener_modified")),
      listener_removed_(store.counter("listener_manager.listener_removed")),
      total_listeners_active_(store.gauge("listener_manager.total_listeners_active")) {}

Status ListenerManager::apply(std::vector<std::shared_ptr<ListenerRuntime>> built) {
  std::map<std::string, ListenerRuntimeConstSharedPtr> old_by_name;
  std::map<std::string, ListenSocketsSharedPtr> sockets_by_address;
  for (const auto& l : live_) {
    old_by_name[l->name()] = l;
    if (l->sockets()) sockets_by_address[l->sockets()->requestedAddress().toString()] = l->sockets();
  }
  uint32_t workers = static_cast<uint32_t>(handlers_.size());
  std::vector<ListenerRuntimeConstSharedPtr> next;
  size_t added = 0, modified = 0;
  for (auto& runtime : built) {
    auto old = old_by_name.find(runtime->name());
    if (old != old_by_name.end() && old->second->config().source_text == runtime->config().source_text) {
      next.push_back(old->second);
      continue;
    }
    (old == old_by_name.end() ? added : modified)++;
    const auto& config = runtime->config();
    if (config.bind_to_port) {
      auto reuse = sockets_by_address.find(config.address.toString());
      bool shared = config.exact_balance;
      if (reuse != sockets_by_address.end() && reuse->second->shared() == (shared || workers == 1)) {
        runtime->setSockets(reuse->second);
      } else {
        auto sockets = ListenSockets::create(config.address, workers, shared);
        if (!sockets) {
          return makeError("listener '" + config.name + "': " + sockets.error().message,
                           sockets.error().code);
        }
        runtime->setSockets(*sockets);
      }
    }
    runtime->setWorkerStats(store_, workers);
    if (config.exact_balance && workers > 1) {
      runtime->setBalancer(std::make_shared<ExactBalancer>(workers));
    }
    next.push_back(runtime);
  }
  size_t removed = 0;
  for (const auto& [name, l] : old_by_name) {
    bool kept = false;
    for (const auto& n : next) kept = kept || n->name() == name;
    if (!kept) ++removed;
  }
  listener_added_.inc(added);
  listener_modified_.inc(modified);
  listener_removed_.inc(removed);
  live_ = std::move(next);
  total_listeners_active_.set(static_cast<int64_t>(live_.size()));
  publish();
  for (const auto& l : live_) {
    REMORA_LOG(info, logging::Component::Main, "listener '{}' on {}", l->name(), l->address().toString());
  }
  return okStatus();
}

void ListenerManager::publish() {
  for (auto* handler : handlers_) {
    auto snapshot = live_;
    handler->dispatcher().post([handler, snapshot] { handler->updateListeners(snapshot); });
  }
}

void ListenerManager::stopListeners(event::Dispatcher& main) {
  auto remaining = std::make_shared<std::atomic<size_t>>(handlers_.size());
  auto listeners = live_;
  auto close_sockets = [listeners] {
    for (const auto& l : listeners) {
      if (l->sockets()) l->sockets()->closeAll();
    }
  };
  if (handlers_.empty()) {
    close_sockets();
    return;
  }
  for (auto* handler : handlers_) {
    handler->dispatcher().post([handler, remaining, &main, close_sockets] {
      handler->stopListeners();
      if (remaining->fetch_sub(1) == 1) main.post(close_sockets);
    });
  }
}

std::string ListenerManager::dumpListeners() const {
  std::string out;
  for (const auto& l : live_) out += l->name() + "::" + l->address().toString() + "\n";
  return out;
}

}  // namespace remora::listener
