#include "common/event/timeout_list.h"

namespace remora::event {

void TimeoutList::Entry::restart(TimeoutList& list) {
  if (list_ != nullptr) list_->unlink(*this);
  list.append(*this);
}

void TimeoutList::Entry::cancel() {
  if (list_ != nullptr) list_->unlink(*this);
}

TimeoutList::TimeoutList(Dispatcher& dispatcher, std::chrono::milliseconds duration)
    : dispatcher_(dispatcher),
      duration_(duration),
      timer_(dispatcher.createTimer([this] { onTimer(); })) {}

TimeoutList::~TimeoutList() {
  while (head_ != nullptr) unlink(*head_);
}

void TimeoutList::append(Entry& entry) {
  entry.deadline_ = dispatcher_.approximateMonotonicTime() + duration_;
  entry.list_ = this;
  entry.prev_ = tail_;
  entry.next_ = nullptr;
  if (tail_ != nullptr) {
    tail_->next_ = &entry;
  } else {
    head_ = &entry;
  }
  tail_ = &entry;
  // The armed timer is never later than the head's deadline, so only a list
  // that was empty needs it.
  if (!timer_->enabled()) timer_->enableTimer(duration_);
}

void TimeoutList::unlink(Entry& entry) {
  (entry.prev_ != nullptr ? entry.prev_->next_ : head_) = entry.next_;
  (entry.next_ != nullptr ? entry.next_->prev_ : tail_) = entry.prev_;
  entry.prev_ = entry.next_ = nullptr;
  entry.list_ = nullptr;
}

void TimeoutList::onTimer() {
  // A callback may destroy any entry, or restart it: read the head anew each time.
  while (head_ != nullptr) {
    MonotonicTime now = dispatcher_.approximateMonotonicTime();
    if (head_->deadline_ > now) {
      auto wait = std::chrono::ceil<std::chrono::milliseconds>(head_->deadline_ - now);
      timer_->enableTimer(wait);
      return;
    }
    Entry& due = *head_;
    unlink(due);
    due.onTimeout();
  }
}

}  // namespace remora::event
