#pragma once

// Two transport sockets joined by a non-blocking socketpair and driven by
// hand (no dispatcher): pump() calls doRead/doWrite on both sides until a
// condition holds or nothing moves any more. Deterministic and fast, for
// unit-testing handshakes, refusals and data transfer. For tests only.

#include <sys/socket.h>

#include <functional>
#include <vector>

#include "common/buffer/buffer.h"
#include "common/network/connection.h"
#include "common/network/socket.h"
#include "common/network/transport_socket.h"

namespace remora::tls::test {

class FakeTransportCallbacks : public network::TransportSocketCallbacks {
 public:
  explicit FakeTransportCallbacks(int fd) : fd_(fd) {}
  int fd() const override { return fd_; }
  network::Connection& connection() override { std::abort(); }
  bool shouldDrainReadBuffer() override { return false; }
  void setTransportSocketIsReadable() override {}
  void raiseEvent(network::ConnectionEvent event) override { events.push_back(event); }
  void flushWriteBuffer() override { ++flush_requests; }
  bool shortReadDrainsSocket() const override { return false; }

  std::vector<network::ConnectionEvent> events;
  int flush_requests = 0;

 private:
  int fd_;
};

struct PairEnd {
  network::SocketFd fd;
  std::unique_ptr<FakeTransportCallbacks> callbacks;
  network::TransportSocketPtr socket;
  buffer::Buffer read_buffer;   // plaintext received
  buffer::Buffer write_buffer;  // plaintext to send
  bool closed = false;          // the transport asked to close
  bool end_stream = false;      // close_notify / EOF seen

  bool connected() const {
    for (auto e : callbacks->events) {
      if (e == network::ConnectionEvent::Connected) return true;
    }
    return false;
  }
};

class TlsSocketPair {
 public:
  // Takes the two transports; `server` gets onConnected() first.
  TlsSocketPair(network::TransportSocketPtr client, network::TransportSocketPtr server);

  PairEnd& client() { return client_; }
  PairEnd& server() { return server_; }

  // Drives both ends until `done()` or until a full round moves no byte and
  // changes no state (bounded by `max_rounds`). Returns done().
  bool pump(const std::function<bool()>& done, int max_rounds = 200);
  // Until both are connected or either closed.
  bool handshake();
  // Closes one end's fd (TCP close without TLS close_notify).
  void closeFd(PairEnd& end) { end.fd.close(); }

 private:
  bool step(PairEnd& end);
  PairEnd client_;
  PairEnd server_;
};

}  // namespace remora::tls::test
