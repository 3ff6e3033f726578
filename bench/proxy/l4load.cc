// l4load: the small load tool behind bench/proxy/l4_bench.sh. One binary, four modes:
//
//   l4load ports N                        print N currently free loopback TCP ports
//   l4load echo PORT                      echo server on 127.0.0.1:PORT until SIGTERM; with
//                                         L4LOAD_ECHO_CLOSE=1 it closes each connection after
//                                         echoing its first read (a request/response upstream)
//   l4load cps PORT CONNS SECONDS SIZE WARMUP
//                                         CONNS concurrent loops of connect, write SIZE
//                                         bytes, read them back, close; prints one line
//                                         "cps=.. p50_us=.. p99_us=.. ok=.. errors=.." for
//                                         the SECONDS after the first WARMUP seconds
//   l4load cps|rr PORT CONNS SECONDS SIZE WARMUP RATE
//                                         open loop: a request every 1/RATE s (cps: on a new
//                                         connection, at most CONNS in flight; rr: on one of
//                                         CONNS persistent connections that is free); latency
//                                         counts from the scheduled start, so queueing behind a
//                                         slow proxy is included
//   l4load rr PORT CONNS SECONDS SIZE WARMUP
//                                         the same over CONNS persistent connections: each
//                                         writes SIZE bytes and reads them back, again and
//                                         again; prints "rps=.. p50_us=.. p99_us=.. ..."
//   l4load hold PORT COUNT SECONDS        open COUNT connections, echo one byte on each so
//                                         that every proxied pair is complete, print
//                                         "held=.. failed=..", then sleep until SIGTERM
//
// Everything is single-threaded epoll on 127.0.0.1, or on the IPv4 address in the environment
// variable L4LOAD_ADDR (echo binds it, the clients connect to it: bench/mesh runs it in pods);
// no dependency beyond libc.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int64_t nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
      .count();
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "l4load: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

void raiseFdLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (const char* address = std::getenv("L4LOAD_ADDR"); address != nullptr && *address != '\0') {
    if (inet_pton(AF_INET, address, &a.sin_addr) != 1) {
      std::fprintf(stderr, "l4load: L4LOAD_ADDR is not an IPv4 address: %s\n", address);
      std::exit(2);
    }
  }
  return a;
}

// Starts a non-blocking connect; returns the fd or -1 (errno set).
int startConnect(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in a = loopback(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) < 0 && errno != EINPROGRESS) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

int socketError(int fd) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
  return err;
}

int cmdPorts(int n) {
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(0);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) < 0) die("bind");
    socklen_t len = sizeof(a);
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    std::printf("%u\n", ntohs(a.sin_port));
    fds.push_back(fd);
  }
  for (int fd : fds) close(fd);
  return 0;
}

struct EchoConn {
  std::string pending;  // bytes read but not yet written back
};

int cmdEcho(uint16_t port) {
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in a = loopback(port);
  if (bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) < 0) die("echo bind");
  if (listen(lfd, 4096) < 0) die("echo listen");
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = lfd;
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  std::vector<EchoConn> conns;
  const char* close_env = std::getenv("L4LOAD_ECHO_CLOSE");
  const bool close_after_reply = close_env != nullptr && std::string(close_env) == "1";
  std::vector<char> buf(64 * 1024);
  std::vector<epoll_event> events(1024);
  std::printf("listening %u\n", port);
  std::fflush(stdout);
  auto drop = [&](int fd) {
    conns[fd].pending.clear();
    close(fd);
  };
  for (;;) {
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("epoll_wait");
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == lfd) {
        for (;;) {
          int c = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (c < 0) break;
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
          if (static_cast<size_t>(c) >= conns.size()) conns.resize(c + 1024);
          epoll_event cev{};
          cev.events = EPOLLIN;
          cev.data.fd = c;
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
        }
        continue;
      }
      EchoConn& conn = conns[fd];
      if (events[i].events & EPOLLOUT) {
        ssize_t w = write(fd, conn.pending.data(), conn.pending.size());
        if (w < 0 && errno != EAGAIN) {
          drop(fd);
          continue;
        }
        if (w > 0) conn.pending.erase(0, static_cast<size_t>(w));
        if (conn.pending.empty()) {
          epoll_event cev{};
          cev.events = EPOLLIN;
          cev.data.fd = fd;
          epoll_ctl(ep, EPOLL_CTL_MOD, fd, &cev);
        }
        continue;
      }
      if (!conn.pending.empty()) continue;  // wait for EPOLLOUT before reading more
      ssize_t r = read(fd, buf.data(), buf.size());
      if (r == 0 || (r < 0 && errno != EAGAIN)) {
        drop(fd);
        continue;
      }
      if (r < 0) continue;
      ssize_t w = write(fd, buf.data(), static_cast<size_t>(r));
      if ((w < 0 && errno != EAGAIN) || (close_after_reply && w == r)) {
        drop(fd);
        continue;
      }
      if (w < r) {
        conn.pending.assign(buf.data() + std::max<ssize_t>(w, 0), buf.data() + r);
        epoll_event cev{};
        cev.events = EPOLLOUT;
        cev.data.fd = fd;
        epoll_ctl(ep, EPOLL_CTL_MOD, fd, &cev);
      }
    }
  }
}

// One client loop of the connection-rate test.
struct Slot {
  enum class State { Idle, Connecting, Reading } state = State::Idle;
  int fd = -1;
  size_t got = 0;
  int64_t t0 = 0;
};

// `persistent`: keep each connection and send the next request on it (rr) instead of closing
// and connecting anew (cps).
// `rate` > 0: start requests on a fixed schedule instead of back to back.
int cmdCps(uint16_t port, int nconns, double seconds, size_t size, double warmup, bool persistent,
           double rate) {
  constexpr int64_t kAttemptTimeoutUs = 3'000'000;
  int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<Slot> slots(static_cast<size_t>(nconns));
  std::vector<char> payload(size, 'x');
  std::vector<char> buf(std::max<size_t>(size, 4096));
  std::vector<uint32_t> lat_us;
  lat_us.reserve(1 << 20);
  uint64_t ok = 0, err_connect = 0, err_io = 0, err_timeout = 0;
  const int64_t start = nowUs();
  const int64_t measure_from = start + static_cast<int64_t>(warmup * 1e6);
  const int64_t end = measure_from + static_cast<int64_t>(seconds * 1e6);
  std::vector<int> retry;  // slots whose connect failed synchronously; retried next tick
  std::vector<size_t> idle;  // rate mode: slots (rr: connected) waiting for a scheduled start
  const double interval_us = rate > 0 ? 1e6 / rate : 0;
  double next_due = static_cast<double>(start);

  auto finish = [&](size_t i) {
    Slot& s = slots[i];
    if (s.fd >= 0) close(s.fd);
    s.fd = -1;
    s.state = Slot::State::Idle;
  };
  auto begin = [&](size_t i) {
    Slot& s = slots[i];
    s.t0 = nowUs();
    s.got = 0;
    s.fd = startConnect(port);
    if (s.fd < 0) {
      if (s.t0 >= measure_from) ++err_connect;
      retry.push_back(static_cast<int>(i));
      return;
    }
    s.state = Slot::State::Connecting;
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, s.fd, &ev);
  };
  auto next = [&](size_t i) {  // the slot's request is over: start another one or wait
    finish(i);
    if (rate > 0) {
      idle.push_back(i);
    } else {
      begin(i);
    }
  };
  auto fail = [&](size_t i, uint64_t& counter) {
    if (slots[i].t0 >= measure_from) ++counter;
    next(i);
  };

  for (size_t i = 0; i < slots.size(); ++i) {
    if (rate > 0 && !persistent) {  // rr connects (and sends once, in the warm-up) first
      idle.push_back(i);
    } else {
      begin(i);
    }
  }
  std::vector<epoll_event> events(1024);
  int64_t last_scan = start;
  for (;;) {
    int64_t now = nowUs();
    if (now >= end) break;
    while (rate > 0 && next_due <= static_cast<double>(now) && !idle.empty()) {
      size_t i = idle.back();
      idle.pop_back();
      Slot& s = slots[i];
      if (persistent && s.fd >= 0) {
        if (write(s.fd, payload.data(), payload.size()) != static_cast<ssize_t>(payload.size())) {
          fail(i, err_io);
          continue;
        }
      } else {
        begin(i);
      }
      s.t0 = static_cast<int64_t>(next_due);  // late starts count against the proxy
      next_due += interval_us;
    }
    if (!retry.empty()) {
      std::vector<int> again;
      again.swap(retry);
      for (int i : again) begin(static_cast<size_t>(i));
    }
    if (now - last_scan > 100'000) {
      last_scan = now;
      for (size_t i = 0; i < slots.size(); ++i) {
        if (slots[i].fd >= 0 && now - slots[i].t0 > kAttemptTimeoutUs) fail(i, err_timeout);
      }
    }
    int64_t wait_us = retry.empty() ? 50'000 : 1'000;
    if (rate > 0 && !idle.empty()) {
      int64_t until_due = static_cast<int64_t>(next_due) - now;
      wait_us = std::min<int64_t>(wait_us, std::max<int64_t>(0, until_due));
    }
    timespec wait{static_cast<time_t>(wait_us / 1'000'000),
                  static_cast<long>(wait_us % 1'000'000) * 1000};  // NOLINT(google-runtime-int)
    int n = epoll_pwait2(ep, events.data(), static_cast<int>(events.size()), &wait, nullptr);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("epoll_wait");
    for (int k = 0; k < n; ++k) {
      size_t i = events[k].data.u64;
      Slot& s = slots[i];
      if (s.state == Slot::State::Connecting) {
        if (socketError(s.fd) != 0) {
          fail(i, err_connect);
          continue;
        }
        ssize_t w = write(s.fd, payload.data(), payload.size());
        if (w !=
            static_cast<ssize_t>(payload.size())) {  // a small write to a fresh socket never splits
          fail(i, err_io);
          continue;
        }
        s.state = Slot::State::Reading;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        epoll_ctl(ep, EPOLL_CTL_MOD, s.fd, &ev);
      } else if (s.state == Slot::State::Reading) {
        ssize_t r = read(s.fd, buf.data(), buf.size());
        if (r < 0 && errno == EAGAIN) continue;
        if (r <= 0) {
          fail(i, err_io);
          continue;
        }
        s.got += static_cast<size_t>(r);
        if (s.got < size) continue;
        int64_t done = nowUs();
        if (s.t0 >= measure_from && done <= end) {
          ++ok;
          lat_us.push_back(static_cast<uint32_t>(std::min<int64_t>(done - s.t0, UINT32_MAX)));
        }
        if (persistent && rate > 0) {
          s.got = 0;
          idle.push_back(i);
          continue;
        }
        if (persistent) {
          s.t0 = done;
          s.got = 0;
          if (write(s.fd, payload.data(), payload.size()) != static_cast<ssize_t>(payload.size())) {
            fail(i, err_io);
          }
          continue;
        }
        next(i);
      }
    }
  }
  std::sort(lat_us.begin(), lat_us.end());
  auto pct = [&](double p) -> uint32_t {
    if (lat_us.empty()) return 0;
    size_t idx = static_cast<size_t>(p * static_cast<double>(lat_us.size() - 1));
    return lat_us[idx];
  };
  std::printf(
      persistent ? "rps=%.0f p50_us=%u p90_us=%u p99_us=%u ok=%llu errors=%llu err_connect=%llu "
                   "err_io=%llu err_timeout=%llu\n"
                 : "cps=%.0f p50_us=%u p90_us=%u p99_us=%u ok=%llu errors=%llu err_connect=%llu "
                   "err_io=%llu err_timeout=%llu\n",
      static_cast<double>(ok) / seconds, pct(0.50), pct(0.90), pct(0.99),
      static_cast<unsigned long long>(ok),
      static_cast<unsigned long long>(err_connect + err_io + err_timeout),
      static_cast<unsigned long long>(err_connect), static_cast<unsigned long long>(err_io),
      static_cast<unsigned long long>(err_timeout));
  return 0;
}

int cmdHold(uint16_t port, int count, double seconds) {
  constexpr int kInFlight = 256;  // stay well under every listen backlog
  int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<int> held;
  held.reserve(static_cast<size_t>(count));
  int started = 0, in_flight = 0, failed = 0;
  const int64_t deadline = nowUs() + static_cast<int64_t>(seconds * 1e6);
  std::vector<epoll_event> events(1024);
  char byte = 'h';
  // data.u64: fd in the low 32 bits, 1 in bit 32 once the byte has been written.
  while ((static_cast<int>(held.size()) + failed < count) && nowUs() < deadline) {
    while (in_flight < kInFlight && started < count) {
      ++started;
      int fd = startConnect(port);
      if (fd < 0) {
        ++failed;
        continue;
      }
      epoll_event ev{};
      ev.events = EPOLLOUT;
      ev.data.u64 = static_cast<uint32_t>(fd);
      epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
      ++in_flight;
    }
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 50);
    if (n < 0 && errno == EINTR) continue;
    for (int k = 0; k < n; ++k) {
      int fd = static_cast<int>(events[k].data.u64 & 0xffffffffu);
      bool written = (events[k].data.u64 >> 32) != 0;
      auto drop = [&] {
        epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
        close(fd);
        ++failed;
        --in_flight;
      };
      if (!written) {
        if (socketError(fd) != 0 || write(fd, &byte, 1) != 1) {
          drop();
          continue;
        }
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = static_cast<uint32_t>(fd) | (uint64_t{1} << 32);
        epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
        continue;
      }
      char in;
      ssize_t r = read(fd, &in, 1);
      if (r < 0 && errno == EAGAIN) continue;
      if (r != 1) {
        drop();
        continue;
      }
      epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
      held.push_back(fd);
      --in_flight;
    }
  }
  failed =
      count - static_cast<int>(held.size());  // still connecting at the deadline counts as failed
  std::printf("held=%zu failed=%d\n", held.size(), failed);
  std::fflush(stdout);
  for (;;) pause();
}

int usage() {
  std::fprintf(stderr,
               "usage: l4load ports N | echo PORT | cps|rr PORT CONNS SECONDS SIZE WARMUP [RATE] | "
               "hold PORT COUNT SECONDS\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  raiseFdLimit();
  if (argc < 3) return usage();
  std::string mode = argv[1];
  if (mode == "ports") return cmdPorts(std::atoi(argv[2]));
  auto port = static_cast<uint16_t>(std::atoi(argv[2]));
  if (mode == "echo") return cmdEcho(port);
  if ((mode == "cps" || mode == "rr") && (argc == 7 || argc == 8)) {
    return cmdCps(port, std::atoi(argv[3]), std::atof(argv[4]),
                  static_cast<size_t>(std::atol(argv[5])), std::atof(argv[6]), mode == "rr",
                  argc == 8 ? std::atof(argv[7]) : 0);
  }
  if (mode == "hold" && argc == 5) return cmdHold(port, std::atoi(argv[3]), std::atof(argv[4]));
  return usage();
}
