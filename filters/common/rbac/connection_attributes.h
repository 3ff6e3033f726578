#pragma once

// RBAC attributes of a network connection (for the network rbac filter).
// Borrows the connection; valid while it is. Dispatcher thread only.

#include "common/network/connection.h"
#include "filters/common/rbac/rbac_attributes.h"

namespace remora::filters::rbac {

class ConnectionAttributes : public Attributes {
 public:
  explicit ConnectionAttributes(const network::Connection& connection) : connection_(connection) {}

  const network::Address* remoteAddress() const override {
    return &connection_.info().remote_address;
  }
  const network::Address* directRemoteAddress() const override {
    return &connection_.info().remote_address;
  }
  const network::Address* destinationAddress() const override {
    return &connection_.info().effectiveLocalAddress();
  }
  const network::PeerSecurityInfo* peerSecurity() const override {
    return connection_.transportSocket().peerSecurity();
  }
  std::string_view requestedServerName() const override {
    return connection_.info().requestedServerName();
  }

 private:
  const network::Connection& connection_;
};

}  // namespace remora::filters::rbac
