#pragma once

// Blocking TCP helpers with deadlines, for driving servers from tests.

#include <chrono>
#include <cstdint>
#include <string>

namespace remora::testing {

class TcpClient {
 public:
  TcpClient() = default;
  ~TcpClient();
  TcpClient(TcpClient&& other) noexcept;
  TcpClient& operator=(TcpClient&&) = delete;
  TcpClient(const TcpClient&) = delete;

  // Connects to host:port (IPv4 or IPv6 literal) within `timeout`.
  bool connect(const std::string& host, uint16_t port,
               std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool sendAll(const std::string& data, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  void shutdownWrite();
  // Reads until `size` bytes arrived, the peer closed, or the timeout.
  std::string receive(size_t size, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until the peer closes (or timeout); `closed` tells which.
  std::string receiveUntilClose(bool* closed, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True when the peer has closed (read returns 0 or an error) within timeout.
  bool waitForClose(std::chrono::milliseconds timeout);
  void close();
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// One HTTP/1.1 GET (or POST) with Connection: close; returns status and body.
struct HttpReply {
  int status = 0;
  std::string body;
};
HttpReply httpRequest(uint16_t port, const std::string& method, const std::string& path,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace remora::testing
