#include "iptables/validator.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "iptables/pod_addresses.h"

namespace remora::iptables {
namespace {

using Clock = std::chrono::steady_clock;

class Fd {
public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) {
      close(fd_);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

private:
  int fd_;
};

struct Endpoint {
  sockaddr_storage storage{};
  socklen_t length = 0;
};

bool makeEndpoint(Family family, const std::string& address, uint16_t port, Endpoint& out) {
  out = Endpoint{};
  if (family == Family::V4) {
    auto* in = reinterpret_cast<sockaddr_in*>(&out.storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    out.length = sizeof(sockaddr_in);
    return address.empty() || inet_pton(AF_INET, address.c_str(), &in->sin_addr) == 1;
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(port);
  out.length = sizeof(sockaddr_in6);
  return address.empty() || inet_pton(AF_INET6, address.c_str(), &in6->sin6_addr) == 1;
}

std::string toString(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    return std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
  }
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
  inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
  return "[" + std::string(text) + "]:" + std::to_string(ntohs(in6->sin6_port));
}

int remainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<long long>(left.count(), 0));
}

// The hairpin rule only matches the proxy's own sockets, so the probe socket is created with
// the proxy's fsuid/fsgid (xt_owner looks at the socket file's credentials).
int proxySocket(const CaptureConfig& config, int domain) {
  if (geteuid() != 0) {
    return socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  }
  const uid_t old_uid = setfsuid(config.proxy_uids.front());
  const gid_t old_gid = setfsgid(config.proxy_gids.front());
  const int fd = socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int saved_errno = errno;
  setfsgid(old_gid);
  setfsuid(old_uid);
  errno = saved_errno;
  return fd;
}

std::string probeAddress(const CaptureConfig& config, Family family) {
  if (family == Family::V6) {
    return firstPodAddress(Family::V6).value_or("");
  }
  // Any 127/8 address leaves through lo; pick one the hairpin rule does not exempt as localhost.
  const auto narrowed =
      Cidr::parse("127.10.0.1/" + std::to_string(config.ipv4_loopback.prefixLength()));
  if (narrowed && *narrowed != config.ipv4_loopback) {
    return "127.10.0.1";
  }
  return firstPodAddress(Family::V4).value_or("");
}

Status validateFamily(const CaptureConfig& config, Family family, std::ostream& log) {
  const std::string prefix = std::string(familyName(family)) + ": ";
  const int domain = family == Family::V4 ? AF_INET : AF_INET6;
  const std::string probe_address = probeAddress(config, family);
  if (probe_address.empty()) {
    return Status::failure(prefix + "no address to probe (no non-loopback " + familyName(family) +
                           " address in this namespace)");
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(config.probe_timeout_ms);

  Fd listener(socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  Endpoint listen_at;
  makeEndpoint(family, "", config.inbound_capture_port, listen_at);
  const int one = 1;
  setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (family == Family::V6) {
    setsockopt(listener.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  }
  if (listener.get() < 0 ||
      bind(listener.get(), reinterpret_cast<sockaddr*>(&listen_at.storage), listen_at.length) !=
          0 ||
      listen(listener.get(), 8) != 0) {
    return Status::failure(prefix + "cannot listen on port " +
                           std::to_string(config.inbound_capture_port) + ": " +
                           std::strerror(errno) + " (is the proxy already running?)");
  }

  Endpoint target;
  if (!makeEndpoint(family, probe_address, config.probe_port, target)) {
    return Status::failure(prefix + "bad probe address " + probe_address);
  }
  const std::string target_text = toString(target.storage);
  Fd client(proxySocket(config, domain));
  if (client.get() < 0) {
    return Status::failure(prefix + "socket: " + std::strerror(errno));
  }
  if (connect(client.get(), reinterpret_cast<sockaddr*>(&target.storage), target.length) != 0 &&
      errno != EINPROGRESS) {
    return Status::failure(prefix + "connect to " + target_text + " failed: " +
                           std::strerror(errno) + "; traffic is not being redirected");
  }
  // Wait for either side: the listener sees the connection only if it was redirected; the
  // client alone completing (or failing) means it went somewhere else.
  pollfd fds[2] = {{listener.get(), POLLIN, 0}, {client.get(), POLLOUT, 0}};
  while (true) {
    const int ready = poll(fds, 2, remainingMs(deadline));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      return Status::failure(prefix + "connection to " + target_text + " did not reach port " +
                             std::to_string(config.inbound_capture_port) + " within " +
                             std::to_string(config.probe_timeout_ms) +
                             " ms; traffic is not being redirected");
    }
    if (fds[0].revents != 0) {
      break;
    }
    int error = 0;
    socklen_t length = sizeof(error);
    getsockopt(client.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      return Status::failure(prefix + "connection to " + target_text + " failed (" +
                             std::strerror(error) + "): it was not redirected to port " +
                             std::to_string(config.inbound_capture_port) +
                             "; the capture rules are missing or wrong");
    }
    fds[1].events = 0; // connected; the listener must see it now or never
  }

  Fd accepted(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (accepted.get() < 0) {
    return Status::failure(prefix + "accept: " + std::strerror(errno));
  }
  sockaddr_storage original{};
  socklen_t length = sizeof(original);
  const int level = family == Family::V4 ? SOL_IP : SOL_IPV6;
  const int option = family == Family::V4 ? SO_ORIGINAL_DST : IP6T_SO_ORIGINAL_DST;
  if (getsockopt(accepted.get(), level, option, &original, &length) != 0) {
    return Status::failure(prefix + "a connection reached port " +
                           std::to_string(config.inbound_capture_port) +
                           " but has no SO_ORIGINAL_DST (" + std::strerror(errno) +
                           "): it was not redirected by netfilter");
  }
  if (toString(original) != target_text) {
    return Status::failure(prefix + "SO_ORIGINAL_DST is " + toString(original) + ", expected " +
                           target_text);
  }
  log << prefix << "capture works: " << target_text << " was redirected to port "
      << config.inbound_capture_port << " (SO_ORIGINAL_DST " << toString(original) << ")\n";
  return okStatus();
}

} // namespace

Status validateCapture(const CaptureConfig& config, const std::vector<Family>& families,
                       std::ostream& log) {
  std::string problems;
  for (Family family : families) {
    if (const Status status = validateFamily(config, family, log); !status.ok()) {
      problems += (problems.empty() ? "" : "\n") + status.error();
    }
  }
  if (!problems.empty()) {
    return Status::failure(problems);
  }
  return okStatus();
}

} // namespace remora::iptables
