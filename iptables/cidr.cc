#include "iptables/cidr.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace remora::iptables {

const char* familyName(Family family) {
  return family == Family::V4 ? "v4" : "v6";
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  const size_t slash = text.find('/');
  const std::string address(text.substr(0, slash));
  Cidr cidr;
  if (inet_pton(AF_INET, address.c_str(), cidr.bytes_.data()) == 1) {
    cidr.family_ = Family::V4;
  } else if (inet_pton(AF_INET6, address.c_str(), cidr.bytes_.data()) == 1) {
    cidr.family_ = Family::V6;
  } else {
    return std::nullopt;
  }
  const int max_length = cidr.family_ == Family::V4 ? 32 : 128;
  cidr.prefix_length_ = max_length;
  if (slash != std::string_view::npos) {
    const std::string_view length = text.substr(slash + 1);
    int value = -1;
    const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), value);
    if (ec != std::errc() || end != length.data() + length.size() || length.empty() || value < 0 ||
        value > max_length) {
      return std::nullopt;
    }
    cidr.prefix_length_ = value;
  }
  // iptables-save prints the masked network, so mask here too: "10.1.2.3/8" becomes "10.0.0.0/8".
  for (int bit = cidr.prefix_length_; bit < max_length; ++bit) {
    cidr.bytes_[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  return cidr;
}

std::string Cidr::toString() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(family_ == Family::V4 ? AF_INET : AF_INET6, bytes_.data(), buffer, sizeof(buffer));
  return std::string(buffer) + "/" + std::to_string(prefix_length_);
}

bool Cidr::isLoopback() const {
  if (family_ == Family::V4) {
    return prefix_length_ >= 8 && bytes_[0] == 127;
  }
  static const uint8_t kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return prefix_length_ == 128 && std::memcmp(bytes_.data(), kLoopback6, 16) == 0;
}

} // namespace remora::iptables
