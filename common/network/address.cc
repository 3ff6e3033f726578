#include "common/network/address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace remora::network {

Result<Address> Address::fromIp(std::string_view ip, uint16_t port) {
  std::string text(ip);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  Address address;
  sockaddr_in& v4 = address.sa_.v4;
  if (inet_pton(AF_INET, text.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    return address;
  }
  address.sa_ = {};
  sockaddr_in6& v6 = address.sa_.v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port);
    return address;
  }
  return makeError("not an IP address: '" + std::string(ip) + "'");
}

Result<Address> Address::fromString(std::string_view ip_port) {
  size_t colon = ip_port.rfind(':');
  if (colon == std::string_view::npos) {
    return makeError("expected ip:port, got '" + std::string(ip_port) + "'");
  }
  std::string_view ip = ip_port.substr(0, colon);
  std::string_view port_text = ip_port.substr(colon + 1);
  if (ip.find(':') != std::string_view::npos && (ip.empty() || ip.front() != '[')) {
    return makeError("IPv6 addresses need brackets: '" + std::string(ip_port) + "'");
  }
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port > 65535) {
    return makeError("bad port in '" + std::string(ip_port) + "'");
  }
  return fromIp(ip, static_cast<uint16_t>(port));
}

Address Address::fromSockaddr(const sockaddr* sa, socklen_t len) {
  Address address;
  // Only IP families fit; anything else stays an invalid (empty) address.
  if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6) {
    std::memcpy(&address.sa_, sa, std::min<size_t>(len, sizeof(address.sa_)));
  }
  return address;
}

uint16_t Address::port() const {
  if (family() == AF_INET) return ntohs(sa_.v4.sin_port);
  if (family() == AF_INET6) return ntohs(sa_.v6.sin6_port);
  return 0;
}

Address Address::withPort(uint16_t port) const {
  Address copy = *this;
  if (family() == AF_INET) copy.sa_.v4.sin_port = htons(port);
  if (family() == AF_INET6) copy.sa_.v6.sin6_port = htons(port);
  return copy;
}

const uint8_t* Address::ipBytes() const {
  if (family() == AF_INET6) return reinterpret_cast<const uint8_t*>(&sa_.v6.sin6_addr);
  return reinterpret_cast<const uint8_t*>(&sa_.v4.sin_addr);
}

std::string Address::ip() const {
  char text[INET6_ADDRSTRLEN] = {0};
  if (!valid()) return "";
  inet_ntop(family(), ipBytes(), text, sizeof(text));
  return text;
}

std::string Address::toString() const {
  if (!valid()) return "";
  if (family() == AF_INET6) return "[" + ip() + "]:" + std::to_string(port());
  return ip() + ":" + std::to_string(port());
}

bool Address::isAnyAddress() const {
  const uint8_t* bytes = ipBytes();
  for (size_t i = 0; i < ipLength(); ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

bool Address::isLoopback() const {
  if (family() == AF_INET) return ipBytes()[0] == 127;
  Address plain = unmapped();
  if (plain.family() == AF_INET) return plain.isLoopback();
  return IN6_IS_ADDR_LOOPBACK(&sa_.v6.sin6_addr);
}

Address Address::unmapped() const {
  if (family() != AF_INET6) return *this;
  const sockaddr_in6& v6 = sa_.v6;
  if (!IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr)) return *this;
  Address out;
  out.sa_.v4.sin_family = AF_INET;
  out.sa_.v4.sin_port = v6.sin6_port;
  std::memcpy(&out.sa_.v4.sin_addr, &v6.sin6_addr.s6_addr[12], 4);
  return out;
}

bool Address::operator==(const Address& other) const {
  if (family() != other.family()) return false;
  if (!valid()) return true;
  return port() == other.port() && std::memcmp(ipBytes(), other.ipBytes(), ipLength()) == 0;
}

Result<CidrRange> CidrRange::fromString(std::string_view cidr) {
  size_t slash = cidr.find('/');
  if (slash == std::string_view::npos) {
    auto address = Address::fromIp(cidr, 0);
    if (!address) return address.error();
    return fromIp(cidr, address->version() == IpVersion::v4 ? 32 : 128);
  }
  std::string_view len_text = cidr.substr(slash + 1);
  unsigned len = 0;
  auto [ptr, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (ec != std::errc() || ptr != len_text.data() + len_text.size()) {
    return makeError("bad prefix length in '" + std::string(cidr) + "'");
  }
  return fromIp(cidr.substr(0, slash), len);
}

Result<CidrRange> CidrRange::fromIp(std::string_view ip, uint32_t prefix_len) {
  auto address = Address::fromIp(ip, 0);
  if (!address) return address.error();
  uint32_t max = address->version() == IpVersion::v4 ? 32 : 128;
  if (prefix_len > max) {
    return makeError("prefix length " + std::to_string(prefix_len) + " exceeds " +
                     std::to_string(max) + " for '" + std::string(ip) + "'");
  }
  CidrRange range;
  range.prefix_len_ = prefix_len;
  range.base_ = *address;
  auto* bytes = const_cast<uint8_t*>(range.base_.ipBytes());
  for (uint32_t bit = prefix_len; bit < max; ++bit) {
    bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  return range;
}

bool CidrRange::contains(const Address& address) const {
  Address candidate = address;
  if (candidate.version() != base_.version()) candidate = candidate.unmapped();
  if (candidate.version() != base_.version()) return false;
  const uint8_t* a = candidate.ipBytes();
  const uint8_t* b = base_.ipBytes();
  uint32_t full = prefix_len_ / 8;
  if (std::memcmp(a, b, full) != 0) return false;
  uint32_t rest = prefix_len_ % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

std::string CidrRange::toString() const { return base_.ip() + "/" + std::to_string(prefix_len_); }

}  // namespace remora::network
