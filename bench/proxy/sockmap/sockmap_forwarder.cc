// A TCP forwarder whose payload never reaches user space: both sockets of a
// proxied connection go into a BPF sockmap whose stream verdict
// (sockmap_redirect.bpf.c) sends each arriving byte out of the other socket.
// User space only accepts, connects, fills the maps and propagates FINs.
// An experiment for sockmap_bench.sh, not part of Remora: one thread per
// connection, at most 512 connections, no timeouts.
//
//   sockmap_forwarder LISTEN_PORT UPSTREAM_PORT BPF_OBJECT   (127.0.0.1, root)
//
// Bytes that arrive before the sockets are in the map stay in the receive
// queue; they are read and written once by user space right after the
// insertion. Bytes arriving meanwhile are redirected by the kernel and could
// overtake them, so this is only correct for protocols whose client waits for
// an answer after its first message (iperf3 does).
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace {

constexpr uint32_t kPairs = 512;  // two sockmap slots each

struct Maps {
  int socks = -1;
  int peer_slot = -1;
};

Maps g_maps;
std::mutex g_slots_mutex;
std::vector<uint32_t> g_free_pairs;

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

uint64_t cookieOf(int fd) {
  uint64_t cookie = 0;
  socklen_t len = sizeof cookie;
  getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len);
  return cookie;
}

// Forwards in user space whatever one socket received before it entered the map.
void forwardQueued(int from, int to) {
  char buf[65536];
  for (;;) {
    ssize_t n = recv(from, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) return;
    if (send(to, buf, static_cast<size_t>(n), 0) != n) return;
  }
}

void serve(int down, int upstream_port) {
  int up = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = loopback(upstream_port);
  uint32_t pair = kPairs;
  {
    std::lock_guard lock(g_slots_mutex);
    if (!g_free_pairs.empty()) {
      pair = g_free_pairs.back();
      g_free_pairs.pop_back();
    }
  }
  if (pair == kPairs || up < 0 || connect(up, reinterpret_cast<sockaddr*>(&addr), sizeof addr)) {
    std::fprintf(stderr, "connection refused: %s\n", pair == kPairs ? "no free slot" : std::strerror(errno));
    if (up >= 0) close(up);
    close(down);
    return;
  }
  int one = 1;  // as every proxy in the comparison sets it
  setsockopt(down, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(up, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  uint32_t down_slot = pair * 2, up_slot = pair * 2 + 1;
  uint64_t down_cookie = cookieOf(down), up_cookie = cookieOf(up);
  // Peers first: a socket is redirected from the moment it is in `socks`.
  bpf_map_update_elem(g_maps.peer_slot, &down_cookie, &up_slot, BPF_ANY);
  bpf_map_update_elem(g_maps.peer_slot, &up_cookie, &down_slot, BPF_ANY);
  uint64_t fd = static_cast<uint64_t>(up);
  bool mapped = bpf_map_update_elem(g_maps.socks, &up_slot, &fd, BPF_ANY) == 0;
  fd = static_cast<uint64_t>(down);
  mapped = mapped && bpf_map_update_elem(g_maps.socks, &down_slot, &fd, BPF_ANY) == 0;
  if (!mapped) std::perror("sockmap insert");
  forwardQueued(down, up);
  forwardQueued(up, down);

  // Only hang-ups wake us: readability would fire for every redirected segment.
  pollfd fds[2] = {{down, POLLRDHUP, 0}, {up, POLLRDHUP, 0}};
  bool ended[2] = {false, false};
  while (mapped && !(ended[0] && ended[1])) {
    if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (ended[i] || fds[i].revents == 0) continue;
      ended[i] = true;
      fds[i].fd = -1;
      shutdown(i == 0 ? up : down, SHUT_WR);
    }
  }
  bpf_map_delete_elem(g_maps.socks, &down_slot);
  bpf_map_delete_elem(g_maps.socks, &up_slot);
  bpf_map_delete_elem(g_maps.peer_slot, &down_cookie);
  bpf_map_delete_elem(g_maps.peer_slot, &up_cookie);
  close(down);
  close(up);
  std::lock_guard lock(g_slots_mutex);
  g_free_pairs.push_back(pair);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s LISTEN_PORT UPSTREAM_PORT BPF_OBJECT\n", argv[0]);
    return 2;
  }
  int listen_port = std::atoi(argv[1]), upstream_port = std::atoi(argv[2]);
  bpf_object* obj = bpf_object__open_file(argv[3], nullptr);
  if (obj == nullptr || bpf_object__load(obj) != 0) {
    std::fprintf(stderr, "cannot load %s (root and a kernel with sockmap needed)\n", argv[3]);
    return 1;
  }
  g_maps.socks = bpf_object__find_map_fd_by_name(obj, "socks");
  g_maps.peer_slot = bpf_object__find_map_fd_by_name(obj, "peer_slot");
  int prog = bpf_program__fd(bpf_object__find_program_by_name(obj, "redirect_to_peer"));
  if (bpf_prog_attach(prog, g_maps.socks, BPF_SK_SKB_STREAM_VERDICT, 0) != 0) {
    std::perror("attach stream verdict");
    return 1;
  }
  for (uint32_t i = kPairs; i-- > 0;) g_free_pairs.push_back(i);

  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = loopback(listen_port);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 128) != 0) {
    std::perror("listen");
    return 1;
  }
  for (;;) {
    int conn = accept(listener, nullptr, nullptr);
    if (conn >= 0) std::thread(serve, conn, upstream_port).detach();
  }
}
