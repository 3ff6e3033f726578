#include "common/event/epoll_wrap.h"

#include <sys/epoll.h>

#include <atomic>

namespace remora::event {

thread_local int t_fd_being_closed = -1;

namespace {
std::atomic<bool> wait_wrapped{false};
}  // namespace

bool hangupsReportedAsClosed() { return wait_wrapped.load(std::memory_order_relaxed); }

}  // namespace remora::event

extern "C" int __real_epoll_ctl(int epfd, int op, int fd, epoll_event* event);
extern "C" int __real_epoll_wait(int epfd, epoll_event* events, int maxevents, int timeout);

extern "C" int __wrap_epoll_ctl(int epfd, int op, int fd, epoll_event* event) {
  if (op == EPOLL_CTL_DEL && fd >= 0 && fd == remora::event::t_fd_being_closed) return 0;
  return __real_epoll_ctl(epfd, op, fd, event);
}

extern "C" int __wrap_epoll_wait(int epfd, epoll_event* events, int maxevents, int timeout) {
  // Written once: every worker's loop passes here, and a store per call
  // would bounce the flag's cache line between cores.
  if (!remora::event::wait_wrapped.load(std::memory_order_relaxed)) {
    remora::event::wait_wrapped.store(true, std::memory_order_relaxed);
  }
  int n = __real_epoll_wait(epfd, events, maxevents, timeout);
  for (int i = 0; i < n; ++i) {
    const uint32_t what = events[i].events;  // (a packed struct: no reference)
    if (what & (EPOLLERR | EPOLLHUP)) {
      events[i].events =
          (what & ~static_cast<uint32_t>(EPOLLERR | EPOLLHUP)) | EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    }
  }
  return n;
}
