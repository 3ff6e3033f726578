#pragma once

// One TCP connection to a node, used synchronously by one thread at a time:
// the socket is non-blocking and every call waits with poll() up to a
// deadline, so a command can never block past its timeout.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/network/address.h"
#include "common/network/socket.h"
#include "common/result.h"
#include "kv/protocol/proto_header.h"

namespace remora::kv::client {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

struct Frame {
  protocol::MessageType type = protocol::MessageType::kAsMsg;
  std::string body;
};

class NodeConnection {
 public:
  // Errors carry status::kConnection, or status::kTimeout past the deadline.
  static Result<std::unique_ptr<NodeConnection>> open(const network::Address& address,
                                                      Deadline deadline);

  Status send(std::string_view bytes, Deadline deadline);
  Result<Frame> readFrame(Deadline deadline);
  // Sends a whole request frame and reads one reply frame.
  Result<Frame> roundTrip(std::string_view request, Deadline deadline);

  // False if the peer closed or left unread bytes: such a connection must
  // not be reused (reference §6.4).
  bool reusable() const;
  Clock::time_point lastUsed() const { return last_used_; }

 private:
  explicit NodeConnection(network::SocketFd socket) : socket_(std::move(socket)) {}
  Status readExactly(char* out, size_t n, Deadline deadline);

  network::SocketFd socket_;
  Clock::time_point last_used_ = Clock::now();
};

}  // namespace remora::kv::client
