#include "common/event/libevent_events.h"

#include <event2/event.h>

#include "common/event/epoll_wrap.h"


namespace remora::event {

namespace {
timeval toTimeval(std::chrono::milliseconds delay) {
  timeval tv;
  tv.tv_sec = delay.count() / 1000;
  tv.tv_usec = (delay.count() % 1000) * 1000;
  return tv;
}

short toLibeventFlags(uint32_t events) {
  short flags = 0;
  if (events & FileReady::kRead) flags |= EV_READ;
  if (events & FileReady::kWrite) flags |= EV_WRITE;
  if (events & FileReady::kClosed) flags |= EV_CLOSED;
  return flags;
}

uint32_t fromLibeventFlags(short what) {
  uint32_t events = 0;
  if (what & EV_READ) events |= FileReady::kRead;
  if (what & EV_WRITE) events |= FileReady::kWrite;
  if (what & EV_CLOSED) events |= FileReady::kClosed;
  return events;
}
}  // namespace

LibeventTimer::LibeventTimer(event_base* base, TimerCb cb) : cb_(std::move(cb)) {
  evtimer_assign(&event_, base, &LibeventTimer::onFire, this);
}

LibeventTimer::~LibeventTimer() { evtimer_del(&event_); }

void LibeventTimer::enableTimer(std::chrono::milliseconds delay) {
  timeval tv = toTimeval(delay);
  evtimer_add(&event_, &tv);
}

void LibeventTimer::disableTimer() { evtimer_del(&event_); }

bool LibeventTimer::enabled() const { return evtimer_pending(&event_, nullptr) != 0; }

void LibeventTimer::onFire(int, short, void* arg) {
  // Copy: the callback may destroy the timer.
  auto cb = static_cast<LibeventTimer*>(arg)->cb_;
  cb();
}

void SocketEvent::watch(Dispatcher& dispatcher, int fd, FileReadyHandler& handler,
                        FileTriggerType trigger, uint32_t events) {
  stop();
  handler_ = &handler;
  edge_ = trigger == FileTriggerType::Edge;
  activated_ = 0;
  assign(dispatcher.eventBase(), fd, events);
}

void SocketEvent::stop() {
  if (handler_ == nullptr) return;
  event_del(&event_);
  handler_ = nullptr;
}

void SocketEvent::stopBeforeClose() {
  if (handler_ == nullptr) return;
  t_fd_being_closed = event_get_fd(&event_);
  stop();
  t_fd_being_closed = -1;
}

void SocketEvent::assign(event_base* base, int fd, uint32_t events) {
  enabled_ = static_cast<uint8_t>(events);
  short flags = static_cast<short>(toLibeventFlags(events) | EV_PERSIST);
  if (edge_) flags |= EV_ET;
  event_assign(&event_, base, fd, flags, &SocketEvent::onReady, this);
  if (events != 0) event_add(&event_, nullptr);
}

void SocketEvent::setEnabled(uint32_t events) {
  if (handler_ == nullptr || events == enabled_) return;
  event_del(&event_);
  // The embedded event keeps its base and fd; re-assign with the new flags.
  assign(event_get_base(&event_), event_get_fd(&event_), events);
  // event_del also dropped a pending activation; restore it.
  if (activated_ != 0) event_active(&event_, toLibeventFlags(activated_), 0);
}

void SocketEvent::activate(uint32_t events) {
  if (handler_ == nullptr) return;
  activated_ = static_cast<uint8_t>(activated_ | events);
  event_active(&event_, toLibeventFlags(events), 0);
}

void SocketEvent::onReady(int, short what, void* arg) {
  auto* self = static_cast<SocketEvent*>(arg);
  self->activated_ = 0;
  self->handler_->onFileReady(fromLibeventFlags(what));
}

LibeventFileEvent::LibeventFileEvent(Dispatcher& dispatcher, int fd, FileReadyCb cb,
                                     FileTriggerType trigger, uint32_t events)
    : cb_(std::move(cb)) {
  event_.watch(dispatcher, fd, *this, trigger, events);
}

LibeventSignalEvent::LibeventSignalEvent(event_base* base, int signal_number,
                                         std::function<void()> cb)
    : cb_(std::move(cb)) {
  evsignal_assign(&event_, base, signal_number, &LibeventSignalEvent::onSignal, this);
  evsignal_add(&event_, nullptr);
}

LibeventSignalEvent::~LibeventSignalEvent() { evsignal_del(&event_); }

void LibeventSignalEvent::onSignal(int, short, void* arg) {
  static_cast<LibeventSignalEvent*>(arg)->cb_();
}

}  // namespace remora::event
