#pragma once

// The program is linked with -Wl,--wrap=epoll_ctl (cmake/remora_static_runtime.cmake):
// every epoll_ctl call in it, statically linked libevent's included, goes
// through epoll_ctl_wrap.cc, which skips EPOLL_CTL_DEL for the one fd its
// thread is about to close (SocketEvent::stopBeforeClose): close() removes the
// fd from epoll anyway. A shared libevent's own calls are not wrapped; those
// keep their DEL.

namespace remora::event {

// The fd whose EPOLL_CTL_DEL is skipped, or -1; per thread (a dispatcher
// runs on one).
extern thread_local int t_fd_being_closed;

}  // namespace remora::event
