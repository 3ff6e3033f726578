#include "common/network/listener_impl.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/logging/logger.h"

namespace remora::network {

namespace {
// Accepts per wake-up, so one busy listener cannot starve the loop.
constexpr int kMaxAcceptsPerEvent = 64;
}  // namespace

ListenerImpl::ListenerImpl(event::Dispatcher& dispatcher, SocketFd& socket,
                           ListenerCallbacks& callbacks)
    : socket_(socket), callbacks_(callbacks) {
  file_event_ = dispatcher.createFileEvent(
      socket_.fd(), [this](uint32_t) { onAcceptReady(); }, event::FileTriggerType::Level,
      event::FileReady::kRead);
}

void ListenerImpl::enable() { file_event_->setEnabled(event::FileReady::kRead); }

void ListenerImpl::disable() { file_event_->setEnabled(0); }

void ListenerImpl::onAcceptReady() {
  for (int i = 0; i < kMaxAcceptsPerEvent; ++i) {
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof(peer);
    int fd = ::accept4(socket_.fd(), reinterpret_cast<sockaddr*>(&peer), &peer_len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        REMORA_LOG(warn, logging::Component::Connection, "accept failed: {}", std::strerror(errno));
      }
      return;
    }
    callbacks_.onAccept(SocketFd(fd), Address::fromSockaddr(reinterpret_cast<sockaddr*>(&peer), peer_len));
  }
}

}  // namespace remora::network
