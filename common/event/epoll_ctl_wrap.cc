#include "common/event/epoll_ctl_wrap.h"

#include <sys/epoll.h>

namespace remora::event {
thread_local int t_fd_being_closed = -1;
}  // namespace remora::event

extern "C" int __real_epoll_ctl(int epfd, int op, int fd, epoll_event* event);

extern "C" int __wrap_epoll_ctl(int epfd, int op, int fd, epoll_event* event) {
  if (op == EPOLL_CTL_DEL && fd >= 0 && fd == remora::event::t_fd_being_closed) return 0;
  return __real_epoll_ctl(epfd, op, fd, event);
}
