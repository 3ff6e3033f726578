#pragma once

// Timer, FileEvent and SignalEvent on a libevent event_base.

#include "common/event/dispatcher.h"

struct event_base;
struct event;

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
  ::event* event_;
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
  void assign(uint32_t events);
  event_base* base_;
  int fd_;
  FileReadyCb cb_;
  FileTriggerType trigger_;
  uint32_t enabled_ = 0;
  uint32_t activated_ = 0;  // activate() bits not yet delivered
  ::event* event_;
};

class LibeventSignalEvent : public SignalEvent {
 public:
  LibeventSignalEvent(event_base* base, int signal_number, std::function<void()> cb);
  ~LibeventSignalEvent() override;

 private:
  static void onSignal(int fd, short what, void* arg);
  std::function<void()> cb_;
  ::event* event_;
};

}  // namespace remora::event
