#pragma once

// A TCP server for tests, one thread per connection (tests open few).
// Behaviours: echo; answer after the peer's FIN; send a large payload.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace remora::testing {

class TestUpstream {
 public:
  enum class Mode {
    Echo,            // echo every byte, close after the peer's FIN
    ReplyAfterFin,   // read to EOF, then send "got <n> bytes" and close
    Blast            // send `blast_bytes`, counting how far the writes got
  };
  explicit TestUpstream(Mode mode, uint64_t blast_bytes = 0, const std::string& ip = "127.0.0.1");
  ~TestUpstream();

  uint16_t port() const { return port_; }
  uint64_t connections() const { return connections_.load(); }
  uint64_t bytesWritten() const { return bytes_written_.load(); }
  // Stops accepting and closes the listening socket (connections stay).
  void stopListening();

 private:
  void acceptLoop();
  void serve(int fd);

  Mode mode_;
  uint64_t blast_bytes_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> connections_{0};
  std::atomic<uint64_t> bytes_written_{0};
  std::thread accept_thread_;
  std::mutex mutex_;
  std::vector<std::thread> threads_;
  std::vector<int> fds_;
};

}  // namespace remora::testing
