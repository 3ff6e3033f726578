#include "common/event/libevent_dispatcher.h"

#include <event2/event.h>
#include <event2/thread.h>

#include <mutex>

#include "common/assert.h"
#include "common/event/libevent_events.h"
#include "common/event/timeout_list.h"
#include "common/network/client_connection_impl.h"
#include "common/network/connection_impl.h"
#include "common/network/evdns_resolver.h"
#include "common/network/listener_impl.h"

namespace remora::event {

namespace {
void initLibeventOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    REMORA_RELEASE_ASSERT(evthread_use_pthreads() == 0, "libevent threading unavailable");
  });
}
}  // namespace

DispatcherPtr createDispatcher(std::string name) {
  return std::make_unique<LibeventDispatcher>(std::move(name));
}

LibeventDispatcher::LibeventDispatcher(std::string name) : name_(std::move(name)) {
  initLibeventOnce();
  base_ = event_base_new();
  REMORA_RELEASE_ASSERT(base_ != nullptr, "event_base_new failed");
  post_event_ = event_new(base_, -1, 0, &LibeventDispatcher::onPostEvent, this);
  deferred_delete_event_ = event_new(base_, -1, 0, &LibeventDispatcher::onDeferredDeleteEvent, this);
  REMORA_RELEASE_ASSERT(post_event_ && deferred_delete_event_, "out of memory");
  updateApproximateMonotonicTime();
}

LibeventDispatcher::~LibeventDispatcher() {
  clearDeferredDeleteList();
  timeout_lists_.clear();  // their timers, before the event_base
  event_free(post_event_);
  event_free(deferred_delete_event_);
  event_base_free(base_);
}

TimerPtr LibeventDispatcher::createTimer(TimerCb cb) {
  return std::make_unique<LibeventTimer>(base_, std::move(cb));
}

FileEventPtr LibeventDispatcher::createFileEvent(int fd, FileReadyCb cb, FileTriggerType trigger,
                                                 uint32_t events) {
  return std::make_unique<LibeventFileEvent>(*this, fd, std::move(cb), trigger, events);
}

SignalEventPtr LibeventDispatcher::listenForSignal(int signal_number, std::function<void()> cb) {
  return std::make_unique<LibeventSignalEvent>(base_, signal_number, std::move(cb));
}

TimeoutList& LibeventDispatcher::timeoutList(std::chrono::milliseconds duration) {
  for (auto& list : timeout_lists_) {
    if (list->duration() == duration) return *list;
  }
  timeout_lists_.push_back(std::make_unique<TimeoutList>(*this, duration));
  return *timeout_lists_.back();
}

network::ListenerPtr LibeventDispatcher::createListener(network::SocketFd& socket,
                                                        network::ListenerCallbacks& callbacks) {
  return std::make_unique<network::ListenerImpl>(*this, socket, callbacks);
}

network::ConnectionPtr LibeventDispatcher::createServerConnection(
    network::SocketFd&& socket, network::TransportSocketPtr transport) {
  network::Address local;
  network::Address remote;
  if (auto found = network::localAddress(socket.fd())) local = *found;
  if (auto found = network::peerAddress(socket.fd())) remote = *found;
  return createServerConnection(std::move(socket), local, remote, std::move(transport));
}

network::ConnectionPtr LibeventDispatcher::createServerConnection(
    network::SocketFd&& socket, const network::Address& local, const network::Address& remote,
    network::TransportSocketPtr transport) {
  return std::make_unique<network::ServerConnectionImpl>(*this, std::move(socket), local, remote,
                                                         std::move(transport));
}

network::ClientConnectionPtr LibeventDispatcher::createClientConnection(
    const network::Address& remote, const network::Address* source,
    network::TransportSocketPtr transport) {
  return std::make_unique<network::ClientConnectionImpl>(*this, remote, source,
                                                         std::move(transport));
}

network::DnsResolverPtr LibeventDispatcher::createDnsResolver(
    const std::vector<std::string>& nameservers) {
  return network::createEvdnsResolver(base_, nameservers);
}

void LibeventDispatcher::post(std::function<void()> cb) {
  bool first;
  {
    std::lock_guard<std::mutex> lock(post_mutex_);
    first = post_callbacks_.empty();
    post_callbacks_.push_back(std::move(cb));
  }
  if (first) event_active(post_event_, 0, 0);
}

void LibeventDispatcher::onPostEvent(int, short, void* arg) {
  static_cast<LibeventDispatcher*>(arg)->runPostCallbacks();
}

void LibeventDispatcher::runPostCallbacks() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard<std::mutex> lock(post_mutex_);
    callbacks.swap(post_callbacks_);
  }
  for (auto& cb : callbacks) cb();
}

void LibeventDispatcher::deferredDelete(DeferredDeletablePtr to_delete) {
  if (!to_delete) return;
  to_delete_.push_back(std::move(to_delete));
  if (to_delete_.size() == 1 && !deleting_) event_active(deferred_delete_event_, 0, 0);
}

void LibeventDispatcher::onDeferredDeleteEvent(int, short, void* arg) {
  static_cast<LibeventDispatcher*>(arg)->clearDeferredDeleteList();
}

void LibeventDispatcher::clearDeferredDeleteList() {
  if (deleting_) return;
  deleting_ = true;
  // Destructors may defer more deletions; keep going until none are left.
  while (!to_delete_.empty()) {
    std::vector<DeferredDeletablePtr> batch;
    batch.swap(to_delete_);
    batch.clear();
  }
  deleting_ = false;
}

void LibeventDispatcher::run(RunType type) {
  run_thread_ = std::this_thread::get_id();
  // Callbacks posted before run() began are delivered now.
  runPostCallbacks();
  switch (type) {
    case RunType::Block:
      event_base_loop(base_, EVLOOP_NO_EXIT_ON_EMPTY);
      break;
    case RunType::NonBlock:
      event_base_loop(base_, EVLOOP_NONBLOCK);
      break;
    case RunType::UntilNoEvents:
      event_base_loop(base_, 0);
      break;
  }
  clearDeferredDeleteList();
}

void LibeventDispatcher::exit() {
  post([this] { event_base_loopexit(base_, nullptr); });
}

bool LibeventDispatcher::isThreadSafe() const {
  return run_thread_.load() == std::this_thread::get_id();
}

void LibeventDispatcher::updateApproximateMonotonicTime() {
  approximate_now_ = std::chrono::steady_clock::now();
}

}  // namespace remora::event
