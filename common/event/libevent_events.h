#pragma once

// Timer, FileEvent and SignalEvent on a libevent event_base. Each embeds its
// struct event (event_assign) rather than allocating one (event_new): one heap
// block per event instead of two, which is most of an idle connection's
// events' memory. libevent is linked from the same headers it is compiled
// against (static, see cmake/remora_static_runtime.cmake, or the distribution's
// matching shared library), so the struct's layout is known.

#include <event2/event_struct.h>

#include "common/event/dispatcher.h"

namespace remora::event {

class LibeventTimer : public Timer {
 public:
  LibeventTimer(event_base* base, TimerCb cb);
  ~LibeventTimer() override;
  void enableTimer(std::chrono::milliseconds delay) override;
  void disableTimer() override;
  bool enabled() const override;

 private:
  static void onFire(int fd, short what, void* arg);
  TimerCb cb_;
  ::event event_;
};

// A file event embedded in its owner: no heap block and no std::function, as
// every connection has one. Idle until watch(), and again after stop().
class SocketEvent {
 public:
  SocketEvent() = default;
  ~SocketEvent() { stop(); }
  SocketEvent(const SocketEvent&) = delete;
  SocketEvent& operator=(const SocketEvent&) = delete;

  // Starts reporting `events` (FileReady bits) of `fd` to `handler`.
  void watch(Dispatcher& dispatcher, int fd, FileReadyHandler& handler, FileTriggerType trigger,
             uint32_t events);
  void stop();
  // stop() for a socket that is closed right after: closing removes it from
  // epoll anyway, so libevent's EPOLL_CTL_DEL is skipped (one system call
  // less per connection; epoll_wrap.h). With a shared libevent the same
  // as stop(). The fd must not be shared (no dup()), or close() would leave
  // it registered.
  void stopBeforeClose();
  bool watching() const { return handler_ != nullptr; }
  // Replaces the set of events listened for.
  void setEnabled(uint32_t events);
  // Reports `events` on the next loop iteration (nothing if not watching).
  void activate(uint32_t events);

 private:
  static void onReady(int fd, short what, void* arg);
  void assign(event_base* base, int fd, uint32_t events);
  FileReadyHandler* handler_ = nullptr;
  // FileReady bits fit a byte; bytes keep the event in 144 B.
  bool edge_ = false;
  uint8_t enabled_ = 0;
  uint8_t activated_ = 0;  // activate() bits not yet delivered
  ::event event_;
};

// Dispatcher::createFileEvent(): a SocketEvent reporting to a std::function.
class LibeventFileEvent : public FileEvent, private FileReadyHandler {
 public:
  LibeventFileEvent(Dispatcher& dispatcher, int fd, FileReadyCb cb, FileTriggerType trigger,
                    uint32_t events);
  void setEnabled(uint32_t events) override { event_.setEnabled(events); }
  void activate(uint32_t events) override { event_.activate(events); }

 private:
  void onFileReady(uint32_t events) override { cb_(events); }
  FileReadyCb cb_;
  SocketEvent event_;
};

class LibeventSignalEvent : public SignalEvent {
 public:
  LibeventSignalEvent(event_base* base, int signal_number, std::function<void()> cb);
  ~LibeventSignalEvent() override;

 private:
  static void onSignal(int fd, short what, void* arg);
  std::function<void()> cb_;
  ::event event_;
};

}  // namespace remora::event
