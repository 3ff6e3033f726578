// Session resumption between two real remora processes: client → A
// (plaintext in, mTLS out) → B (mTLS in, plaintext out) → echo. Every A→B
// connection after the first resumes, on both sides, and B still knows A's
// verified SPIFFE ID on the resumed ones; with B's session cache as well.

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "common/tls/certificate_authority.h"
#include "tests/integration/proxy/mesh_pki_fixture.h"
#include "tests/test_support/test_upstream.h"

namespace remora::testing {
namespace {

constexpr const char* kA = kSpiffeA;
constexpr const char* kB = kSpiffeB;

class TlsProxyResumptionTest : public MeshPkiFixture {
 protected:
  void TearDown() override {
    if (HasFailure() && b_) std::fprintf(stderr, "--- proxy B log ---\n%s\n", b_->output().c_str());
    b_.reset();
    ProxyFixture::TearDown();
  }

  // B: mTLS in (client certificate required), access log with the peer's
  // SPIFFE ID, plaintext out to `app`.
  void startInbound(uint16_t app, bool stateless_resumption) {
    std::string y =
        "admin: {address: {socket_address: {address: 127.0.0.1, port_value: " +
        std::to_string(b_admin_) + "}}}\nstatic_resources:\n  listeners:\n  - name: inbound\n" +
        "    address: {socket_address: {address: 127.0.0.1, port_value: " +
        std::to_string(b_port_) + "}}\n    filter_chains:\n    - transport_socket:\n" +
        "        name: envoy.transport_sockets.tls\n        typed_config:\n" +
        "          require_client_certificate: true\n" +
        (stateless_resumption ? "" : "          disable_stateless_session_resumption: true\n") +
        commonTls("b", "          ", "", "") +
        "      filters:\n      - name: envoy.filters.network.tcp_proxy\n        typed_config:\n" +
        "          stat_prefix: inbound\n          cluster: app\n          access_log:\n" +
        "          - name: envoy.access_loggers.file\n            typed_config:\n" +
        "              path: " + log() + "\n              log_format: {text_format_source: " +
        "{inline_string: \"peer=%DOWNSTREAM_PEER_URI_SAN%\\n\"}}\n" +
        "  clusters:\n" + staticCluster("app", {app});
    writeFile(dir_ + "/b.yaml", y);
    b_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{binaryDir() + "/proxy/remora", "-c", dir_ + "/b.yaml",
                                 "--concurrency", "2"},
        dir_ + "/b.log");
    ASSERT_TRUE(waitFor(
        [&] { return !b_->running() || httpRequest(b_admin_, "GET", "/ready").status == 200; },
        std::chrono::seconds(20)))
        << b_->output();
  }

  // A: plaintext in, mTLS out to B, verifying B's SPIFFE ID.
  void startOutbound() {
    startProxy(adminYaml() + "static_resources:\n  listeners:\n" +
               tcpProxyListener("outbound", a_port_, "to-b") + "  clusters:\n" +
               staticCluster("to-b", {b_port_},
                             "    transport_socket:\n      name: envoy.transport_sockets.tls\n"
                             "      typed_config:\n" +
                                 commonTls("a", "        ", "exact", kB)));
  }

  int64_t statOfB(const std::string& name) {
    auto reply = httpRequest(b_admin_, "GET", "/stats?filter=" + name);
    std::istringstream lines(reply.body);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(name + ": ", 0) == 0) return std::atoll(line.c_str() + name.size() + 2);
    }
    return -1;
  }
  std::string log() const { return dir_ + "/b-access.log"; }

  // `n` connections one after the other through A and B, each echoing.
  void connectThrough(int n) {
    for (int i = 0; i < n; ++i) {
      TcpClient client;
      ASSERT_TRUE(client.connect("127.0.0.1", a_port_));
      std::string text = "request " + std::to_string(i);
      ASSERT_TRUE(client.sendAll(text));
      ASSERT_EQ(client.receive(text.size()), text);
    }
  }

  void expectEveryConnectionAfterTheFirstResumes(int n) {
    std::string b_listener = "listener.127.0.0.1_" + std::to_string(b_port_) + ".ssl.";
    EXPECT_EQ(stat("cluster.to-b.ssl.handshake"), n);
    EXPECT_EQ(stat("cluster.to-b.ssl.session_reused"), n - 1);
    EXPECT_TRUE(waitFor([&] { return statOfB(b_listener + "session_reused") == n - 1; }))
        << statOfB(b_listener + "session_reused");
    EXPECT_EQ(statOfB(b_listener + "handshake"), n);
    // Every connection, resumed or not, is logged with A's verified identity.
    std::string expected;
    for (int i = 0; i < n; ++i) expected += std::string("peer=") + kA + "\n";
    EXPECT_TRUE(waitFor([&] { return readFile(log()) == expected; })) << readFile(log());
  }

  std::unique_ptr<ChildProcess> b_;
  uint16_t b_admin_ = freePort();
  uint16_t b_port_ = freePort();
  uint16_t a_port_ = freePort();
};

TEST_F(TlsProxyResumptionTest, ConnectionsAfterTheFirstResumeWithStatelessTickets) {
  TestUpstream app(TestUpstream::Mode::Echo);
  startInbound(app.port(), true);
  startOutbound();
  connectThrough(3);
  expectEveryConnectionAfterTheFirstResumes(3);
}

TEST_F(TlsProxyResumptionTest, ConnectionsAfterTheFirstResumeWithTheServerSessionCache) {
  TestUpstream app(TestUpstream::Mode::Echo);
  startInbound(app.port(), false);
  startOutbound();
  connectThrough(3);
  expectEveryConnectionAfterTheFirstResumes(3);
}

}  // namespace
}  // namespace remora::testing
