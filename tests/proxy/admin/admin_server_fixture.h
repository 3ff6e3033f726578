#pragma once

// An AdminServer on 127.0.0.1:<any> with the built-in handlers and a few
// stats, plus the two kinds of clients the tests drive it with: curl (a real
// client nobody here wrote) and a raw socket for input curl would never send.
// Everything runs on the test thread: the dispatcher turns while the client
// waits.

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "common/event/dispatcher.h"
#include "common/network/address.h"
#include "common/stats/store.h"
#include "proxy/admin/admin_server.h"
#include "proxy/admin/server_info.h"

namespace remora::admin::test {

// One HTTP/1.1 response as seen on the wire.
struct WireResponse {
  int status = 0;
  std::string head;  // status line and headers, lower-cased
  std::string body;
};

// The complete responses at the start of `bytes` (interim 1xx ones skipped).
std::vector<WireResponse> parseResponses(const std::string& bytes);

struct CurlResult {
  int exit_code = -1;
  std::string output;  // curl -i: headers and bodies
  std::vector<WireResponse> responses;
};

// A blocking-free TCP client over a plain socket.
class RawClient {
 public:
  explicit RawClient(const network::Address& address);
  ~RawClient();
  // Queues bytes; pump() sends them as the socket takes them.
  void send(std::string bytes) { outbound_ += std::move(bytes); }
  // Sends what it can, reads what is there; call from a runUntil condition.
  void pump();
  void shutdownWrite();
  bool connected() const { return fd_ >= 0; }
  bool closedByPeer() const { return closed_; }
  const std::string& received() const { return received_; }

 private:
  int fd_ = -1;
  std::string outbound_;
  std::string received_;
  bool closed_ = false;
};

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Restarts the server with other options (limits, buffer size).
  void restart(AdminServerOptions options);
  std::string url(const std::string& path_and_query) const;
  // Runs `curl -sS -i --max-time 10 <args>` while the dispatcher turns.
  CurlResult curl(const std::vector<std::string>& args);
  // Runs the dispatcher until `client` has `count` complete responses or was
  // closed; returns them.
  std::vector<WireResponse> awaitResponses(RawClient& client, size_t count);
  bool awaitClosed(RawClient& client);
  uint64_t counter(const std::string& name) { return store_.counter(name).value(); }

  event::DispatcherPtr dispatcher_;
  stats::Store store_{1};
  ServerState state_ = ServerState::Live;
  ServerInfo info_;
  std::unique_ptr<AdminServer> server_;
};

}  // namespace remora::admin::test
