#pragma once

#include "common/network/connection_impl.h"

namespace remora::network {

class ClientConnectionImpl : public ConnectionImpl, public ClientConnection {
 public:
  ClientConnectionImpl(event::Dispatcher& dispatcher, const Address& remote,
                       const Address* source, TransportSocketPtr transport);

  void connect() override;
  void setConnectTimeout(std::chrono::milliseconds timeout) override;
  void readLocalAddress() override;

 protected:
  void onConnectReady(uint32_t events) override;

 private:
  int immediate_error_ = 0;
  bool bind_source_;  // bind to info().local_address before connecting
  event::TimerPtr connect_timer_;
};

}  // namespace remora::network
