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

class LibeventFileEvent : public FileEvent {
 public:
  LibeventFileEvent(event_base* base, int fd, FileReadyCb cb, FileTriggerType trigger,
                    uint32_t events);
  ~LibeventFileEvent() override;
  void setEnabled(uint32_t events) override;
  void activate(uint32_t events) override;

 private:
  static void onReady(int fd, short what, void* arg);
  void assign(event_base* base, int fd, uint32_t events);
  FileReadyCb cb_;
  FileTriggerType trigger_;
  uint32_t enabled_ = 0;
  uint32_t activated_ = 0;  // activate() bits not yet delivered
  ::event event_;
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
