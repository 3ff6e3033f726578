#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <csignal>
#include <sstream>
#include <random>
#include <thread>

#include "tests/integration/proxy/proxy_fixture.h"
#include "tests/test_support/test_upstream.h"

namespace remora::testing {
namespace {

std::string randomBytes(size_t n) {
  std::mt19937 rng(42);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class TcpProxyIntegrationTest : public ProxyFixture {
 protected:
  // One tcp_proxy listener "front" on `port` in front of the echo upstream.
  void startEchoProxy(uint16_t port, const TestUpstream& upstream) {
    startProxy(adminYaml() + "static_resources:\n  listeners:\n" + tcpProxyListener("front", port, "echo") +
               "  clusters:\n" + staticCluster("echo", {upstream.port()}));
  }
};

TEST_F(TcpProxyIntegrationTest, EchoesOneMegabyteIntactAndCountsStats) {
  TestUpstream upstream(TestUpstream::Mode::Echo);
  uint16_t port = freePort();
  startEchoProxy(port, upstream);
  TcpClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", port));
  std::string payload = randomBytes(1 << 20);
  std::thread sender([&] { client.sendAll(payload); });
  std::string echoed = client.receive(payload.size());
  sender.join();
  EXPECT_EQ(echoed.size(), payload.size());
  EXPECT_TRUE(echoed == payload);
  client.close();
  EXPECT_TRUE(waitForStat("tcp.front.downstream_cx_total", 1));
  EXPECT_TRUE(waitForStat("cluster.echo.upstream_cx_total", 1));
  EXPECT_TRUE(waitForStat("listener.127.0.0.1_" + std::to_string(port) + ".downstream_cx_active", 0));
  EXPECT_GE(stat("tcp.front.downstream_cx_rx_bytes_total"), 1 << 20);
}

TEST_F(TcpProxyIntegrationTest, PropagatesHalfCloseSoTheUpstreamCanAnswerAfterFin) {
  TestUpstream upstream(TestUpstream::Mode::ReplyAfterFin);
  uint16_t port = freePort();
  startProxy(adminYaml() + "static_resources:\n  listeners:\n" + tcpProxyListener("front", port, "up") +
             "  clusters:\n" + staticCluster("up", {upstream.port()}));
  TcpClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", port));
  ASSERT_TRUE(client.sendAll(std::string(12345, 'q')));
  client.shutdownWrite();
  bool closed = false;
  std::string reply = client.receiveUntilClose(&closed);
  EXPECT_EQ(reply, "got 12345 bytes");
  EXPECT_TRUE(closed);
}

TEST_F(TcpProxyIntegrationTest, RetriesTheNextHostWhenConnectFails) {
  TestUpstream upstream(TestUpstream::Mode::Echo);
  uint16_t dead = freePort();
  uint16_t port = freePort();
  startProxy(adminYaml() + "static_resources:\n  listeners:\n" +
             tcpProxyListener("front", port, "pair", "          max_connect_attempts: 3\n") +
             "  clusters:\n" + staticCluster("pair", {dead, upstream.port()}));
  for (int i = 0; i < 6; ++i) {
    TcpClient client;
    ASSERT_TRUE(client.connect("127.0.0.1", port));
    ASSERT_TRUE(client.sendAll("ping"));
    EXPECT_EQ(client.receive(4), "ping") << "connection " << i;
  }
  EXPECT_GE(stat("cluster.pair.upstream_cx_connect_fail"), 1);
}

TEST_F(TcpProxyIntegrationTest, ClosesAndLogsUfWhenNoHostAccepts) {
  uint16_t dead = freePort();
  uint16_t port = freePort();
  std::string log = dir_ + "/access.log";
  startProxy(adminYaml() + "static_resources:\n  listeners:\n" +
             tcpProxyListener("front", port, "dead",
                              "          access_log:\n          - name: envoy.access_loggers.file\n"
                              "            typed_config:\n              path: " + log + "\n"
                              "              log_format: {text_format_source: {inline_string: \"%RESPONSE_FLAGS% %UPSTREAM_HOST% %BYTES_RECEIVED%\\n\"}}\n") +
             "  clusters:\n" + staticCluster("dead", {dead}));
  TcpClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", port));
  EXPECT_TRUE(client.waitForClose(std::chrono::seconds(10)));
  ASSERT_TRUE(waitFor([&] { return !readFile(log).empty(); }));
  EXPECT_EQ(readFile(log), "UF 127.0.0.1:" + std::to_string(dead) + " 0\n");
}

// The addresses of an accepted connection come from accept() and from the
// listener's own address; a wildcard listener asks the kernel. Either way
// the access log must name both ends of both connections.
TEST_F(TcpProxyIntegrationTest, AccessLogNamesBothEndsOfBothConnections) {
  TestUpstream upstream(TestUpstream::Mode::Echo);
  uint16_t port = freePort();
  uint16_t wildcard_port = freePort();
  std::string log = dir_ + "/access.log";
  std::string access_log =
      "          access_log:\n          - name: envoy.access_loggers.file\n"
      "            typed_config:\n              path: " + log + "\n"
      "              log_format: {text_format_source: {inline_string: \"%DOWNSTREAM_REMOTE_ADDRESS% "
      "%DOWNSTREAM_LOCAL_ADDRESS% %UPSTREAM_LOCAL_ADDRESS% %UPSTREAM_HOST%\\n\"}}\n";
  std::string wildcard = tcpProxyListener("any", wildcard_port, "echo", access_log);
  wildcard.replace(wildcard.find("127.0.0.1"), 9, "0.0.0.0");
  startProxy(adminYaml() + "static_resources:\n  listeners:\n" +
             tcpProxyListener("front", port, "echo", access_log) + wildcard + "  clusters:\n" +
             staticCluster("echo", {upstream.port()}));
  auto expectLine = [&](const std::string& host, uint16_t listener_port, size_t line_no) {
    TcpClient client;
    ASSERT_TRUE(client.connect(host, listener_port));
    ASSERT_TRUE(client.sendAll("x"));
    EXPECT_EQ(client.receive(1), "x");
    sockaddr_in self{};
    socklen_t len = sizeof(self);
    ASSERT_EQ(::getsockname(client.fd(), reinterpret_cast<sockaddr*>(&self), &len), 0);
    client.close();
    std::vector<std::string> lines;
    ASSERT_TRUE(waitFor([&] {
      lines = splitLines(readFile(log));
      return lines.size() > line_no;
    }));
    std::istringstream fields(lines[line_no]);
    std::string remote, local, upstream_local, upstream_host;
    fields >> remote >> local >> upstream_local >> upstream_host;
    EXPECT_EQ(remote, "127.0.0.1:" + std::to_string(ntohs(self.sin_port)));
    EXPECT_EQ(local, host + ":" + std::to_string(listener_port));
    EXPECT_EQ(upstream_local.rfind("127.0.0.1:", 0), 0u) << upstream_local;
    EXPECT_NE(upstream_local, "127.0.0.1:0");
    EXPECT_EQ(upstream_host, "127.0.0.1:" + std::to_string(upstream.port()));
  };
  expectLine("127.0.0.1", port, 0);
  expectLine("127.0.0.2", wildcard_port, 1);
}

TEST_F(TcpProxyIntegrationTest, IdleTimeoutClosesBothSidesAndIsCounted) {
  TestUpstream upstream(TestUpstream::Mode::Echo);
  uint16_t port = freePort();
  startProxy(adminYaml() + "static_resources:\n  listeners:\n" +
             tcpProxyListener("front", port, "echo", "          idle_timeout: 0.3s\n") +
             "  clusters:\n" + staticCluster("echo", {upstream.port()}));
  TcpClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", port));
  ASSERT_TRUE(client.sendAll("x"));
  EXPECT_EQ(client.receive(1), "x");
  EXPECT_TRUE(client.waitForClose(std::chrono::seconds(10)));
  EXPECT_TRUE(waitForStat("tcp.front.idle_timeout", 1));
}

TEST_F(TcpProxyIntegrationTest, SlowReaderKeepsProxyMemoryBounded) {
  // The upstream pushes 256 MiB at a client that does not read: the proxy
  // must stop reading the upstream once its per-connection buffer is full.
  constexpr uint64_t kBlast = 256ull << 20;
  TestUpstream upstream(TestUpstream::Mode::Blast, kBlast);
  uint16_t port = freePort();
  std::string yaml = adminYaml() + "static_resources:\n  listeners:\n" + tcpProxyListener("front", port, "blast") +
                     "    per_connection_buffer_limit_bytes: 65536\n" + "  clusters:\n" +
                     staticCluster("blast", {upstream.port()}, "    per_connection_buffer_limit_bytes: 65536\n");
  startProxy(yaml);
  uint64_t rss_before = proxy_->rssKib();
  TcpClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", port));
  // Wait until the upstream's writes stall (its progress stops changing).
  uint64_t last = 0;
  int stable = 0;
  ASSERT_TRUE(waitFor([&] {
    uint64_t now = upstream.bytesWritten();
    stable = (now == last && now > 0) ? stable + 1 : 0;
    last = now;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return stable >= 10;
  }, std::chrono::seconds(30)));
  // Kernel socket buffers on both hops hold a few MiB; the proxy adds at most its limits.
  EXPECT_LT(upstream.bytesWritten(), 32ull << 20);
  uint64_t rss_after = proxy_->rssKib();
  EXPECT_LT(rss_after, rss_before + 8 * 1024) << "RSS grew from " << rss_before << " KiB to " << rss_after;
  EXPECT_GE(stat("tcp.front.downstream_flow_control_paused_reading_total"), 0);
  // Now read everything: the transfer completes intact.
  bool closed = false;
  std::string all = client.receiveUntilClose(&closed, std::chrono::seconds(60));
  EXPECT_EQ(all.size(), kBlast);
  // Reads that resume on a full socket are bulk: that direction was spliced.
  EXPECT_GE(stat("tcp.front.splice_total"), 1);
}

// Backpressure first (nobody reads the echo for a while), so the proxy's
// reads are large and both directions switch to splice(2); every byte must
// still arrive in order, the counters must see them, and the client's FIN
// must travel behind the last spliced byte.
TEST_F(TcpProxyIntegrationTest, SplicedTransferArrivesIntactAndEndsWithHalfClose) {
  TestUpstream upstream(TestUpstream::Mode::Echo);
  uint16_t port = freePort();
  startEchoProxy(port, upstream);
  TcpClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", port));
  std::string payload = randomBytes(8 << 20);
  std::string echoed;
  bool closed = false;
  std::thread reader([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    echoed = client.receiveUntilClose(&closed, std::chrono::seconds(60));
  });
  ASSERT_TRUE(client.sendAll(payload, std::chrono::seconds(60)));
  client.shutdownWrite();
  reader.join();
  EXPECT_TRUE(closed);
  EXPECT_EQ(echoed.size(), payload.size());
  EXPECT_TRUE(echoed == payload);
  EXPECT_GE(stat("tcp.front.splice_total"), 1);
  EXPECT_TRUE(waitForStat("tcp.front.downstream_cx_rx_bytes_total", static_cast<int64_t>(payload.size())));
  EXPECT_TRUE(waitForStat("tcp.front.downstream_cx_tx_bytes_total", static_cast<int64_t>(payload.size())));
}

TEST_F(TcpProxyIntegrationTest, SigtermLetsAnInFlightTransferFinishThenExitsZero) {
  TestUpstream upstream(TestUpstream::Mode::Echo);
  uint16_t port = freePort();
  startEchoProxy(port, upstream);
  TcpClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", port));
  ASSERT_TRUE(client.sendAll("before"));
  EXPECT_EQ(client.receive(6), "before");
  proxy_->signal(SIGTERM);
  // New connections are refused once the listeners are closed...
  ASSERT_TRUE(waitFor([&] {
    TcpClient probe;
    return !probe.connect("127.0.0.1", port, std::chrono::milliseconds(200));
  }));
  // ...while the open one keeps working.
  ASSERT_TRUE(client.sendAll("after"));
  EXPECT_EQ(client.receive(5), "after");
  EXPECT_TRUE(proxy_->running());
  client.close();
  auto status = proxy_->wait(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0);
}

TEST_F(TcpProxyIntegrationTest, ReloadAddsAListenerWithoutDroppingOpenConnections) {
  TestUpstream upstream(TestUpstream::Mode::Echo);
  uint16_t port = freePort();
  uint16_t port2 = freePort();
  std::string base = adminYaml() + "static_resources:\n  listeners:\n" + tcpProxyListener("front", port, "echo");
  std::string clusters = "  clusters:\n" + staticCluster("echo", {upstream.port()});
  startProxy(base + clusters);
  TcpClient held;
  ASSERT_TRUE(held.connect("127.0.0.1", port));
  ASSERT_TRUE(held.sendAll("a"));
  EXPECT_EQ(held.receive(1), "a");
  // A broken config is refused and counted; the old one keeps serving.
  writeFile(configPath(), base + "  clusters: [oops\n");
  ASSERT_TRUE(waitForStat("server.reload_failure", 1));
  // A good config with a second listener goes live.
  writeFile(configPath(), base + tcpProxyListener("second", port2, "echo") + clusters);
  ASSERT_TRUE(waitForStat("server.reload_success", 1));
  ASSERT_TRUE(waitFor([&] {
    TcpClient c;
    return c.connect("127.0.0.1", port2, std::chrono::milliseconds(200)) && c.sendAll("z") && c.receive(1) == "z";
  }));
  ASSERT_TRUE(held.sendAll("b"));
  EXPECT_EQ(held.receive(1), "b");
}

TEST_F(TcpProxyIntegrationTest, ReloadUnderLoadFailsNoConnection) {
  TestUpstream upstream(TestUpstream::Mode::Echo);
  uint16_t port = freePort();
  std::string clusters = "  clusters:\n" + staticCluster("echo", {upstream.port()});
  auto config = [&](const std::string& idle) {
    return adminYaml() + "static_resources:\n  listeners:\n" +
           tcpProxyListener("front", port, "echo", "          idle_timeout: " + idle + "\n") + clusters;
  };
  startProxy(config("60s"));
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::thread load([&] {
    while (!stop) {
      TcpClient c;
      if (c.connect("127.0.0.1", port) && c.sendAll("ping") && c.receive(4) == "ping") {
        ok++;
      } else {
        failed++;
      }
    }
  });
  for (int i = 0; i < 5; ++i) {
    int before = ok.load();
    // Each version changes the listener, which then takes over its sockets.
    writeFile(configPath(), config(std::to_string(61 + i) + "s"));
    ASSERT_TRUE(waitForStat("server.reload_success", i + 1));
    ASSERT_TRUE(waitFor([&] { return ok.load() > before + 20; }));
  }
  stop = true;
  load.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(ok.load(), 100);
  EXPECT_GE(stat("listener_manager.listener_modified"), 5);
}

TEST_F(TcpProxyIntegrationTest, ValidateModeReportsEveryErrorWithLineAndColumn) {
  std::string path = dir_ + "/bad.yaml";
  writeFile(path,
            "static_resources:\n"
            "  listeners:\n"
            "  - name: a\n"
            "    address: {socket_address: {address: 127.0.0.1, port_value: 99999}}\n"
            "    filter_chains:\n"
            "    - filters:\n"
            "      - name: envoy.filters.network.tcp_proxy\n"
            "        typed_config: {stat_prefix: a, cluster: missing, idle_timout: 5s}\n");
  ChildProcess validate({binaryDir() + "/proxy/remora", "--mode", "validate", "-c", path}, dir_ + "/v.log");
  auto status = validate.wait(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 1);
  std::string out = validate.output();
  EXPECT_NE(out.find("port_value: value 99999 out of range [0, 65535] (line 4"), std::string::npos) << out;
  EXPECT_NE(out.find("typed_config.cluster: unknown cluster 'missing' (line 8"), std::string::npos) << out;
  EXPECT_NE(out.find("typed_config.idle_timout: unknown or unsupported field (line 8"), std::string::npos) << out;
}

}  // namespace
}  // namespace remora::testing

namespace remora::testing {
namespace {

TEST_F(TcpProxyIntegrationTest, ExactBalanceSpreadsLongLivedConnectionsEvenlyOverWorkers) {
  TestUpstream upstream(TestUpstream::Mode::Echo);
  uint16_t port = freePort();
  startProxy(adminYaml() + "static_resources:\n  listeners:\n" + tcpProxyListener("front", port, "echo") +
             "    connection_balance_config: {exact_balance: {}}\n" + "  clusters:\n" +
             staticCluster("echo", {upstream.port()}));
  std::vector<TcpClient> clients(6);
  for (auto& c : clients) {
    ASSERT_TRUE(c.connect("127.0.0.1", port));
    ASSERT_TRUE(c.sendAll("x"));
    ASSERT_EQ(c.receive(1), "x");
  }
  std::string prefix = "listener.127.0.0.1_" + std::to_string(port) + ".worker_";
  EXPECT_EQ(stat(prefix + "0.downstream_cx_active"), 3);
  EXPECT_EQ(stat(prefix + "1.downstream_cx_active"), 3);
}

}  // namespace
}  // namespace remora::testing
