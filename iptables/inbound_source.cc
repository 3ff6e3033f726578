#include "iptables/inbound_source.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

namespace remora::iptables {

namespace {

// The kernel's struct in6_ifreq (<linux/ipv6.h>, which clashes with <netinet/in.h>).
struct In6Ifreq {
  in6_addr address;
  uint32_t prefix_length;
  int interface_index;
};

}  // namespace

Status ensureIpv6InboundSource() {
  const unsigned index = if_nametoindex("lo");
  if (index == 0) {
    return Status::failure(std::string("cannot find interface lo: ") + std::strerror(errno));
  }
  const int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return Status::failure(std::string("cannot open an IPv6 socket: ") + std::strerror(errno));
  }
  In6Ifreq request{};
  inet_pton(AF_INET6, "::6", &request.address);
  request.prefix_length = 128;
  request.interface_index = static_cast<int>(index);
  const int rc = ioctl(fd, SIOCSIFADDR, &request);
  const int saved = errno;
  close(fd);
  if (rc != 0 && saved != EEXIST) {
    return Status::failure(std::string("cannot add ::6/128 to lo: ") + std::strerror(saved));
  }
  return okStatus();
}

}  // namespace remora::iptables
