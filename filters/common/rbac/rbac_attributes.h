#pragma once

// What an RBAC policy can look at, as an abstract interface: the network
// filter supplies connection facts; the HTTP filter will subclass it and add
// request facts (headers, path) without touching the matchers. Every getter
// returns null / nullopt / "" when the fact is unknown, and a matcher over an
// unknown fact does not match. Implementations live on the stack of one
// evaluation; single-threaded.

#include <optional>
#include <string_view>

#include "common/network/address.h"
#include "common/network/transport_socket.h"

namespace remora::filters::rbac {

class Attributes {
 public:
  virtual ~Attributes() = default;

  // remote_ip: the original client (after PROXY protocol / XFF handling).
  virtual const network::Address* remoteAddress() const = 0;
  // direct_remote_ip: the peer of the TCP connection itself.
  virtual const network::Address* directRemoteAddress() const = 0;
  // destination_ip / destination_port: the original destination if restored,
  // else the local address.
  virtual const network::Address* destinationAddress() const = 0;
  // The TLS peer (null for plaintext or before the handshake).
  virtual const network::PeerSecurityInfo* peerSecurity() const = 0;
  virtual std::string_view requestedServerName() const { return {}; }

  // HTTP request facts; unknown for network-level evaluation.
  virtual std::optional<std::string_view> header(std::string_view /*lower_case_name*/) const {
    return std::nullopt;
  }
  virtual std::optional<std::string_view> urlPath() const { return std::nullopt; }
};

}  // namespace remora::filters::rbac
