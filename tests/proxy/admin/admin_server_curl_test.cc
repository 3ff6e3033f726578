// The admin server driven by curl over real loopback sockets.
#include <gtest/gtest.h>

#include "common/logging/logger.h"
#include "proxy/admin/admin_server.h"
#include "proxy/admin/builtin_handlers.h"
#include "tests/proxy/admin/admin_server_fixture.h"
#include "tests/test_support/wait.h"

namespace remora::admin::test {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class AdminServerCurlTest : public AdminServerTest {
 protected:
  void TearDown() override {
    logging::setLevel(spdlog::level::info);
    AdminServerTest::TearDown();
  }
};

TEST_F(AdminServerCurlTest, ListensOnTheAskedAddressWithTheKernelsPort) {
  EXPECT_EQ(server_->address().ip(), "127.0.0.1");
  EXPECT_NE(server_->address().port(), 0);
  AdminServerOptions taken;
  taken.address = server_->address();
  auto second = AdminServer::create(*dispatcher_, store_, taken);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(contains(second.error().message, server_->address().toString()));
}

TEST_F(AdminServerCurlTest, StatsShowsTheStoreAndFiltersBySubstring) {
  CurlResult all = curl({url("/stats")});
  ASSERT_EQ(all.exit_code, 0) << all.output;
  ASSERT_EQ(all.responses.size(), 1u) << all.output;
  EXPECT_EQ(all.responses[0].status, 200);
  EXPECT_TRUE(contains(all.responses[0].head, "content-type: text/plain"));
  EXPECT_TRUE(contains(all.responses[0].body, "cluster.web.upstream_cx_total: 7\n"));
  EXPECT_TRUE(contains(all.responses[0].body, "cluster.web.upstream_cx_active: 2\n"));

  CurlResult filtered = curl({url("/stats?filter=listener.")});
  ASSERT_EQ(filtered.responses.size(), 1u) << filtered.output;
  EXPECT_EQ(filtered.responses[0].body, "listener.127.0.0.1_15001.downstream_cx_total: 3\n");

  CurlResult json = curl({url("/stats?format=json&filter=cluster.web")});
  ASSERT_EQ(json.responses.size(), 1u);
  EXPECT_TRUE(contains(json.responses[0].head, "content-type: application/json"));
  EXPECT_TRUE(contains(json.responses[0].body,
                       "{\"name\": \"cluster.web.upstream_cx_total\", \"value\": 7}"));
}

TEST_F(AdminServerCurlTest, ServesPrometheusFormat) {
  CurlResult result = curl({url("/stats/prometheus")});
  ASSERT_EQ(result.responses.size(), 1u) << result.output;
  EXPECT_EQ(result.responses[0].status, 200);
  EXPECT_TRUE(contains(result.responses[0].head, "version=0.0.4"));
  EXPECT_TRUE(contains(result.responses[0].body,
                       "# TYPE envoy_cluster_web_upstream_cx_total counter\n"
                       "envoy_cluster_web_upstream_cx_total 7\n"));
  EXPECT_TRUE(contains(result.responses[0].body, "envoy_cluster_web_upstream_cx_active 2\n"));
}

TEST_F(AdminServerCurlTest, PostToLoggingChangesTheLevelsOfTheLoggers) {
  CurlResult one = curl({"-X", "POST", url("/logging?upstream=debug")});
  ASSERT_EQ(one.responses.size(), 1u) << one.output;
  EXPECT_EQ(one.responses[0].status, 200);
  EXPECT_TRUE(contains(one.responses[0].body, "  upstream: debug\n"));
  EXPECT_EQ(logging::logger(logging::Component::Upstream).level(), spdlog::level::debug);
  EXPECT_EQ(logging::logger(logging::Component::Config).level(), spdlog::level::info);

  // curl -d sends a form body; its parameters count like the query's.
  CurlResult all = curl({"-d", "level=trace", url("/logging")});
  ASSERT_EQ(all.responses.size(), 1u) << all.output;
  EXPECT_EQ(all.responses[0].status, 200);
  EXPECT_EQ(logging::logger(logging::Component::Config).level(), spdlog::level::trace);
  EXPECT_EQ(logging::logger(logging::Component::Kv).level(), spdlog::level::trace);

  CurlResult list = curl({url("/logging")});
  ASSERT_EQ(list.responses.size(), 1u);
  EXPECT_EQ(list.responses[0].status, 200);
  EXPECT_TRUE(contains(list.responses[0].body, "  admin: trace\n"));

  CurlResult bad = curl({"-X", "POST", url("/logging?nosuch=debug")});
  ASSERT_EQ(bad.responses.size(), 1u);
  EXPECT_EQ(bad.responses[0].status, 400);
}

TEST_F(AdminServerCurlTest, MemoryReportsEnvoysFieldsAndResidentSize) {
  CurlResult result = curl({url("/memory")});
  ASSERT_EQ(result.responses.size(), 1u) << result.output;
  const std::string& body = result.responses[0].body;
  for (const char* field : {"\"allocated\": \"", "\"heap_size\": \"", "\"pageheap_free\": \"",
                            "\"total_physical_bytes\": \"", "\"resident_bytes\": \""}) {
    EXPECT_TRUE(contains(body, field)) << field << " in " << body;
  }
  EXPECT_FALSE(contains(body, "\"resident_bytes\": \"0\""));
}

TEST_F(AdminServerCurlTest, ServerInfoAndReadyFollowTheServerState) {
  state_ = ServerState::Initializing;
  CurlResult not_ready = curl({url("/ready")});
  ASSERT_EQ(not_ready.responses.size(), 1u);
  EXPECT_EQ(not_ready.responses[0].status, 503);
  EXPECT_EQ(not_ready.responses[0].body, "INITIALIZING\n");
  state_ = ServerState::Live;
  CurlResult ready = curl({url("/ready")});
  ASSERT_EQ(ready.responses.size(), 1u);
  EXPECT_EQ(ready.responses[0].status, 200);
  EXPECT_EQ(ready.responses[0].body, "LIVE\n");
  CurlResult info = curl({url("/server_info")});
  ASSERT_EQ(info.responses.size(), 1u);
  EXPECT_TRUE(contains(info.responses[0].body, "\"version\": \"remora/test\""));
  EXPECT_TRUE(contains(info.responses[0].body, "\"concurrency\": \"1\""));
}

TEST_F(AdminServerCurlTest, UnknownPathsGet404WithTheListOfEndpoints) {
  CurlResult result = curl({url("/no/such/thing")});
  ASSERT_EQ(result.responses.size(), 1u);
  EXPECT_EQ(result.responses[0].status, 404);
  EXPECT_TRUE(contains(result.responses[0].body, "admin commands are:"));
  EXPECT_TRUE(contains(result.responses[0].body, "  /stats/prometheus: "));
  CurlResult help = curl({url("/help")});
  ASSERT_EQ(help.responses.size(), 1u);
  EXPECT_EQ(help.responses[0].status, 200);
  EXPECT_TRUE(contains(help.responses[0].body, "  /memory: "));
  EXPECT_EQ(counter("http.admin.downstream_rq_4xx"), 1u);
  EXPECT_EQ(counter("http.admin.downstream_rq_2xx"), 1u);
}

TEST_F(AdminServerCurlTest, StateChangingEndpointsAnswerOnlyPost) {
  int calls = 0;
  ASSERT_TRUE(server_->addHandler(
      "/healthcheck/fail", "fail health checks",
      [&](const AdminRequest&) {
        ++calls;
        return AdminResponse{.body = "OK\n"};
      },
      true));
  CurlResult get = curl({url("/healthcheck/fail")});
  ASSERT_EQ(get.responses.size(), 1u);
  EXPECT_EQ(get.responses[0].status, 405);
  EXPECT_TRUE(contains(get.responses[0].head, "allow: post"));
  EXPECT_EQ(calls, 0);
  CurlResult post = curl({"-X", "POST", url("/healthcheck/fail")});
  ASSERT_EQ(post.responses.size(), 1u);
  EXPECT_EQ(post.responses[0].status, 200);
  EXPECT_EQ(post.responses[0].body, "OK\n");
  EXPECT_EQ(calls, 1);
  CurlResult help = curl({url("/help")});
  EXPECT_TRUE(contains(help.output, "/healthcheck/fail (POST): fail health checks"));
}

TEST_F(AdminServerCurlTest, KeepAliveServesTwoRequestsOnOneConnection) {
  CurlResult result = curl({url("/ready"), url("/stats?filter=cluster.web.upstream_cx_total")});
  ASSERT_EQ(result.responses.size(), 2u) << result.output;
  EXPECT_EQ(result.responses[0].body, "LIVE\n");
  EXPECT_EQ(result.responses[1].body, "cluster.web.upstream_cx_total: 7\n");
  EXPECT_EQ(counter("http.admin.downstream_cx_total"), 1u);
  EXPECT_EQ(counter("http.admin.downstream_rq_total"), 2u);
  ASSERT_TRUE(
      remora::testing::runUntil(*dispatcher_, [&] { return server_->connectionCount() == 0; }));
  EXPECT_EQ(store_.gauge("http.admin.downstream_cx_active").value(), 0);
}

TEST_F(AdminServerCurlTest, ExpectContinueUploadsAreAnswered) {
  std::string body = "level=info&" + std::string(4000, 'x') + "=info";
  CurlResult result = curl({"-H", "Expect: 100-continue", "--data-binary", body, "-H",
                            "Content-Type: application/x-www-form-urlencoded", url("/logging")});
  EXPECT_TRUE(contains(result.output, "HTTP/1.1 100 Continue"));
  ASSERT_EQ(result.responses.size(), 1u) << result.output;
  // The made-up logger name makes it a 400, which proves the body was read.
  EXPECT_EQ(result.responses[0].status, 400);
  EXPECT_TRUE(contains(result.responses[0].body, "unknown logger name 'xxxx"));
}

TEST_F(AdminServerCurlTest, ReadinessPortAnswersOnlyHealthzReady) {
  auto readiness =
      createReadinessServer(*dispatcher_, store_, info_, *network::Address::fromIp("127.0.0.1", 0));
  ASSERT_TRUE(readiness.ok()) << readiness.error().message;
  std::string base = "http://" + (*readiness)->address().toString();
  state_ = ServerState::Draining;
  CurlResult draining = curl({base + "/healthz/ready"});
  ASSERT_EQ(draining.responses.size(), 1u) << draining.output;
  EXPECT_EQ(draining.responses[0].status, 503);
  state_ = ServerState::Live;
  CurlResult live = curl({base + "/healthz/ready"});
  ASSERT_EQ(live.responses.size(), 1u);
  EXPECT_EQ(live.responses[0].status, 200);
  CurlResult stats = curl({base + "/stats"});
  ASSERT_EQ(stats.responses.size(), 1u);
  EXPECT_EQ(stats.responses[0].status, 404);
  EXPECT_EQ(counter("http.agent.downstream_rq_total"), 3u);
}

TEST_F(AdminServerCurlTest, PrometheusPortAnswersOnlyStatsPrometheus) {
  auto prometheus =
      createPrometheusServer(*dispatcher_, store_, *network::Address::fromIp("127.0.0.1", 0));
  ASSERT_TRUE(prometheus.ok()) << prometheus.error().message;
  std::string base = "http://" + (*prometheus)->address().toString();
  CurlResult metrics = curl({base + "/stats/prometheus"});
  ASSERT_EQ(metrics.responses.size(), 1u) << metrics.output;
  EXPECT_EQ(metrics.responses[0].status, 200);
  EXPECT_TRUE(contains(metrics.responses[0].body, "envoy_cluster_web_upstream_cx_total 7"));
  CurlResult help = curl({base + "/help"});
  ASSERT_EQ(help.responses.size(), 1u);
  EXPECT_EQ(help.responses[0].status, 404);
  CurlResult ready = curl({base + "/ready"});
  ASSERT_EQ(ready.responses.size(), 1u);
  EXPECT_EQ(ready.responses[0].status, 404);
}

}  // namespace
}  // namespace remora::admin::test
