#pragma once

// Many timeouts of one duration that are pushed back all the time: the idle
// timeouts of thousands of proxied connections, restarted on every read and
// write. One dispatcher timer serves the whole list instead of one libevent
// timer per connection (about 180 bytes and an event_add per restart).
//
// Restarting an entry moves it to the tail with its new deadline. All entries
// share the duration, so the list stays sorted by deadline and the timer only
// ever needs the head's; it is re-armed when it fires, never on a restart. An
// entry that was pushed back after the timer was armed is simply found not yet
// due when the timer fires. Get a list with Dispatcher::timeoutList().

#include <chrono>

#include "common/event/dispatcher.h"

namespace remora::event {

class TimeoutList {
 public:
  // A base of its owner, which implements onTimeout() (40 bytes: no
  // std::function, no heap); unlinks itself when destroyed.
  class Entry {
   public:
    Entry() = default;
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;

    // (Re)starts the timeout: it fires `list`'s duration from now.
    void restart(TimeoutList& list);
    void cancel();
    bool armed() const { return list_ != nullptr; }

   protected:
    ~Entry() { cancel(); }
    // Called once the timeout expires; the entry is disarmed by then and may
    // be restarted or destroyed (with its owner) here.
    virtual void onTimeout() = 0;

   private:
    friend class TimeoutList;
    TimeoutList* list_ = nullptr;
    Entry* prev_ = nullptr;
    Entry* next_ = nullptr;
    MonotonicTime deadline_{};
  };

  TimeoutList(Dispatcher& dispatcher, std::chrono::milliseconds duration);
  // Entries still armed are disarmed; their timeouts never fire.
  ~TimeoutList();
  TimeoutList(const TimeoutList&) = delete;
  TimeoutList& operator=(const TimeoutList&) = delete;

  std::chrono::milliseconds duration() const { return duration_; }
  bool empty() const { return head_ == nullptr; }

 private:
  void append(Entry& entry);
  void unlink(Entry& entry);
  void onTimer();

  Dispatcher& dispatcher_;
  const std::chrono::milliseconds duration_;
  TimerPtr timer_;
  Entry* head_ = nullptr;
  Entry* tail_ = nullptr;
};

}  // namespace remora::event
