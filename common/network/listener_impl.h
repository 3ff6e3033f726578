#pragma once

#include "common/event/dispatcher.h"
#include "common/network/listener.h"

namespace remora::network {

class ListenerImpl : public Listener {
 public:
  ListenerImpl(event::Dispatcher& dispatcher, SocketFd& socket, ListenerCallbacks& callbacks);
  void enable() override;
  void disable() override;

 private:
  void onAcceptReady();

  SocketFd& socket_;
  ListenerCallbacks& callbacks_;
  event::FileEventPtr file_event_;
};

}  // namespace remora::network
