#include "common/tls/tls_transport_socket.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "common/stats/store.h"
#include "common/tls/certificate_utils.h"
#include "common/tls/tls_credentials_provider.h"
#include "common/tls/tls_transport_socket_factory.h"
#include "tests/common/tls/tls_socket_pair.h"
#include "tests/common/tls/tls_test_pki.h"

namespace remora::tls {
namespace {

using test::TestPki;
using test::TlsSocketPair;

constexpr char kWeb[] = "spiffe://cluster.local/ns/default/sa/web";
constexpr char kKv[] = "spiffe://cluster.local/ns/default/sa/kv";

class TlsTransportSocketTest : public ::testing::Test {
 protected:
  TlsTransportSocketTest()
      : server_scope_(store_, "listener.inbound."), client_scope_(store_, "cluster.kv.") {
    server_dir_ = pki_.issue("server", kKv);
    client_dir_ = pki_.issue("client", kWeb);
  }

  std::shared_ptr<const TlsTransportSocketFactory> serverFactory(
      DownstreamTlsContextConfig config) {
    auto provider = TlsCredentialsProvider::createServer(std::move(config), server_scope_);
    EXPECT_TRUE(provider.ok()) << (provider.ok() ? "" : provider.error().message);
    server_provider_ = *provider;
    return TlsTransportSocketFactory::create(server_provider_, server_scope_);
  }
  std::shared_ptr<const TlsTransportSocketFactory> clientFactory(UpstreamTlsContextConfig config) {
    auto provider = TlsCredentialsProvider::createClient(std::move(config), client_scope_);
    EXPECT_TRUE(provider.ok()) << (provider.ok() ? "" : provider.error().message);
    client_provider_ = *provider;
    return TlsTransportSocketFactory::create(client_provider_, client_scope_);
  }
  // A client presenting credentials that would not pass local validation.
  network::TransportSocketPtr uncheckedClient(const std::filesystem::path& dir) {
    auto ctx = TlsContext::createClient(pki_.clientConfig(nullptr),
                                        test::uncheckedCredentials(dir, pki_.rootCertPath()));
    EXPECT_TRUE(ctx.ok());
    return std::make_unique<TlsTransportSocket>(*ctx, std::make_shared<const TlsStats>(client_scope_),
                                                nullptr, "", "");
  }
  uint64_t counter(const std::string& name) { return store_.counter(name).value(); }

  // Sends `text` from `from` and pumps until `to` holds it all.
  bool transfer(TlsSocketPair& pair, test::PairEnd& from, test::PairEnd& to,
                const std::string& text) {
    from.write_buffer.add(text);
    size_t want = to.read_buffer.length() + text.size();
    return pair.pump([&] { return to.read_buffer.length() >= want; }, 2000);
  }

  TestPki pki_;
  stats::Store store_{1};
  stats::Scope server_scope_;
  stats::Scope client_scope_;
  std::filesystem::path server_dir_;
  std::filesystem::path client_dir_;
  TlsCredentialsProviderSharedPtr server_provider_;
  TlsCredentialsProviderSharedPtr client_provider_;
};

TEST_F(TlsTransportSocketTest, MutualHandshakeCapturesBothSpiffeIdsAndAlpn) {
  auto server = serverFactory(pki_.serverConfig(server_dir_, true, "spiffe://cluster.local/"));
  auto client = clientFactory(pki_.clientConfig(&client_dir_, "spiffe://cluster.local/ns/default/sa/kv"));
  TlsSocketPair pair(client->create({}), server->create({}));
  ASSERT_TRUE(pair.handshake());

  const auto* at_server = pair.server().socket->peerSecurity();
  ASSERT_NE(at_server, nullptr);
  EXPECT_EQ(at_server->uri_san, kWeb);
  EXPECT_TRUE(at_server->peer_certificate_validated);
  EXPECT_EQ(at_server->tls_version, "TLSv1.3");
  EXPECT_EQ(at_server->serial, test::serialOfFile(client_dir_ / kCertChainFile));
  const auto* at_client = pair.client().socket->peerSecurity();
  ASSERT_NE(at_client, nullptr);
  EXPECT_EQ(at_client->uri_san, kKv);
  EXPECT_EQ(pair.server().socket->protocol(), "istio");
  EXPECT_EQ(pair.client().socket->protocol(), "istio");
  EXPECT_EQ(counter("listener.inbound.ssl.handshake"), 1u);
  EXPECT_EQ(counter("cluster.kv.ssl.handshake"), 1u);
  EXPECT_EQ(counter("listener.inbound.ssl.connection_error"), 0u);
}

TEST_F(TlsTransportSocketTest, CarriesLargePayloadsIntactInBothDirections) {
  auto server = serverFactory(pki_.serverConfig(server_dir_));
  auto client = clientFactory(pki_.clientConfig(&client_dir_));
  TlsSocketPair pair(client->create({}), server->create({}));
  ASSERT_TRUE(pair.handshake());
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 + 7);
  ASSERT_TRUE(transfer(pair, pair.client(), pair.server(), big));
  EXPECT_EQ(pair.server().read_buffer.toString(), big);
  ASSERT_TRUE(transfer(pair, pair.server(), pair.client(), "pong"));
  EXPECT_EQ(pair.client().read_buffer.toString(), "pong");
}

TEST_F(TlsTransportSocketTest, OneReadEventTakesEveryRecordTheSocketHolds) {
  // OpenSSL reads ahead: one read() may take several records, and every one
  // of them must come out of the same doRead() (no new edge will say so).
  auto server = serverFactory(pki_.serverConfig(server_dir_));
  auto client = clientFactory(pki_.clientConfig(&client_dir_));
  TlsSocketPair pair(client->create({}), server->create({}));
  ASSERT_TRUE(pair.handshake());
  // Tickets and other post-handshake bytes are read before the test.
  pair.server().socket->doRead(pair.server().read_buffer);
  for (const char* part : {"one,", "two,", "three"}) {
    buffer::Buffer record;
    record.add(part);
    ASSERT_EQ(pair.client().socket->doWrite(record, false).bytes_processed, std::strlen(part));
  }
  auto r = pair.server().socket->doRead(pair.server().read_buffer);
  EXPECT_EQ(r.action, network::PostIoAction::KeepOpen);
  EXPECT_EQ(pair.server().read_buffer.toString(), "one,two,three");
  // And a record that arrives later is read by the next call.
  buffer::Buffer later;
  later.add("four");
  pair.client().socket->doWrite(later, false);
  pair.server().socket->doRead(pair.server().read_buffer);
  EXPECT_EQ(pair.server().read_buffer.toString(), "one,two,threefour");
}

TEST_F(TlsTransportSocketTest, EndStreamSendsCloseNotifyThatThePeerReadsAsEndOfStream) {
  auto server = serverFactory(pki_.serverConfig(server_dir_));
  auto client = clientFactory(pki_.clientConfig(&client_dir_));
  TlsSocketPair pair(client->create({}), server->create({}));
  ASSERT_TRUE(pair.handshake());
  pair.client().write_buffer.add("bye");
  auto w = pair.client().socket->doWrite(pair.client().write_buffer, true);
  EXPECT_EQ(w.bytes_processed, 3u);
  ASSERT_TRUE(pair.pump([&] { return pair.server().end_stream; }));
  EXPECT_EQ(pair.server().read_buffer.toString(), "bye");
}

TEST_F(TlsTransportSocketTest, RefusesClientWithoutCertificate) {
  auto server = serverFactory(pki_.serverConfig(server_dir_, true));
  auto client = clientFactory(pki_.clientConfig(nullptr));
  TlsSocketPair pair(client->create({}), server->create({}));
  EXPECT_FALSE(pair.handshake());
  pair.pump([&] { return pair.server().closed; });
  EXPECT_TRUE(pair.server().closed);
  EXPECT_EQ(pair.server().socket->peerSecurity(), nullptr);
  EXPECT_EQ(counter("listener.inbound.ssl.fail_verify_no_cert"), 1u);
  EXPECT_EQ(counter("listener.inbound.ssl.connection_error"), 1u);
  EXPECT_EQ(counter("listener.inbound.ssl.handshake"), 0u);
  EXPECT_NE(pair.server().socket->failureReason().find("fail_verify_no_cert"), std::string::npos);
}

TEST_F(TlsTransportSocketTest, AcceptsClientWithoutCertificateWhenNotRequired) {
  auto server = serverFactory(pki_.serverConfig(server_dir_, false));
  auto client = clientFactory(pki_.clientConfig(nullptr));
  TlsSocketPair pair(client->create({}), server->create({}));
  ASSERT_TRUE(pair.handshake());
  ASSERT_NE(pair.server().socket->peerSecurity(), nullptr);
  EXPECT_FALSE(pair.server().socket->peerSecurity()->peer_certificate_presented);
  EXPECT_EQ(counter("listener.inbound.ssl.no_certificate"), 1u);
}

TEST_F(TlsTransportSocketTest, RefusesCertificateFromAnotherCa) {
  auto server = serverFactory(pki_.serverConfig(server_dir_));
  auto foreign = pki_.issue("foreign", kWeb, &pki_.foreignCa());
  TlsSocketPair pair(uncheckedClient(foreign), server->create({}));
  EXPECT_FALSE(pair.handshake());
  EXPECT_TRUE(pair.server().closed);
  EXPECT_EQ(counter("listener.inbound.ssl.fail_verify_error"), 1u);
  EXPECT_EQ(counter("listener.inbound.ssl.fail_verify_san"), 0u);
  EXPECT_EQ(counter("listener.inbound.ssl.connection_error"), 1u);
}

TEST_F(TlsTransportSocketTest, RefusesExpiredCertificate) {
  auto server = serverFactory(pki_.serverConfig(server_dir_));
  auto expired = pki_.issue("expired", kWeb, nullptr, true);
  TlsSocketPair pair(uncheckedClient(expired), server->create({}));
  EXPECT_FALSE(pair.handshake());
  EXPECT_EQ(counter("listener.inbound.ssl.fail_verify_error"), 1u);
  EXPECT_NE(pair.server().socket->failureReason().find("expired"), std::string::npos)
      << pair.server().socket->failureReason();
}

TEST_F(TlsTransportSocketTest, RefusesClientWhoseSanDoesNotMatch) {
  auto server = serverFactory(
      pki_.serverConfig(server_dir_, true, "spiffe://cluster.local/ns/prod/"));
  auto client = clientFactory(pki_.clientConfig(&client_dir_));
  TlsSocketPair pair(client->create({}), server->create({}));
  EXPECT_FALSE(pair.handshake());
  EXPECT_EQ(counter("listener.inbound.ssl.fail_verify_san"), 1u);
  EXPECT_EQ(counter("listener.inbound.ssl.fail_verify_error"), 0u);
  EXPECT_NE(pair.server().socket->failureReason().find(kWeb), std::string::npos);
}

TEST_F(TlsTransportSocketTest, ClientRefusesServerWhoseSanDoesNotMatch) {
  auto server = serverFactory(pki_.serverConfig(server_dir_));
  auto client = clientFactory(
      pki_.clientConfig(&client_dir_, "spiffe://cluster.local/ns/default/sa/other"));
  TlsSocketPair pair(client->create({}), server->create({}));
  EXPECT_FALSE(pair.handshake());
  EXPECT_TRUE(pair.client().closed);
  EXPECT_EQ(counter("cluster.kv.ssl.fail_verify_san"), 1u);
}

TEST_F(TlsTransportSocketTest, RefusesGarbageInsteadOfClientHello) {
  auto server = serverFactory(pki_.serverConfig(server_dir_));
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  network::SocketFd peer(fds[0]);
  network::SocketFd ours(fds[1]);
  test::FakeTransportCallbacks callbacks(ours.fd());
  auto socket = server->create({});
  socket->setTransportSocketCallbacks(callbacks);
  socket->onConnected();
  const char garbage[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_GT(::write(peer.fd(), garbage, sizeof(garbage) - 1), 0);
  buffer::Buffer buf;
  auto r = socket->doRead(buf);
  EXPECT_EQ(r.action, network::PostIoAction::Close);
  EXPECT_EQ(buf.length(), 0u);
  EXPECT_EQ(counter("listener.inbound.ssl.connection_error"), 1u);
  EXPECT_FALSE(socket->failureReason().empty());
}

TEST_F(TlsTransportSocketTest, AFailedConnectionDoesNotDisturbAnOpenOne) {
  auto server = serverFactory(pki_.serverConfig(server_dir_));
  auto client = clientFactory(pki_.clientConfig(&client_dir_));
  TlsSocketPair good(client->create({}), server->create({}));
  ASSERT_TRUE(good.handshake());
  auto foreign = pki_.issue("foreign", kWeb, &pki_.foreignCa());
  TlsSocketPair bad(uncheckedClient(foreign), server->create({}));
  EXPECT_FALSE(bad.handshake());
  ASSERT_TRUE(transfer(good, good.client(), good.server(), "still here"));
  EXPECT_EQ(good.server().read_buffer.toString(), "still here");
}

TEST_F(TlsTransportSocketTest, ResumesSessionsWithTls13Tickets) {
  auto server = serverFactory(pki_.serverConfig(server_dir_));
  auto client = clientFactory(pki_.clientConfig(&client_dir_));
  {
    TlsSocketPair first(client->create({}), server->create({}));
    ASSERT_TRUE(first.handshake());
    // TLS 1.3 tickets arrive after the handshake, with the first records.
    ASSERT_TRUE(transfer(first, first.server(), first.client(), "hello"));
    EXPECT_FALSE(first.client().socket->peerSecurity()->session_reused);
  }
  ASSERT_EQ(client->sessionCache()->size(pki_.clientConfig(nullptr).sni), 1u);
  TlsSocketPair second(client->create({}), server->create({}));
  ASSERT_TRUE(second.handshake());
  EXPECT_TRUE(second.server().socket->peerSecurity()->session_reused);
  EXPECT_TRUE(second.client().socket->peerSecurity()->session_reused);
  // The resumed session still carries the verified client identity.
  EXPECT_EQ(second.server().socket->peerSecurity()->uri_san, kWeb);
  EXPECT_TRUE(second.server().socket->peerSecurity()->peer_certificate_validated);
  EXPECT_EQ(counter("listener.inbound.ssl.session_reused"), 1u);
  EXPECT_EQ(counter("cluster.kv.ssl.session_reused"), 1u);
  EXPECT_EQ(counter("listener.inbound.ssl.handshake"), 2u);
}

TEST_F(TlsTransportSocketTest, ResumesSessionsWithTls12Tickets) {
  auto config = pki_.serverConfig(server_dir_);
  config.common_tls_context.tls_params.maximum_protocol_version = TlsVersion::Tls1_2;
  auto server = serverFactory(config);
  auto client = clientFactory(pki_.clientConfig(&client_dir_));
  {
    TlsSocketPair first(client->create({}), server->create({}));
    ASSERT_TRUE(first.handshake());
    EXPECT_EQ(first.server().socket->peerSecurity()->tls_version, "TLSv1.2");
  }
  TlsSocketPair second(client->create({}), server->create({}));
  ASSERT_TRUE(second.handshake());
  EXPECT_TRUE(second.server().socket->peerSecurity()->session_reused);
  EXPECT_EQ(counter("listener.inbound.ssl.session_reused"), 1u);
}

TEST_F(TlsTransportSocketTest, ClientAlpnOverrideIsOffered) {
  auto server = serverFactory(pki_.serverConfig(server_dir_));
  auto client = clientFactory(pki_.clientConfig(&client_dir_));
  network::TransportSocketOptions options;
  options.alpn_override = {"h2", "istio-peer-exchange"};
  TlsSocketPair pair(client->create(options), server->create({}));
  ASSERT_TRUE(pair.handshake());
  EXPECT_EQ(pair.server().socket->protocol(), "istio-peer-exchange");
}

TEST_F(TlsTransportSocketTest, RotationKeepsOpenConnectionsAndServesTheNewSerialToNewOnes) {
  auto server = serverFactory(pki_.serverConfig(server_dir_));
  auto client = clientFactory(pki_.clientConfig(&client_dir_));
  std::string old_serial = test::serialOfFile(server_dir_ / kCertChainFile);
  TlsSocketPair open(client->create({}), server->create({}));
  ASSERT_TRUE(open.handshake());
  EXPECT_EQ(open.client().socket->peerSecurity()->serial, old_serial);

  pki_.issue("server", kKv);  // overwrites server/cert-chain.pem and key.pem
  std::string new_serial = test::serialOfFile(server_dir_ / kCertChainFile);
  ASSERT_NE(new_serial, old_serial);
  ASSERT_TRUE(server_provider_->reload().ok());
  EXPECT_EQ(counter("listener.inbound.ssl.context_update"), 1u);

  ASSERT_TRUE(transfer(open, open.client(), open.server(), "after rotation"));
  EXPECT_EQ(open.server().read_buffer.toString(), "after rotation");
  TlsSocketPair fresh(client->create({}), server->create({}));
  ASSERT_TRUE(fresh.handshake());
  EXPECT_EQ(fresh.client().socket->peerSecurity()->serial, new_serial);
}

TEST_F(TlsTransportSocketTest, RefusedRotationKeepsTheOldCredentialsServing) {
  auto server = serverFactory(pki_.serverConfig(server_dir_));
  auto client = clientFactory(pki_.clientConfig(&client_dir_));
  std::string old_serial = test::serialOfFile(server_dir_ / kCertChainFile);
  // A new certificate whose key was not replaced: the key no longer matches.
  auto other = pki_.issue("other", kKv);
  std::filesystem::copy_file(other / kCertChainFile, server_dir_ / kCertChainFile,
                             std::filesystem::copy_options::overwrite_existing);
  auto status = server_provider_->reload();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("does not match"), std::string::npos);
  EXPECT_EQ(counter("listener.inbound.ssl.context_update_error"), 1u);
  TlsSocketPair fresh(client->create({}), server->create({}));
  ASSERT_TRUE(fresh.handshake());
  EXPECT_EQ(fresh.client().socket->peerSecurity()->serial, old_serial);
}

}  // namespace
}  // namespace remora::tls
