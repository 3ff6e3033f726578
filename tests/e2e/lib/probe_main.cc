// remora-e2e-probe: the tiny TCP server and client the e2e tests run inside pods.
//
//   remora-e2e-probe serve PORT [--v6]
//       Listens on 0.0.0.0:PORT (or [::]:PORT, v6 only). Prints "LISTENING PORT" once ready,
//       then for each connection prints and sends back one line
//       "port=PORT original_dst=ADDR:PORT peer=ADDR:PORT" and closes it. original_dst is read
//       with SO_ORIGINAL_DST (IP6T_SO_ORIGINAL_DST), "none" when the connection was not NATed.
//   remora-e2e-probe connect HOST PORT [--timeout-ms N]
//       Connects, prints the server's reply line, exits 0; prints "CONNECT_FAILED reason" and
//       exits 1 on error or after the timeout (default 3000 ms).
#include <arpa/inet.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

std::string addressText(const sockaddr_storage& address) {
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

int serve(int port, bool v6) {
  const int domain = v6 ? AF_INET6 : AF_INET;
  const int listener = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_storage address{};
  socklen_t length;
  if (v6) {
    setsockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(port));
    length = sizeof(sockaddr_in6);
  } else {
    auto* in = reinterpret_cast<sockaddr_in*>(&address);
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(port));
    length = sizeof(sockaddr_in);
  }
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      listen(listener, 64) != 0) {
    std::printf("LISTEN_FAILED %s\n", std::strerror(errno));
    return 1;
  }
  std::printf("LISTENING %d\n", port);
  std::fflush(stdout);
  while (true) {
    sockaddr_storage peer{};
    socklen_t peer_length = sizeof(peer);
    const int fd =
        accept4(listener, reinterpret_cast<sockaddr*>(&peer), &peer_length, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR) {
        continue;
      }
      return 1;
    }
    sockaddr_storage original{};
    socklen_t original_length = sizeof(original);
    const int rc = v6 ? getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, &original, &original_length)
                      : getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &original, &original_length);
    const std::string line = "port=" + std::to_string(port) +
                             " original_dst=" + (rc == 0 ? addressText(original) : "none") +
                             " peer=" + addressText(peer) + "\n";
    (void)!write(fd, line.data(), line.size());
    close(fd);
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
  }
}

int connectTo(const char* host, const char* port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* result = nullptr;
  if (getaddrinfo(host, port, &hints, &result) != 0) {
    std::printf("CONNECT_FAILED bad address %s:%s\n", host, port);
    return 1;
  }
  const int fd = socket(result->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int rc = connect(fd, result->ai_addr, result->ai_addrlen);
  freeaddrinfo(result);
  if (rc != 0 && errno != EINPROGRESS) {
    std::printf("CONNECT_FAILED %s\n", std::strerror(errno));
    return 1;
  }
  std::string reply;
  pollfd pfd{fd, POLLIN, 0};
  while (true) {
    rc = poll(&pfd, 1, timeout_ms);
    if (rc <= 0) {
      std::printf("CONNECT_FAILED timeout\n");
      return 1;
    }
    char buffer[512];
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      std::printf("CONNECT_FAILED %s\n", std::strerror(errno));
      return 1;
    }
    if (n == 0) {
      break;
    }
    reply.append(buffer, static_cast<size_t>(n));
  }
  std::fputs(reply.c_str(), stdout);
  return reply.empty() ? 1 : 0;
}

} // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "serve" && argc >= 3) {
    return serve(std::atoi(argv[2]), argc > 3 && std::string(argv[3]) == "--v6");
  }
  if (command == "connect" && argc >= 4) {
    const int timeout =
        argc > 5 && std::string(argv[4]) == "--timeout-ms" ? std::atoi(argv[5]) : 3000;
    return connectTo(argv[2], argv[3], timeout);
  }
  std::fprintf(stderr, "usage: remora-e2e-probe serve PORT [--v6] | connect HOST PORT "
                       "[--timeout-ms N]\n");
  return 2;
}
