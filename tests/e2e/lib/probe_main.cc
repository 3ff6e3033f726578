// remora-e2e-probe: the tiny TCP server and client the e2e tests run inside pods.
//
//   remora-e2e-probe serve PORT [--v6] [--echo]
//       Listens on 0.0.0.0:PORT (or [::]:PORT, v6 only). Prints "LISTENING PORT" once ready,
//       then for each connection prints and sends back one line
//       "port=PORT original_dst=ADDR:PORT peer=ADDR:PORT" and closes it. original_dst is read
//       with SO_ORIGINAL_DST (IP6T_SO_ORIGINAL_DST), "none" when the connection was not NATed.
//       With --echo it then sends back everything it reads until the peer closes.
//   remora-e2e-probe connect HOST PORT [--timeout-ms N] [--send BYTES]
//       Connects, prints the server's reply line, exits 0; prints "CONNECT_FAILED reason" and
//       exits 1 on error or after the timeout (default 3000 ms, per wait). With --send it also
//       writes BYTES bytes of a fixed pattern, reads them back from an --echo server and prints
//       "ECHO_OK bytes=N" when they match (exit 0) or "ECHO_MISMATCH ..." (exit 1).
#include <arpa/inet.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
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

char patternByte(size_t i) {
  return static_cast<char>((i * 131 + 7) % 251);
}

// Sends back what arrives until the peer closes (blocking; one connection at a time).
void echoUntilClosed(int fd) {
  char buffer[16384];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) {
      return;
    }
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = write(fd, buffer + done, static_cast<size_t>(n - done));
      if (w <= 0) {
        return;
      }
      done += w;
    }
  }
}

int serve(int port, bool v6, bool echo) {
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
    if (echo) {
      echoUntilClosed(fd);
    }
    close(fd);
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
  }
}

// What the client got back: the server's line, then (with --send) the echoed bytes.
struct Exchange {
  std::string line;
  std::string echoed;
};

// Reads the reply (and with `send` > 0 writes the pattern and reads it back) on the connecting,
// non-blocking socket `fd`. Returns an empty string on success, else why it failed.
std::string exchange(int fd, size_t send, int timeout_ms, Exchange& out) {
  std::string received;
  size_t sent = 0;
  std::string payload(send, '\0');
  for (size_t i = 0; i < send; ++i) {
    payload[i] = patternByte(i);
  }
  while (true) {
    const size_t newline = received.find('\n');
    if (newline != std::string::npos && received.size() - newline - 1 >= send) {
      break; // an --echo server keeps the connection open until we close it
    }
    pollfd pfd{fd, static_cast<short>(POLLIN | (sent < send ? POLLOUT : 0)), 0};
    if (poll(&pfd, 1, timeout_ms) <= 0) {
      return "timeout";
    }
    if ((pfd.revents & POLLOUT) != 0 && sent < send) {
      const ssize_t w = write(fd, payload.data() + sent, std::min<size_t>(send - sent, 65536));
      if (w < 0 && errno != EAGAIN) {
        return std::strerror(errno);
      }
      sent += static_cast<size_t>(std::max<ssize_t>(w, 0));
    }
    if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
      continue;
    }
    char buffer[16384];
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EAGAIN) {
      continue;
    }
    if (n < 0) {
      return std::strerror(errno);
    }
    if (n == 0) {
      break;
    }
    received.append(buffer, static_cast<size_t>(n));
  }
  const size_t newline = received.find('\n');
  out.line = received.substr(0, newline == std::string::npos ? received.size() : newline + 1);
  out.echoed = newline == std::string::npos ? "" : received.substr(newline + 1);
  return "";
}

int connectTo(const char* host, const char* port, int timeout_ms, size_t send) {
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
  Exchange got;
  if (const std::string error = exchange(fd, send, timeout_ms, got); !error.empty()) {
    std::printf("CONNECT_FAILED %s\n", error.c_str());
    return 1;
  }
  close(fd);
  std::fputs(got.line.c_str(), stdout);
  if (send == 0) {
    return got.line.empty() ? 1 : 0;
  }
  size_t first_bad = 0;
  while (first_bad < std::min(send, got.echoed.size()) && got.echoed[first_bad] == patternByte(first_bad)) {
    ++first_bad;
  }
  if (got.echoed.size() != send || first_bad != send) {
    std::printf("ECHO_MISMATCH sent=%zu got=%zu first_difference=%zu\n", send, got.echoed.size(),
                first_bad);
    return 1;
  }
  std::printf("ECHO_OK bytes=%zu\n", send);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "serve" && argc >= 3) {
    bool v6 = false;
    bool echo = false;
    for (int i = 3; i < argc; ++i) {
      v6 = v6 || std::string(argv[i]) == "--v6";
      echo = echo || std::string(argv[i]) == "--echo";
    }
    return serve(std::atoi(argv[2]), v6, echo);
  }
  if (command == "connect" && argc >= 4) {
    int timeout = 3000;
    size_t send = 0;
    for (int i = 4; i + 1 < argc; i += 2) {
      if (std::string(argv[i]) == "--timeout-ms") {
        timeout = std::atoi(argv[i + 1]);
      } else if (std::string(argv[i]) == "--send") {
        send = static_cast<size_t>(std::atol(argv[i + 1]));
      }
    }
    return connectTo(argv[2], argv[3], timeout, send);
  }
  std::fprintf(stderr, "usage: remora-e2e-probe serve PORT [--v6] [--echo] | connect HOST PORT "
                       "[--timeout-ms N] [--send BYTES]\n");
  return 2;
}
