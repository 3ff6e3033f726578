#pragma once

// Accepts connections on a listening socket and hands each to its callbacks.

#include "common/network/socket.h"

namespace remora::network {

class ListenerCallbacks {
 public:
  virtual ~ListenerCallbacks() = default;
  // Called once per accepted socket (non-blocking, close-on-exec) with the
  // peer's address as accept() reported it.
  virtual void onAccept(SocketFd&& socket, const Address& peer) = 0;
};

class Listener {
 public:
  virtual ~Listener() = default;
  // Stops or resumes accepting (drain, exact balance, overload).
  virtual void enable() = 0;
  virtual void disable() = 0;
};

}  // namespace remora::network
