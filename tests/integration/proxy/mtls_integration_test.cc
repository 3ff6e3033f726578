// The sidecar hop through real remora processes: client → A (plaintext in,
// mTLS out) → B (mTLS in, rbac, plaintext out) → upstream; STRICT and
// PERMISSIVE inbound listeners; certificate rotation without restart.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "common/tls/certificate_authority.h"
#include "tests/integration/proxy/mesh_pki_fixture.h"
#include "tests/test_support/test_upstream.h"

namespace remora::testing {
namespace {

class MtlsIntegrationTest : public MeshPkiFixture {
 protected:
  // Proxy B: the inbound sidecar. tls_inspector; an mTLS chain with rbac;
  // optionally a plaintext chain (PERMISSIVE).
  std::string inboundConfig(uint16_t admin, uint16_t port, uint16_t app, bool permissive,
                            const std::string& allowed_prefix, const std::string& log) {
    std::string y = "admin: {address: {socket_address: {address: 127.0.0.1, port_value: " + std::to_string(admin) +
                    "}}}\nstatic_resources:\n  listeners:\n  - name: inbound\n"
                    "    address: {socket_address: {address: 127.0.0.1, port_value: " + std::to_string(port) + "}}\n"
                    "    listener_filters:\n    - name: envoy.filters.listener.tls_inspector\n"
                    "    filter_chains:\n    - name: inbound-mtls\n      filter_chain_match: {transport_protocol: tls}\n"
                    "      transport_socket:\n        name: envoy.transport_sockets.tls\n        typed_config:\n"
                    "          require_client_certificate: true\n" +
                    commonTls("b", "          ", "", "") +
                    "      filters:\n      - name: envoy.filters.network.rbac\n        typed_config:\n"
                    "          stat_prefix: inbound.\n          rules:\n            action: ALLOW\n"
                    "            policies:\n              mesh:\n                permissions: [{any: true}]\n"
                    "                principals: [{authenticated: {principal_name: {prefix: \"" + allowed_prefix + "\"}}}]\n"
                    "      - name: envoy.filters.network.tcp_proxy\n        typed_config:\n"
                    "          stat_prefix: inbound_mtls\n          cluster: app\n          access_log:\n"
                    "          - name: envoy.access_loggers.file\n            typed_config:\n              path: " + log + "\n"
                    "              log_format: {text_format_source: {inline_string: \"%FILTER_CHAIN_NAME% peer=%DOWNSTREAM_PEER_URI_SAN% flags=%RESPONSE_FLAGS%\\n\"}}\n";
    if (permissive) {
      y += "    - name: inbound-plaintext\n      filter_chain_match: {transport_protocol: raw_buffer}\n"
           "      filters:\n      - name: envoy.filters.network.tcp_proxy\n"
           "        typed_config: {stat_prefix: inbound_plain, cluster: app}\n";
    }
    y += "  clusters:\n" + staticCluster("app", {app});
    return y;
  }

  // Proxy A: the outbound sidecar. Plaintext in, mTLS out to B, verifying B's SAN.
  std::string outboundConfig(uint16_t port, uint16_t b_port) {
    return adminYaml() + "static_resources:\n  listeners:\n" + tcpProxyListener("outbound", port, "to-b") +
           "  clusters:\n" +
           staticCluster("to-b", {b_port},
                         "    transport_socket:\n      name: envoy.transport_sockets.tls\n      typed_config:\n"
                         "        \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext\n" +
                             commonTls("a", "        ", "prefix", "spiffe://cluster.local/ns/demo/sa/b"));
  }

  // Starts B as a second process (A is the fixture's proxy_).
  void startInbound(const std::string& yaml) {
    writeFile(dir_ + "/b.yaml", yaml);
    b_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{binaryDir() + "/proxy/remora", "-c", dir_ + "/b.yaml", "--concurrency", "1", "--component-log-level", "tls:debug,connection:debug"},
        dir_ + "/b.log");
    ASSERT_TRUE(waitFor([&] { return !b_->running() || httpRequest(b_admin_, "GET", "/ready").status == 200; },
                        std::chrono::seconds(20)))
        << b_->output();
    ASSERT_TRUE(b_->running()) << b_->output();
  }

  int64_t statOf(uint16_t admin, const std::string& name) {
    auto reply = httpRequest(admin, "GET", "/stats?filter=" + name);
    std::string key = name + ": ";
    size_t pos = reply.body.find(key);
    while (pos != std::string::npos && pos != 0 && reply.body[pos - 1] != '\n') pos = reply.body.find(key, pos + 1);
    return pos == std::string::npos ? -1 : std::atoll(reply.body.c_str() + pos + key.size());
  }

  void TearDown() override {
    if (HasFailure() && b_) std::fprintf(stderr, "--- proxy B log ---\n%s\n", b_->output().c_str());
    b_.reset();
    ProxyFixture::TearDown();
  }

  std::unique_ptr<ChildProcess> b_;
  uint16_t b_admin_ = freePort();
};

TEST_F(MtlsIntegrationTest, TwoProxyChainCarriesBytesIntactAndBLogsTheSpiffeIdOfA) {
  TestUpstream app(TestUpstream::Mode::Echo);
  uint16_t b_port = freePort(), a_port = freePort();
  std::string log = dir_ + "/b-access.log";
  startInbound(inboundConfig(b_admin_, b_port, app.port(), false, "spiffe://cluster.local/", log));
  startProxy(outboundConfig(a_port, b_port));
  TcpClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", a_port));
  std::string payload(300000, '\0');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 131);
  ASSERT_TRUE(client.sendAll(payload));
  EXPECT_TRUE(client.receive(payload.size()) == payload);
  client.close();
  ASSERT_TRUE(waitFor([&] { return !readFile(log).empty(); }));
  EXPECT_EQ(readFile(log), "inbound-mtls peer=spiffe://cluster.local/ns/demo/sa/a flags=-\n");
  EXPECT_EQ(stat("cluster.to-b.ssl.handshake"), 1);
  EXPECT_EQ(statOf(b_admin_, "listener.127.0.0.1_" + std::to_string(b_port) + ".ssl.handshake"), 1);
  EXPECT_EQ(statOf(b_admin_, "inbound.rbac.allowed"), 1);
}

TEST_F(MtlsIntegrationTest, StrictInboundRefusesPlaintextAndClientsWithoutCertificates) {
  TestUpstream app(TestUpstream::Mode::Echo);
  uint16_t b_port = freePort();
  startInbound(inboundConfig(b_admin_, b_port, app.port(), false, "spiffe://cluster.local/", dir_ + "/log"));
  // Plaintext: no chain matches raw_buffer in STRICT mode.
  TcpClient plain;
  ASSERT_TRUE(plain.connect("127.0.0.1", b_port));
  ASSERT_TRUE(plain.sendAll("hello in the clear"));
  EXPECT_TRUE(plain.waitForClose(std::chrono::seconds(10)));
  EXPECT_EQ(statOf(b_admin_, "listener.127.0.0.1_" + std::to_string(b_port) + ".no_filter_chain_match"), 1);
  EXPECT_EQ(statOf(b_admin_, "tls_inspector.tls_not_found"), 1);
  // TLS without a client certificate (a real client: openssl s_client).
  std::string cmd = "echo hi | timeout 10 openssl s_client -connect 127.0.0.1:" + std::to_string(b_port) +
                    " -CAfile " + certs("a") + "/root-cert.pem > " + dir_ + "/s_client.log 2>&1";
  EXPECT_NE(std::system(cmd.c_str()), -1);
  EXPECT_TRUE(waitFor([&] {
    return statOf(b_admin_, "listener.127.0.0.1_" + std::to_string(b_port) + ".ssl.fail_verify_no_cert") == 1;
  }));
  EXPECT_EQ(app.connections(), 0u);
}

TEST_F(MtlsIntegrationTest, PermissiveInboundServesPlaintextAndMtlsSideBySide) {
  TestUpstream app(TestUpstream::Mode::Echo);
  uint16_t b_port = freePort(), a_port = freePort();
  startInbound(inboundConfig(b_admin_, b_port, app.port(), true, "spiffe://cluster.local/", dir_ + "/log"));
  startProxy(outboundConfig(a_port, b_port));
  TcpClient plain;
  ASSERT_TRUE(plain.connect("127.0.0.1", b_port));
  ASSERT_TRUE(plain.sendAll("plain"));
  EXPECT_EQ(plain.receive(5), "plain");
  TcpClient secure;
  ASSERT_TRUE(secure.connect("127.0.0.1", a_port));
  ASSERT_TRUE(secure.sendAll("secure"));
  EXPECT_EQ(secure.receive(6), "secure");
  EXPECT_EQ(statOf(b_admin_, "tcp.inbound_plain.downstream_cx_total"), 1);
  EXPECT_EQ(statOf(b_admin_, "tcp.inbound_mtls.downstream_cx_total"), 1);
}

TEST_F(MtlsIntegrationTest, RbacDeniesAPeerOutsideTheAllowedNamespace) {
  TestUpstream app(TestUpstream::Mode::Echo);
  uint16_t b_port = freePort(), a_port = freePort();
  startInbound(inboundConfig(b_admin_, b_port, app.port(), false, "spiffe://cluster.local/ns/payments/",
                             dir_ + "/log"));
  startProxy(outboundConfig(a_port, b_port));
  TcpClient client;
  ASSERT_TRUE(client.connect("127.0.0.1", a_port));
  ASSERT_TRUE(client.sendAll("let me in"));
  EXPECT_TRUE(client.waitForClose(std::chrono::seconds(10)));
  EXPECT_TRUE(waitFor([&] { return statOf(b_admin_, "inbound.rbac.denied") == 1; }));
  EXPECT_EQ(app.connections(), 0u);
}

TEST_F(MtlsIntegrationTest, RotatedCertificateIsUsedForNewHandshakesWhileOpenConnectionsSurvive) {
  TestUpstream app(TestUpstream::Mode::Echo);
  uint16_t b_port = freePort(), a_port = freePort();
  startInbound(inboundConfig(b_admin_, b_port, app.port(), false, "spiffe://cluster.local/", dir_ + "/log"));
  startProxy(outboundConfig(a_port, b_port));
  TcpClient held;
  ASSERT_TRUE(held.connect("127.0.0.1", a_port));
  ASSERT_TRUE(held.sendAll("1"));
  EXPECT_EQ(held.receive(1), "1");
  std::string scope = "listener.127.0.0.1_" + std::to_string(b_port) + ".";
  int64_t updates = statOf(b_admin_, scope + "ssl.context_update");
  // Replace B's certificate and key the way cert-manager does (new files moved in).
  issue("b", "spiffe://cluster.local/ns/demo/sa/b");
  ASSERT_TRUE(waitFor([&] { return statOf(b_admin_, scope + "ssl.context_update") > updates; },
                      std::chrono::seconds(10)));
  TcpClient fresh;
  ASSERT_TRUE(fresh.connect("127.0.0.1", a_port));
  ASSERT_TRUE(fresh.sendAll("2"));
  EXPECT_EQ(fresh.receive(1), "2");
  ASSERT_TRUE(held.sendAll("3"));
  EXPECT_EQ(held.receive(1), "3");
  // A broken file is refused; the proxy keeps serving with the last good certificate.
  writeFile(certs("b") + "/cert-chain.pem", "not a certificate\n");
  ASSERT_TRUE(waitFor([&] { return statOf(b_admin_, scope + "ssl.context_update_error") >= 1; },
                      std::chrono::seconds(10)));
  TcpClient after;
  ASSERT_TRUE(after.connect("127.0.0.1", a_port));
  ASSERT_TRUE(after.sendAll("4"));
  EXPECT_EQ(after.receive(1), "4");
}

TEST_F(MtlsIntegrationTest, CurlWithAClientCertificateIsServedAndWithoutOneIsRefused) {
  TestUpstream app(TestUpstream::Mode::Echo);
  uint16_t b_port = freePort();
  startInbound(inboundConfig(b_admin_, b_port, app.port(), false, "spiffe://cluster.local/", dir_ + "/log"));
  // curl is a client nobody here wrote. The echo upstream answers with the
  // request itself, which curl accepts as an HTTP/0.9 body. -k: the server's
  // certificate names a SPIFFE ID, not 127.0.0.1.
  std::string url = "https://127.0.0.1:" + std::to_string(b_port) + "/hello";
  std::string with_cert = "curl -sk --http0.9 --max-time 10 --cert " + certs("a") + "/cert-chain.pem --key " +
                          certs("a") + "/key.pem -o " + dir_ + "/with.txt " + url;
  EXPECT_EQ(std::system(with_cert.c_str()) == -1, false);
  EXPECT_NE(readFile(dir_ + "/with.txt").find("GET /hello HTTP/1.1"), std::string::npos)
      << readFile(dir_ + "/with.txt");
  std::string without = "curl -sk --http0.9 --max-time 10 -o " + dir_ + "/without.txt " + url;
  EXPECT_NE(std::system(without.c_str()), 0);
  EXPECT_EQ(readFile(dir_ + "/without.txt").find("GET /hello"), std::string::npos);
  std::string scope = "listener.127.0.0.1_" + std::to_string(b_port) + ".";
  EXPECT_TRUE(waitFor([&] { return statOf(b_admin_, scope + "ssl.fail_verify_no_cert") == 1; }));
  EXPECT_EQ(statOf(b_admin_, "inbound.rbac.allowed"), 1);
}

}  // namespace
}  // namespace remora::testing
