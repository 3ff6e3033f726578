#include "proxy/admin/http1_request_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace remora::admin {
namespace {

class Http1RequestParserTest : public ::testing::Test {
 protected:
  // Feeds `input` in pieces of `chunk` bytes and collects every request, as
  // a connection does; stops at an error.
  std::vector<ParsedRequest> feed(const std::string& input, size_t chunk = 1 << 20) {
    std::vector<ParsedRequest> out;
    std::string pending;
    for (size_t pos = 0; pos < input.size(); pos += chunk) {
      pending += input.substr(pos, chunk);
      while (!pending.empty()) {
        ParseResult result = parser_.parse(pending);
        pending.erase(0, result.consumed);
        if (result.status == ParseStatus::Error) {
          failed_ = true;
          return out;
        }
        if (result.status == ParseStatus::NeedMoreData) break;
        out.push_back(parser_.takeRequest());
      }
    }
    return out;
  }

  RequestLimits limits_;
  Http1RequestParser parser_{limits_};
  bool failed_ = false;
};

TEST_F(Http1RequestParserTest, ParsesAGetWithQueryAndHeaders) {
  auto requests = feed(
      "GET /stats?filter=cluster&format=json HTTP/1.1\r\nHost: x\r\n"
      "User-Agent: test\r\n\r\n");
  ASSERT_EQ(requests.size(), 1u);
  const AdminRequest& r = requests[0].request;
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/stats");
  EXPECT_EQ(r.query.at("filter"), "cluster");
  EXPECT_EQ(r.query.at("format"), "json");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0].first, "host");
  EXPECT_EQ(r.headers[1].second, "test");
  EXPECT_TRUE(requests[0].keep_alive);
  EXPECT_FALSE(requests[0].http10);
}

TEST_F(Http1RequestParserTest, StopsAfterEachRequestSoPipelinedOnesComeInOrder) {
  auto requests = feed(
      "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nPOST /c HTTP/1.1\r\n"
      "Content-Length: 3\r\n\r\nxyz");
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].request.path, "/a");
  EXPECT_EQ(requests[1].request.path, "/b");
  EXPECT_EQ(requests[2].request.path, "/c");
  EXPECT_EQ(requests[2].request.body, "xyz");
}

TEST_F(Http1RequestParserTest, ParsesTheSameStreamFedOneByteAtATime) {
  auto requests = feed(
      "POST /logging?level=debug HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /x "
      "HTTP/1.1\r\n\r\n",
      1);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].request.query.at("level"), "debug");
  EXPECT_EQ(requests[0].request.body, "hi");
  EXPECT_EQ(requests[1].request.path, "/x");
}

TEST_F(Http1RequestParserTest, DecodesChunkedBodies) {
  auto requests = feed(
      "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].request.body, "abcde");
}

TEST_F(Http1RequestParserTest, MergesFormEncodedBodiesIntoTheQuery) {
  auto requests = feed(
      "POST /logging?admin=info HTTP/1.1\r\nContent-Type: "
      "application/x-www-form-urlencoded\r\nContent-Length: 23\r\n\r\n"
      "level=debug&admin=trace");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].request.query.at("level"), "debug");
  EXPECT_EQ(requests[0].request.query.at("admin"), "info");
}

TEST_F(Http1RequestParserTest, ConnectionCloseAndHttp10EndKeepAlive) {
  auto close = feed("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(close.size(), 1u);
  EXPECT_FALSE(close[0].keep_alive);
  Http1RequestParser p10(limits_);
  ASSERT_EQ(p10.parse("GET / HTTP/1.0\r\n\r\n").status, ParseStatus::RequestComplete);
  ParsedRequest r10 = p10.takeRequest();
  EXPECT_TRUE(r10.http10);
  EXPECT_FALSE(r10.keep_alive);
  Http1RequestParser p10ka(limits_);
  ASSERT_EQ(p10ka.parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status,
            ParseStatus::RequestComplete);
  EXPECT_TRUE(p10ka.takeRequest().keep_alive);
}

TEST_F(Http1RequestParserTest, HeadIsFlagged) {
  auto requests = feed("HEAD /stats HTTP/1.1\r\n\r\n");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].head);
}

TEST_F(Http1RequestParserTest, GarbageIsA400) {
  feed("HELLO WORLD\r\n\r\n");
  EXPECT_TRUE(failed_);
  EXPECT_EQ(parser_.errorStatus(), 400);
  EXPECT_FALSE(parser_.errorReason().empty());
  // A failed parser stays failed.
  EXPECT_EQ(parser_.parse("GET / HTTP/1.1\r\n\r\n").status, ParseStatus::Error);
}

TEST_F(Http1RequestParserTest, ContentLengthWithChunkedIsRejected) {
  feed("POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  EXPECT_TRUE(failed_);
  EXPECT_EQ(parser_.errorStatus(), 400);
}

TEST_F(Http1RequestParserTest, HeadersOverTheLimitAre431) {
  limits_.max_headers_bytes = 100;
  Http1RequestParser parser(limits_);
  std::string request = "GET / HTTP/1.1\r\nX-Big: " + std::string(200, 'a') + "\r\n\r\n";
  EXPECT_EQ(parser.parse(request).status, ParseStatus::Error);
  EXPECT_EQ(parser.errorStatus(), 431);
}

TEST_F(Http1RequestParserTest, TooManyHeadersAre431) {
  limits_.max_headers_count = 3;
  Http1RequestParser parser(limits_);
  std::string request = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 4; ++i) request += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(parser.parse(request + "\r\n").status, ParseStatus::Error);
  EXPECT_EQ(parser.errorStatus(), 431);
}

TEST_F(Http1RequestParserTest, ALongUrlIs431) {
  limits_.max_headers_bytes = 64;
  Http1RequestParser parser(limits_);
  EXPECT_EQ(parser.parse("GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n").status,
            ParseStatus::Error);
  EXPECT_EQ(parser.errorStatus(), 431);
}

TEST_F(Http1RequestParserTest, DeclaredBodyOverTheLimitIs413BeforeItArrives) {
  limits_.max_body_bytes = 10;
  Http1RequestParser parser(limits_);
  EXPECT_EQ(parser.parse("POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\n").status,
            ParseStatus::Error);
  EXPECT_EQ(parser.errorStatus(), 413);
}

TEST_F(Http1RequestParserTest, ChunkedBodyOverTheLimitIs413) {
  limits_.max_body_bytes = 4;
  Http1RequestParser parser(limits_);
  EXPECT_EQ(parser
                .parse("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
                       "3\r\ndef\r\n0\r\n\r\n")
                .status,
            ParseStatus::Error);
  EXPECT_EQ(parser.errorStatus(), 413);
}

TEST_F(Http1RequestParserTest, ExpectContinueIsReportedOnceAfterTheHeaders) {
  ParseResult result = parser_.parse(
      "POST /x HTTP/1.1\r\nExpect: 100-continue\r\n"
      "Content-Length: 2\r\n\r\n");
  EXPECT_EQ(result.status, ParseStatus::NeedMoreData);
  EXPECT_TRUE(parser_.takeContinueExpected());
  EXPECT_FALSE(parser_.takeContinueExpected());
  EXPECT_TRUE(parser_.midRequest());
  EXPECT_EQ(parser_.parse("ok").status, ParseStatus::RequestComplete);
  EXPECT_EQ(parser_.takeRequest().request.body, "ok");
  EXPECT_FALSE(parser_.midRequest());
}

TEST_F(Http1RequestParserTest, OnlyHttp1IsAccepted) {
  feed("GET / HTTP/2.0\r\n\r\n");
  EXPECT_TRUE(failed_);
  EXPECT_EQ(parser_.errorStatus(), 505);
}

TEST_F(Http1RequestParserTest, BareLineFeedsAreRejected) {
  feed("GET /ready HTTP/1.1\nHost: a\n\n");
  EXPECT_TRUE(failed_);
  EXPECT_EQ(parser_.errorStatus(), 400);
}

TEST_F(Http1RequestParserTest, AnUpgradeRequestIsAnsweredThenTheConnectionEnds) {
  auto requests = feed(
      "GET /ready HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
      "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n"
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_FALSE(failed_);
  EXPECT_EQ(requests[0].request.path, "/ready");
  EXPECT_FALSE(requests[0].keep_alive);
}

TEST_F(Http1RequestParserTest, FinishReportsARequestCutShort) {
  EXPECT_EQ(parser_.parse("GET /stats HTTP/1.1\r\nHo").status, ParseStatus::NeedMoreData);
  EXPECT_TRUE(parser_.finish());
  Http1RequestParser idle(limits_);
  EXPECT_FALSE(idle.finish());
}

}  // namespace
}  // namespace remora::admin
