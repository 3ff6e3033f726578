#pragma once

// The program is linked with -Wl,--wrap=epoll_ctl,--wrap=epoll_wait
// (cmake/remora_static_runtime.cmake): every such call in it, statically
// linked libevent's included, goes through epoll_wrap.cc. Two things happen
// there, both for connections' benefit:
//
// - EPOLL_CTL_DEL is skipped for the one fd its thread is about to close
//   (SocketEvent::stopBeforeClose): close() removes the fd from epoll anyway.
// - An EPOLLERR or EPOLLHUP is handed to libevent as EPOLLIN | EPOLLOUT |
//   EPOLLRDHUP. libevent reports EPOLLERR/EPOLLHUP as plain readability and
//   writability; this way a reset or hang-up reaches a file event registered
//   for FileReady::kClosed as kClosed, as a FIN does. So an event without
//   kClosed carries data only, and a short read proves the socket empty
//   (ConnectionImpl::shortReadDrainsSocket).
//
// A shared libevent's own calls are not wrapped: its DELs stay, and
// hangupsReportedAsClosed() stays false, so connections read to EAGAIN.

namespace remora::event {

// The fd whose EPOLL_CTL_DEL is skipped, or -1; per thread (a dispatcher
// runs on one).
extern thread_local int t_fd_being_closed;

// True once an epoll_wait went through the wrapper, i.e. libevent's events
// are rewritten as described above.
bool hangupsReportedAsClosed();

}  // namespace remora::event
