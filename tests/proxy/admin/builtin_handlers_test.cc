// The generic endpoints, called through a router without sockets; the
// integration test drives the same handlers with curl.
#include "proxy/admin/builtin_handlers.h"

#include <gtest/gtest.h>

#include "common/logging/logger.h"
#include "proxy/admin/admin_router.h"
#include "proxy/admin/memory_handler.h"

namespace remora::admin {
namespace {

class BuiltinHandlersTest : public ::testing::Test {
 protected:
  BuiltinHandlersTest() : store_(1) {
    store_.counter("cluster.web.upstream_cx_total").inc(7);
    store_.counter("cluster.web.upstream_rq_retry");
    store_.gauge("cluster.web.upstream_cx_active").set(2);
    store_.counter("listener.127.0.0.1_15001.downstream_cx_total").inc(3);
    store_.histogram("cluster.web.upstream_cx_connect_ms").record(5);
    info_.version = "remora/test";
    info_.command_line_options = {{"concurrency", "2"}, {"config_path", "/etc/r.yaml"}};
    info_.state = [this] { return state_; };
    EXPECT_TRUE(addBuiltinHandlers(router_, store_, info_));
  }
  void TearDown() override { logging::setLevel(spdlog::level::info); }

  AdminResponse get(std::string path, std::map<std::string, std::string> query = {},
                    std::string method = "GET") {
    AdminRequest request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.query = std::move(query);
    return router_.route(request);
  }

  stats::Store store_;
  ServerInfo info_;
  ServerState state_ = ServerState::Initializing;
  AdminRouter router_;
};

TEST_F(BuiltinHandlersTest, StatsListsEveryStatAndFiltersBySubstring) {
  AdminResponse all = get("/stats");
  EXPECT_EQ(all.status, 200);
  EXPECT_NE(all.body.find("cluster.web.upstream_cx_total: 7\n"), std::string::npos);
  EXPECT_NE(all.body.find("cluster.web.upstream_cx_active: 2\n"), std::string::npos);
  EXPECT_NE(all.body.find("listener.127.0.0.1_15001.downstream_cx_total: 3\n"), std::string::npos);
  AdminResponse filtered = get("/stats", {{"filter", "listener."}});
  EXPECT_EQ(filtered.body, "listener.127.0.0.1_15001.downstream_cx_total: 3\n");
}

TEST_F(BuiltinHandlersTest, StatsUsedOnlyDropsStatsThatNeverMoved) {
  AdminResponse used = get("/stats", {{"usedonly", ""}});
  EXPECT_EQ(used.body.find("upstream_rq_retry"), std::string::npos);
  EXPECT_NE(used.body.find("cluster.web.upstream_cx_total: 7"), std::string::npos);
  EXPECT_NE(used.body.find("upstream_cx_connect_ms: P50("), std::string::npos);
}

TEST_F(BuiltinHandlersTest, StatsAsJson) {
  AdminResponse json = get("/stats", {{"format", "json"}, {"filter", "cluster.web"}});
  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_NE(json.body.find("{\"name\": \"cluster.web.upstream_cx_total\", \"value\": 7}"),
            std::string::npos);
  EXPECT_NE(json.body.find("\"supported_quantiles\": [50, 90, 99, 99.9, 100]"), std::string::npos);
  EXPECT_NE(json.body.find("{\"name\": \"cluster.web.upstream_cx_connect_ms\", \"values\": ["),
            std::string::npos);
  EXPECT_EQ(json.body.find("listener."), std::string::npos);
  EXPECT_EQ(get("/stats", {{"format", "xml"}}).status, 400);
}

TEST_F(BuiltinHandlersTest, PrometheusUsesEnvoyPrefixAndTypes) {
  AdminResponse prom = get("/stats/prometheus");
  EXPECT_EQ(prom.status, 200);
  EXPECT_NE(prom.content_type.find("version=0.0.4"), std::string::npos);
  EXPECT_NE(prom.body.find("# TYPE envoy_cluster_web_upstream_cx_total counter\n"
                           "envoy_cluster_web_upstream_cx_total 7\n"),
            std::string::npos);
  EXPECT_NE(prom.body.find("envoy_cluster_web_upstream_cx_connect_ms_count 1"), std::string::npos);
}

TEST_F(BuiltinHandlersTest, LoggingListsAndChangesLevels) {
  AdminResponse list = get("/logging");
  EXPECT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("active loggers:\n"), std::string::npos);
  EXPECT_NE(list.body.find("  upstream: info\n"), std::string::npos);

  AdminResponse one = get("/logging", {{"upstream", "trace"}}, "POST");
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(logging::logger(logging::Component::Upstream).level(), spdlog::level::trace);
  EXPECT_EQ(logging::logger(logging::Component::Admin).level(), spdlog::level::info);
  EXPECT_NE(one.body.find("  upstream: trace\n"), std::string::npos);

  EXPECT_EQ(get("/logging", {{"level", "warning"}}, "POST").status, 200);
  for (int i = 0; i < static_cast<int>(logging::Component::Count); ++i) {
    EXPECT_EQ(logging::logger(static_cast<logging::Component>(i)).level(), spdlog::level::warn);
  }
}

TEST_F(BuiltinHandlersTest, LoggingRejectsUnknownNamesWithoutChangingAnything) {
  AdminResponse bad = get("/logging", {{"admin", "debug"}, {"nosuch", "info"}}, "POST");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("unknown logger name 'nosuch'"), std::string::npos);
  EXPECT_EQ(logging::logger(logging::Component::Admin).level(), spdlog::level::info);
  EXPECT_EQ(get("/logging", {{"level", "loud"}}, "POST").status, 400);
}

TEST_F(BuiltinHandlersTest, LoggingChangesNeedPost) {
  AdminResponse response = get("/logging", {{"level", "debug"}}, "GET");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(logging::logger(logging::Component::Main).level(), spdlog::level::info);
}

TEST_F(BuiltinHandlersTest, ReadyFollowsTheStateCallback) {
  AdminResponse not_ready = get("/ready");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_EQ(not_ready.body, "INITIALIZING\n");
  state_ = ServerState::Live;
  AdminResponse ready = get("/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "LIVE\n");
  state_ = ServerState::Draining;
  EXPECT_EQ(get("/ready").status, 503);
}

TEST_F(BuiltinHandlersTest, ServerInfoShowsVersionStateUptimeAndOptions) {
  state_ = ServerState::Live;
  AdminResponse response = get("/server_info");
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_NE(response.body.find("\"version\": \"remora/test\""), std::string::npos);
  EXPECT_NE(response.body.find("\"state\": \"LIVE\""), std::string::npos);
  EXPECT_NE(response.body.find("\"uptime_current_epoch\": \"0s\""), std::string::npos);
  EXPECT_NE(response.body.find("\"concurrency\": \"2\""), std::string::npos);
  EXPECT_NE(response.body.find("\"config_path\": \"/etc/r.yaml\""), std::string::npos);
}

TEST_F(BuiltinHandlersTest, MemoryReportsResidentSizeAndMallocFigures) {
  auto usage = readMemoryUsage();
  ASSERT_TRUE(usage.ok()) << usage.error().message;
  EXPECT_GT(usage->resident_bytes, 0u);
  EXPECT_GE(usage->virtual_bytes, usage->resident_bytes);
  AdminResponse response = get("/memory");
  EXPECT_EQ(response.status, 200);
  for (const char* field :
       {"\"allocated\": \"", "\"heap_size\": \"", "\"total_physical_bytes\": \"",
        "\"resident_bytes\": \"", "\"mallinfo2\": {"}) {
    EXPECT_NE(response.body.find(field), std::string::npos) << field;
  }
}

TEST(BuiltinPortsTest, ReadinessAndPrometheusSetsHoldOnlyTheirEndpoint) {
  stats::Store store(1);
  ServerInfo info;
  AdminRouter readiness(false);
  ASSERT_TRUE(addReadinessHandlers(readiness, info));
  AdminRequest request;
  request.method = "GET";
  request.path = "/healthz/ready";
  EXPECT_EQ(readiness.route(request).status, 200);
  request.path = "/stats";
  EXPECT_EQ(readiness.route(request).status, 404);
  AdminRouter prometheus(false);
  ASSERT_TRUE(addPrometheusHandlers(prometheus, store));
  request.path = "/stats/prometheus";
  EXPECT_EQ(prometheus.route(request).status, 200);
  request.path = "/ready";
  EXPECT_EQ(prometheus.route(request).status, 404);
}

}  // namespace
}  // namespace remora::admin
