#pragma once

#include <optional>
#include <string>

#include "iptables/cidr.h"

namespace remora::iptables {

// The first address of `family` on a non-loopback interface of this network namespace, with
// global scope for IPv6 (link-local fe80::/10 does not count; ULA does). nullopt if none.
std::optional<std::string> firstPodAddress(Family family);

} // namespace remora::iptables
