#include "common/stats/stats.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/stats/store.h"

namespace remora::stats {
namespace {

TEST(StatsTest, CountersMergeTheSlotsOfEveryThreadShard) {
  Store store(3);
  Counter& c = store.counter("listener.x.downstream_cx_total");
  std::thread a([&] {
    setThreadShard(1);
    for (int i = 0; i < 1000; ++i) c.inc();
  });
  std::thread b([&] {
    setThreadShard(2);
    for (int i = 0; i < 500; ++i) c.inc(2);
  });
  a.join();
  b.join();
  c.inc();
  EXPECT_EQ(c.value(), 2001u);
  EXPECT_EQ(&store.counter("listener.x.downstream_cx_total"), &c);
}

TEST(StatsTest, GaugeIncOnOneThreadDecOnAnotherSumsToZero) {
  Store store(2);
  Gauge& g = store.gauge("cluster.a.upstream_cx_active");
  std::thread t([&] {
    setThreadShard(1);
    g.inc(5);
  });
  t.join();
  g.dec(3);
  EXPECT_EQ(g.value(), 2);
  g.set(42);
  EXPECT_EQ(g.value(), 42);
}

TEST(StatsTest, HistogramQuantilesAreWithinBucketError) {
  Histogram h("h", 1);
  for (uint64_t v = 1; v <= 10000; ++v) h.record(v);
  auto s = h.summarize();
  EXPECT_EQ(s.count, 10000u);
  EXPECT_EQ(s.max, 10000u);
  double p50 = static_cast<double>(s.quantile(0.5));
  double p99 = static_cast<double>(s.quantile(0.99));
  EXPECT_NEAR(p50, 5000, 5000 * 0.13);
  EXPECT_NEAR(p99, 9900, 9900 * 0.13);
}

TEST(StatsTest, BucketBoundsAreMonotonicAndContainTheirValues) {
  for (uint64_t v : {0ull, 1ull, 7ull, 8ull, 9ull, 100ull, 123456ull, 1ull << 40}) {
    int b = Histogram::bucketFor(v);
    EXPECT_GE(Histogram::bucketUpperBound(b), v);
    if (b > 0) {
      EXPECT_LT(Histogram::bucketUpperBound(b - 1), v);
    }
  }
}

TEST(StatsTest, RendersTextAndPrometheusWithEnvoyNames) {
  Store store(1);
  store.counter("cluster.web.upstream_rq_200").inc(3);
  store.gauge("server.live").set(1);
  std::string text = renderText(store);
  EXPECT_NE(text.find("cluster.web.upstream_rq_200: 3\n"), std::string::npos);
  EXPECT_EQ(renderText(store, "server").find("cluster"), std::string::npos);
  std::string prom = renderPrometheus(store);
  EXPECT_NE(prom.find("# TYPE envoy_cluster_web_upstream_rq_200 counter\nenvoy_cluster_web_upstream_rq_200 3"),
            std::string::npos);
}

}  // namespace
}  // namespace remora::stats
