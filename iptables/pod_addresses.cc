#include "iptables/pod_addresses.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

namespace remora::iptables {

std::optional<std::string> firstPodAddress(Family family) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return std::nullopt;
  }
  std::optional<std::string> found;
  for (ifaddrs* it = list; it != nullptr && !found; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || (it->ifa_flags & IFF_LOOPBACK) != 0) {
      continue;
    }
    char text[INET6_ADDRSTRLEN] = {};
    if (family == Family::V4 && it->ifa_addr->sa_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
      inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
      found = text;
    } else if (family == Family::V6 && it->ifa_addr->sa_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(it->ifa_addr);
      if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr) || IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) {
        continue;
      }
      inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
      found = text;
    }
  }
  freeifaddrs(list);
  return found;
}

} // namespace remora::iptables
