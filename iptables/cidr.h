#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace remora::iptables {

enum class Family { V4, V6 };

// "v4" / "v6", for messages.
const char* familyName(Family family);

// An IPv4 or IPv6 network, host bits cleared, printed the way iptables-save prints it
// ("10.0.0.0/8", "2001:db8::/32") so that rendered rules compare equal to saved ones.
class Cidr {
public:
  // Accepts "a.b.c.d", "a.b.c.d/n", "x::y", "x::y/n". A bare address is a host (/32, /128).
  // Returns nullopt for anything else.
  static std::optional<Cidr> parse(std::string_view text);

  Family family() const { return family_; }
  int prefixLength() const { return prefix_length_; }
  std::string toString() const;
  // True if this network lies inside the loopback range of its family (127/8, ::1/128).
  bool isLoopback() const;

  bool operator==(const Cidr&) const = default;

private:
  Family family_ = Family::V4;
  int prefix_length_ = 0;
  std::array<uint8_t, 16> bytes_{};
};

} // namespace remora::iptables
