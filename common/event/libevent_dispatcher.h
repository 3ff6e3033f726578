#pragma once

// The libevent implementation of Dispatcher: one event_base per dispatcher.

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/event/dispatcher.h"

struct event_base;
struct event;

namespace remora::event {

class LibeventDispatcher : public Dispatcher {
 public:
  explicit LibeventDispatcher(std::string name);
  ~LibeventDispatcher() override;

  const std::string& name() const override { return name_; }
  TimerPtr createTimer(TimerCb cb) override;
  FileEventPtr createFileEvent(int fd, FileReadyCb cb, FileTriggerType trigger,
                               uint32_t events) override;
  SignalEventPtr listenForSignal(int signal_number, std::function<void()> cb) override;
  TimeoutList& timeoutList(std::chrono::milliseconds duration) override;
  network::ListenerPtr createListener(network::SocketFd& socket,
                                      network::ListenerCallbacks& callbacks) override;
  network::ConnectionPtr createServerConnection(network::SocketFd&& socket,
                                                network::TransportSocketPtr transport) override;
  network::ConnectionPtr createServerConnection(network::SocketFd&& socket,
                                                const network::Address& local,
                                                const network::Address& remote,
                                                network::TransportSocketPtr transport) override;
  network::ClientConnectionPtr createClientConnection(
      const network::Address& remote, const network::Address* source,
      network::TransportSocketPtr transport) override;
  network::DnsResolverPtr createDnsResolver(const std::vector<std::string>& nameservers) override;
  void post(std::function<void()> cb) override;
  void deferredDelete(DeferredDeletablePtr to_delete) override;
  void run(RunType type) override;
  void exit() override;
  bool isThreadSafe() const override;
  MonotonicTime approximateMonotonicTime() const override {
    return std::chrono::steady_clock::now();
  }
  void updateApproximateMonotonicTime() override;

  event_base* eventBase() override { return base_; }

 private:
  static void onPostEvent(int fd, short what, void* arg);
  static void onDeferredDeleteEvent(int fd, short what, void* arg);
  void runPostCallbacks();
  void clearDeferredDeleteList();

  std::string name_;
  event_base* base_;
  ::event* post_event_;
  ::event* deferred_delete_event_;
  std::mutex post_mutex_;
  std::vector<std::function<void()>> post_callbacks_;
  std::vector<DeferredDeletablePtr> to_delete_;
  bool deleting_ = false;
  std::atomic<std::thread::id> run_thread_{};
  std::vector<std::unique_ptr<TimeoutList>> timeout_lists_;  // a few durations at most
  MonotonicTime approximate_now_;
};

}  // namespace remora::event
