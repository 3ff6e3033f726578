// mTLS through real sockets: a TLS echo server on a Dispatcher thread,
// exercised with `openssl s_client` and with Remora's own client transport.
// Covers the refusal matrix (each refusal with its own stat and without
// disturbing an open connection), session resumption and rotation.

#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "common/stats/store.h"
#include "common/tls/certificate_authority.h"
#include "common/tls/tls_credentials_provider.h"
#include "common/tls/tls_transport_socket_factory.h"
#include "tests/common/tls/tls_test_pki.h"
#include "tests/integration/tls/tls_echo_server.h"

namespace remora::tls {
namespace {

using test::runCommand;
using test::TlsEchoClient;
using test::TlsEchoServer;

constexpr char kWeb[] = "spiffe://cluster.local/ns/default/sa/web";
constexpr char kKv[] = "spiffe://cluster.local/ns/default/sa/kv";

class TlsIntegrationTest : public ::testing::Test {
 protected:
  TlsIntegrationTest() : server_scope_(store_, "listener.127.0.0.1_0."), client_scope_(store_, "cluster.kv.") {
    server_dir_ = pki_.issue("server", kKv);
    client_dir_ = pki_.issue("client", kWeb);
  }

  void start(const std::string& san_prefix = "spiffe://cluster.local/ns/default/",
             bool stateless_resumption = true) {
    auto config = pki_.serverConfig(server_dir_, true, san_prefix);
    config.disable_stateless_session_resumption = !stateless_resumption;
    auto provider = TlsCredentialsProvider::createServer(config, server_scope_);
    ASSERT_TRUE(provider.ok()) << provider.error().message;
    server_provider_ = *provider;
    server_factory_ = TlsTransportSocketFactory::create(server_provider_, server_scope_);
    auto client = TlsCredentialsProvider::createClient(pki_.clientConfig(&client_dir_, kKv),
                                                       client_scope_);
    ASSERT_TRUE(client.ok()) << client.error().message;
    client_factory_ = TlsTransportSocketFactory::create(*client, client_scope_);
    server_ = std::make_unique<TlsEchoServer>(thread_, server_factory_);
  }

  // `openssl s_client` with the given extra arguments; the server echoes and
  // closes after "BYE".
  std::string sClient(const std::string& args, const std::string& input = "hello BYE\n") {
    std::string out = runCommand("openssl s_client -connect 127.0.0.1:" + std::to_string(server_->port()) +
                          " -CAfile " + pki_.rootCertPath() + " -verify_return_error -ign_eof " +
                          args,
                      input);
    barrier();
    return out;
  }
  // The server counts a refusal in the same dispatcher callback that sent the
  // alert; once a task posted afterwards has run, that callback is over.
  void barrier() { thread_.run([] {}); }
  std::string certArgs(const std::filesystem::path& dir) {
    return " -cert " + (dir / kCertChainFile).string() + " -key " + (dir / kKeyFile).string();
  }
  uint64_t counter(const std::string& name) { return store_.counter(name).value(); }

  // A long-lived connection that must survive whatever the test does.
  std::unique_ptr<TlsEchoClient> bystander() {
    auto c = std::make_unique<TlsEchoClient>(thread_, *client_factory_, server_->port());
    EXPECT_TRUE(c->waitConnected());
    EXPECT_TRUE(c->echo("before"));
    return c;
  }

  test::TestPki pki_;
  stats::Store store_{1};
  stats::Scope server_scope_;
  stats::Scope client_scope_;
  std::filesystem::path server_dir_;
  std::filesystem::path client_dir_;
  TlsCredentialsProviderSharedPtr server_provider_;
  std::shared_ptr<const TlsTransportSocketFactory> server_factory_;
  std::shared_ptr<const TlsTransportSocketFactory> client_factory_;
  test::DispatcherThread thread_;
  std::unique_ptr<TlsEchoServer> server_;
};

TEST_F(TlsIntegrationTest, OpenSslClientWithAMeshCertificateGetsItsBytesEchoed) {
  start();
  std::string out = sClient(certArgs(client_dir_) + " -alpn istio");
  EXPECT_NE(out.find("hello BYE"), std::string::npos) << out;
  EXPECT_NE(out.find("Verify return code: 0 (ok)"), std::string::npos) << out;
  EXPECT_NE(out.find("ALPN protocol: istio"), std::string::npos) << out;
  ASSERT_TRUE(server_->waitForPeers(1));
  EXPECT_EQ(server_->peers().at(0), kWeb);
  EXPECT_EQ(counter("listener.127.0.0.1_0.ssl.handshake"), 1u);
}

TEST_F(TlsIntegrationTest, RemoraClientSeesTheServerIdentityAndEchoesData) {
  start();
  TlsEchoClient client(thread_, *client_factory_, server_->port());
  ASSERT_TRUE(client.waitConnected());
  EXPECT_EQ(client.peer().uri_san, kKv);
  std::string big(256 * 1024, 'x');
  EXPECT_TRUE(client.echo(big));
  ASSERT_TRUE(server_->waitForPeers(1));
  EXPECT_EQ(server_->peers().at(0), kWeb);
}

TEST_F(TlsIntegrationTest, RefusesOpenSslClientWithoutCertificate) {
  start();
  auto keep = bystander();
  std::string out = sClient("");
  EXPECT_EQ(out.find("hello BYE"), std::string::npos) << out;
  EXPECT_EQ(counter("listener.127.0.0.1_0.ssl.fail_verify_no_cert"), 1u);
  EXPECT_TRUE(keep->echo("after"));
}

TEST_F(TlsIntegrationTest, RefusesCertificateFromAnotherCa) {
  start();
  auto keep = bystander();
  auto foreign = pki_.issue("foreign", kWeb, &pki_.foreignCa());
  std::string out = sClient(certArgs(foreign));
  EXPECT_EQ(out.find("hello BYE"), std::string::npos) << out;
  EXPECT_EQ(counter("listener.127.0.0.1_0.ssl.fail_verify_error"), 1u);
  EXPECT_TRUE(keep->echo("after"));
}

TEST_F(TlsIntegrationTest, RefusesExpiredCertificate) {
  start();
  auto keep = bystander();
  auto expired = pki_.issue("expired", kWeb, nullptr, true);
  std::string out = sClient(certArgs(expired));
  EXPECT_EQ(out.find("hello BYE"), std::string::npos) << out;
  EXPECT_EQ(counter("listener.127.0.0.1_0.ssl.fail_verify_error"), 1u);
  EXPECT_TRUE(keep->echo("after"));
}

TEST_F(TlsIntegrationTest, RefusesCertificateWhoseSanDoesNotMatch) {
  start();
  auto keep = bystander();
  auto other = pki_.issue("other", "spiffe://cluster.local/ns/other/sa/web");
  std::string out = sClient(certArgs(other));
  EXPECT_EQ(out.find("hello BYE"), std::string::npos) << out;
  EXPECT_EQ(counter("listener.127.0.0.1_0.ssl.fail_verify_san"), 1u);
  EXPECT_EQ(counter("listener.127.0.0.1_0.ssl.fail_verify_error"), 0u);
  EXPECT_TRUE(keep->echo("after"));
}

TEST_F(TlsIntegrationTest, RefusesGarbageInsteadOfAClientHello) {
  start();
  auto keep = bystander();
  uint64_t errors_before = counter("listener.127.0.0.1_0.ssl.connection_error");
  // Plaintext HTTP where a ClientHello should be; the server must close.
  std::string out = runCommand("bash -c 'exec 3<>/dev/tcp/127.0.0.1/" +
                                   std::to_string(server_->port()) +
                                   "; printf \"GET / HTTP/1.1\\r\\n\\r\\n\" >&3; cat <&3 | wc -c'",
                               "");
  barrier();
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out.substr(out.size() - 2), "0\n") << out;  // closed without a byte
  EXPECT_EQ(counter("listener.127.0.0.1_0.ssl.connection_error"), errors_before + 1);
  EXPECT_TRUE(keep->echo("after"));
}

TEST_F(TlsIntegrationTest, CountsResumedSessionsFromOpenSslAndFromRemoraClients) {
  start();
  std::string session = (pki_.dir() / "session.pem").string();
  std::string first = sClient(certArgs(client_dir_) + " -sess_out " + session);
  ASSERT_NE(first.find("hello BYE"), std::string::npos) << first;
  std::string second = sClient(certArgs(client_dir_) + " -sess_in " + session);
  EXPECT_NE(second.find("Reused, TLSv1.3"), std::string::npos) << second;
  EXPECT_EQ(counter("listener.127.0.0.1_0.ssl.session_reused"), 1u);

  {
    TlsEchoClient a(thread_, *client_factory_, server_->port());
    ASSERT_TRUE(a.waitConnected());
    EXPECT_TRUE(a.echo("ticket please"));  // TLS 1.3 tickets ride after the handshake
  }
  TlsEchoClient b(thread_, *client_factory_, server_->port());
  ASSERT_TRUE(b.waitConnected());
  EXPECT_TRUE(b.peer().session_reused);
  EXPECT_EQ(counter("cluster.kv.ssl.session_reused"), 1u);
  // The server completes its side after the client's Finished arrives.
  ASSERT_TRUE(server_->waitForPeers(4));
  EXPECT_EQ(counter("listener.127.0.0.1_0.ssl.session_reused"), 2u);
}

// Every TLS 1.3 resumption brings a fresh ticket (clients such as OpenSSL's
// use a ticket once): a run of connections resumes all but the first, and
// each resumed connection still knows the verified peer on both sides.
TEST_F(TlsIntegrationTest, EveryConnectionAfterTheFirstResumesAndKeepsThePeerIdentity) {
  start();
  constexpr int kConnections = 4;
  for (int i = 0; i < kConnections; ++i) {
    TlsEchoClient c(thread_, *client_factory_, server_->port());
    ASSERT_TRUE(c.waitConnected());
    EXPECT_TRUE(c.echo("ticket please"));  // the ticket rides before the echo
    EXPECT_EQ(c.peer().session_reused, i > 0) << "connection " << i;
    EXPECT_EQ(c.peer().uri_san, kKv) << "connection " << i;
    EXPECT_TRUE(c.peer().peer_certificate_validated) << "connection " << i;
  }
  EXPECT_EQ(counter("cluster.kv.ssl.handshake"), uint64_t{kConnections});
  EXPECT_EQ(counter("cluster.kv.ssl.session_reused"), uint64_t{kConnections - 1});
  ASSERT_TRUE(server_->waitForPeers(kConnections));
  EXPECT_EQ(counter("listener.127.0.0.1_0.ssl.session_reused"), uint64_t{kConnections - 1});
  for (const std::string& peer : server_->peers()) EXPECT_EQ(peer, kWeb);
}

TEST_F(TlsIntegrationTest, OpenSslClientResumesAgainWithTheTicketOfAResumedSession) {
  start();
  std::string first_session = (pki_.dir() / "first.pem").string();
  std::string second_session = (pki_.dir() / "second.pem").string();
  std::string first = sClient(certArgs(client_dir_) + " -sess_out " + first_session);
  ASSERT_NE(first.find("New, TLSv1.3"), std::string::npos) << first;
  std::string second = sClient(certArgs(client_dir_) + " -sess_in " + first_session +
                               " -sess_out " + second_session);
  EXPECT_NE(second.find("Reused, TLSv1.3"), std::string::npos) << second;
  std::string third = sClient(certArgs(client_dir_) + " -sess_in " + second_session);
  EXPECT_NE(third.find("Reused, TLSv1.3"), std::string::npos) << third;
  EXPECT_NE(third.find("hello BYE"), std::string::npos) << third;
  EXPECT_EQ(counter("listener.127.0.0.1_0.ssl.session_reused"), 2u);
  ASSERT_TRUE(server_->waitForPeers(3));
  for (const std::string& peer : server_->peers()) EXPECT_EQ(peer, kWeb);
}

// disable_stateless_session_resumption: the server keeps sessions in its
// cache and TLS 1.3 tickets only name them; both clients still resume and
// the resumed connections carry the verified peer.
TEST_F(TlsIntegrationTest, StatefulResumptionResumesBothClientsWithThePeerIdentity) {
  start("spiffe://cluster.local/ns/default/", false);
  std::string session = (pki_.dir() / "stateful.pem").string();
  std::string first = sClient(certArgs(client_dir_) + " -sess_out " + session);
  ASSERT_NE(first.find("New, TLSv1.3"), std::string::npos) << first;
  std::string second = sClient(certArgs(client_dir_) + " -sess_in " + session);
  EXPECT_NE(second.find("Reused, TLSv1.3"), std::string::npos) << second;
  EXPECT_NE(second.find("hello BYE"), std::string::npos) << second;
  for (int i = 0; i < 3; ++i) {
    TlsEchoClient c(thread_, *client_factory_, server_->port());
    ASSERT_TRUE(c.waitConnected());
    EXPECT_TRUE(c.echo("ticket please"));
    EXPECT_EQ(c.peer().session_reused, i > 0) << "connection " << i;
    EXPECT_EQ(c.peer().uri_san, kKv);
  }
  ASSERT_TRUE(server_->waitForPeers(5));
  EXPECT_EQ(counter("listener.127.0.0.1_0.ssl.session_reused"), 3u);
  EXPECT_EQ(counter("cluster.kv.ssl.session_reused"), 2u);
  for (const std::string& peer : server_->peers()) EXPECT_EQ(peer, kWeb);
}

TEST_F(TlsIntegrationTest, RotationKeepsTheOpenConnectionAndPresentsTheNewSerialToTheNext) {
  start();
  auto keep = bystander();
  std::string old_serial = test::serialOfFile(server_dir_ / kCertChainFile);
  EXPECT_EQ(keep->peer().serial, old_serial);
  pki_.issue("server", kKv);  // new files in place
  std::string new_serial = test::serialOfFile(server_dir_ / kCertChainFile);
  ASSERT_NE(old_serial, new_serial);
  ASSERT_TRUE(server_provider_->reload().ok());
  EXPECT_TRUE(keep->echo("still alive"));
  TlsEchoClient fresh(thread_, *client_factory_, server_->port());
  ASSERT_TRUE(fresh.waitConnected());
  EXPECT_EQ(fresh.peer().serial, new_serial);
  std::string out = sClient(certArgs(client_dir_));
  EXPECT_NE(out.find("hello BYE"), std::string::npos) << out;
}

}  // namespace
}  // namespace remora::tls
