// The admin server fed by a raw socket: pipelining, bad input and limits,
// which curl would never send.
#include <gtest/gtest.h>

#include "proxy/admin/admin_server.h"
#include "tests/proxy/admin/admin_server_fixture.h"
#include "tests/test_support/wait.h"

namespace remora::admin::test {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

using AdminServerRawTest = AdminServerTest;

TEST_F(AdminServerRawTest, PipelinedRequestsAreAnsweredInOrder) {
  RawClient client(server_->address());
  ASSERT_TRUE(client.connected());
  client.send(
      "GET /ready HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /stats?filter=cluster.web.upstream_cx_active HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /nope HTTP/1.1\r\nHost: a\r\n\r\n"
      "POST /logging HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
  auto responses = awaitResponses(client, 4);
  ASSERT_EQ(responses.size(), 4u) << client.received();
  EXPECT_EQ(responses[0].body, "LIVE\n");
  EXPECT_EQ(responses[1].body, "cluster.web.upstream_cx_active: 2\n");
  EXPECT_EQ(responses[2].status, 404);
  EXPECT_TRUE(contains(responses[3].body, "active loggers:"));
  EXPECT_FALSE(client.closedByPeer());
  EXPECT_EQ(counter("http.admin.downstream_cx_total"), 1u);
}

TEST_F(AdminServerRawTest, MalformedRequestGets400AndClosesWhileOthersKeepWorking) {
  RawClient good(server_->address());
  RawClient bad(server_->address());
  ASSERT_TRUE(good.connected() && bad.connected());
  good.send("GET /ready HTTP/1.1\r\n\r\n");
  ASSERT_EQ(awaitResponses(good, 1).size(), 1u);

  bad.send("GET /ready HTTP/1.1\r\nBad Header Without Colon\r\n\r\nGET /ready HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(awaitClosed(bad));
  auto responses = parseResponses(bad.received());
  ASSERT_EQ(responses.size(), 1u) << bad.received();
  EXPECT_EQ(responses[0].status, 400);
  EXPECT_TRUE(contains(responses[0].head, "connection: close"));

  good.send("GET /stats?filter=listener. HTTP/1.1\r\n\r\n");
  auto more = awaitResponses(good, 2);
  ASSERT_EQ(more.size(), 2u);
  EXPECT_EQ(more[1].status, 200);
  EXPECT_EQ(more[1].body, "listener.127.0.0.1_15001.downstream_cx_total: 3\n");
  EXPECT_FALSE(good.closedByPeer());
  EXPECT_EQ(counter("http.admin.downstream_cx_protocol_error"), 1u);
  EXPECT_EQ(counter("http.admin.downstream_rq_4xx"), 1u);
  EXPECT_EQ(counter("http.admin.downstream_rq_2xx"), 2u);
}

TEST_F(AdminServerRawTest, BinaryGarbageGets400) {
  RawClient client(server_->address());
  client.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  ASSERT_TRUE(awaitClosed(client));
  auto responses = parseResponses(client.received());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 400);
}

TEST_F(AdminServerRawTest, OversizedHeadersGet431AndClose) {
  RawClient client(server_->address());
  client.send("GET /ready HTTP/1.1\r\nX-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n");
  ASSERT_TRUE(awaitClosed(client));
  auto responses = parseResponses(client.received());
  ASSERT_EQ(responses.size(), 1u) << client.received().substr(0, 200);
  EXPECT_EQ(responses[0].status, 431);
  EXPECT_EQ(counter("http.admin.downstream_cx_protocol_error"), 1u);
}

TEST_F(AdminServerRawTest, OversizedBodyGets413) {
  AdminServerOptions options;
  options.address = *network::Address::fromIp("127.0.0.1", 0);
  options.connection.limits.max_body_bytes = 16;
  restart(options);
  RawClient client(server_->address());
  client.send("POST /logging HTTP/1.1\r\nContent-Length: 17\r\n\r\n" + std::string(17, 'x'));
  ASSERT_TRUE(awaitClosed(client));
  auto responses = parseResponses(client.received());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 413);
  EXPECT_EQ(counter("http.admin.downstream_rq_too_large"), 1u);
}

TEST_F(AdminServerRawTest, ConnectionCloseIsHonouredAfterTheAnswer) {
  RawClient client(server_->address());
  client.send("GET /ready HTTP/1.1\r\nConnection: close\r\n\r\nGET /ready HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(awaitClosed(client));
  auto responses = parseResponses(client.received());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_TRUE(contains(responses[0].head, "connection: close"));
  EXPECT_EQ(counter("http.admin.downstream_rq_total"), 1u);
}

TEST_F(AdminServerRawTest, Http10GetsOneAnswerThenClose) {
  RawClient client(server_->address());
  client.send("GET /ready HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(awaitClosed(client));
  auto responses = parseResponses(client.received());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].body, "LIVE\n");
}

TEST_F(AdminServerRawTest, HeadGetsHeadersWithoutBody) {
  RawClient client(server_->address());
  client.send("HEAD /ready HTTP/1.1\r\n\r\nGET /ready HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(remora::testing::runUntil(*dispatcher_, [&] {
    client.pump();
    return contains(client.received(), "LIVE\n");
  }));
  const std::string& bytes = client.received();
  size_t first_end = bytes.find("\r\n\r\n");
  ASSERT_NE(first_end, std::string::npos);
  EXPECT_TRUE(contains(bytes.substr(0, first_end), "content-length: 5"));
  // The second answer starts right after the first one's headers.
  EXPECT_EQ(bytes.compare(first_end + 4, 9, "HTTP/1.1 "), 0);
}

TEST_F(AdminServerRawTest, RequestsSentBeforeAHalfCloseAreStillAnswered) {
  RawClient client(server_->address());
  client.send("GET /ready HTTP/1.1\r\n\r\nGET /help HTTP/1.1\r\n\r\n");
  client.pump();
  client.shutdownWrite();
  ASSERT_TRUE(awaitClosed(client));
  auto responses = parseResponses(client.received());
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].body, "LIVE\n");
  EXPECT_TRUE(contains(responses[1].body, "admin commands are:"));
}

TEST_F(AdminServerRawTest, AClientThatDoesNotReadIsNotBufferedWithoutBound) {
  AdminServerOptions options;
  options.address = *network::Address::fromIp("127.0.0.1", 0);
  options.connection.buffer_limit_bytes = 4096;
  restart(options);
  RawClient client(server_->address());
  constexpr size_t kRequests = 400;
  std::string burst;
  for (size_t i = 0; i < kRequests; ++i) burst += "GET /help HTTP/1.1\r\n\r\n";
  client.send(burst);
  auto responses = awaitResponses(client, kRequests);
  ASSERT_EQ(responses.size(), kRequests);
  for (const auto& response : responses) EXPECT_EQ(response.status, 200);
  EXPECT_FALSE(client.closedByPeer());
}

TEST_F(AdminServerRawTest, ABodyNearTheLimitIsReadInFull) {
  RawClient client(server_->address());
  std::string body(1000 * 1000, 'b');
  client.send("POST /help HTTP/1.1\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
              body + "GET /ready HTTP/1.1\r\n\r\n");
  auto responses = awaitResponses(client, 2);
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].status, 200);
  EXPECT_EQ(responses[1].body, "LIVE\n");
}

TEST_F(AdminServerRawTest, AnIdleConnectionIsClosed) {
  AdminServerOptions options;
  options.address = *network::Address::fromIp("127.0.0.1", 0);
  options.connection.idle_timeout = std::chrono::milliseconds(50);
  restart(options);
  RawClient client(server_->address());
  client.send("GET /ready HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(awaitClosed(client));
  EXPECT_EQ(parseResponses(client.received()).size(), 1u);
  EXPECT_EQ(counter("http.admin.downstream_cx_idle_timeout"), 1u);
}

TEST_F(AdminServerRawTest, DestroyingTheServerClosesItsConnections) {
  RawClient client(server_->address());
  client.send("GET /ready HTTP/1.1\r\n\r\n");
  ASSERT_EQ(awaitResponses(client, 1).size(), 1u);
  EXPECT_EQ(server_->connectionCount(), 1u);
  server_.reset();
  ASSERT_TRUE(awaitClosed(client));
  EXPECT_EQ(store_.gauge("http.admin.downstream_cx_active").value(), 0);
}

}  // namespace
}  // namespace remora::admin::test
