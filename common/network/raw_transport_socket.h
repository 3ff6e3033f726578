#pragma once

// Plain TCP: bytes pass through unchanged.

#include "common/network/transport_socket.h"

namespace remora::network {

class RawTransportSocket : public TransportSocket {
 public:
  void setTransportSocketCallbacks(TransportSocketCallbacks& callbacks) override {
    callbacks_ = &callbacks;
  }
  std::string protocol() const override { return {}; }
  std::string_view failureReason() const override { return {}; }
  bool canFlushClose() override { return true; }
  void closeSocket(ConnectionEvent) override {}
  IoResult doRead(buffer::Buffer& buffer) override;
  IoResult doWrite(buffer::Buffer& buffer, bool end_stream) override;
  void onConnected() override;
  bool canSplice() const override { return true; }
  const PeerSecurityInfo* peerSecurity() const override { return nullptr; }

 private:
  TransportSocketCallbacks* callbacks_ = nullptr;
  bool shutdown_sent_ = false;
};

class RawTransportSocketFactory : public TransportSocketFactory {
 public:
  TransportSocketPtr create(const TransportSocketOptions&) const override {
    return std::make_unique<RawTransportSocket>();
  }
  bool implementsSecureTransport() const override { return false; }
};

}  // namespace remora::network
