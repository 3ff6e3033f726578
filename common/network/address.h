#pragma once

// IPv4/IPv6 socket addresses and CIDR ranges as small value types.

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace remora::network {

enum class IpVersion { v4, v6 };

class Address {
 public:
  Address() = default;
  // Parses an IP literal ("10.0.0.1", "::1", "[::1]") and a port.
  static Result<Address> fromIp(std::string_view ip, uint16_t port);
  // Parses "ip:port" or "[ipv6]:port".
  static Result<Address> fromString(std::string_view ip_port);
  static Address fromSockaddr(const sockaddr* sa, socklen_t len);

  IpVersion version() const { return sa_.any.sa_family == AF_INET6 ? IpVersion::v6 : IpVersion::v4; }
  int family() const { return sa_.any.sa_family; }
  bool valid() const { return family() == AF_INET || family() == AF_INET6; }
  uint16_t port() const;
  Address withPort(uint16_t port) const;
  // "10.0.0.1" or "::1".
  std::string ip() const;
  // "10.0.0.1:80" or "[::1]:80".
  std::string toString() const;
  bool isAnyAddress() const;
  bool isLoopback() const;
  // An IPv4-mapped IPv6 address turned into IPv4; otherwise unchanged.
  Address unmapped() const;

  const sockaddr* sockAddr() const { return &sa_.any; }
  sockaddr* sockAddr() { return &sa_.any; }
  socklen_t sockAddrLen() const {
    return family() == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  }

  // Raw address bytes (4 or 16) in network order.
  const uint8_t* ipBytes() const;
  size_t ipLength() const { return version() == IpVersion::v6 ? 16 : 4; }

  bool operator==(const Address& other) const;
  bool operator!=(const Address& other) const { return !(*this == other); }

 private:
  // IP only, so 28 bytes instead of sockaddr_storage's 128: every connection
  // carries several addresses.
  union Storage {
    sockaddr any;
    sockaddr_in v4;
    sockaddr_in6 v6;
  };
  Storage sa_{};
};

class CidrRange {
 public:
  // "10.0.0.0/8", "fd00::/8"; a bare address means a host route.
  static Result<CidrRange> fromString(std::string_view cidr);
  static Result<CidrRange> fromIp(std::string_view ip, uint32_t prefix_len);

  bool contains(const Address& address) const;
  uint32_t prefixLength() const { return prefix_len_; }
  IpVersion version() const { return base_.version(); }
  std::string toString() const;
  bool operator==(const CidrRange& other) const {
    return base_ == other.base_ && prefix_len_ == other.prefix_len_;
  }

 private:
  Address base_;  // with host bits cleared
  uint32_t prefix_len_ = 0;
};

}  // namespace remora::network
