#include <gtest/gtest.h>

#include "kv/tools/bench_options.h"
#include "kv/tools/cli_args.h"
#include "kv/tools/latency_histogram.h"

namespace remora::kv::tools {
namespace {

TEST(CliArgsTest, ParsesAPutWithInferredTypes) {
  const char* argv[] = {"remora-kv", "put", "-h", "10.0.0.1", "-s", "demo", "-k", "k1",
                        "i=42", "d=1.5", "s=hello", "q='7'"};
  auto a = parseCliArgs(12, argv);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->host, "10.0.0.1:3000");
  EXPECT_EQ(a->bins.size(), 4u);
  EXPECT_TRUE(inferValue("42").isInt());
  EXPECT_TRUE(inferValue("1.5").isDouble());
  EXPECT_TRUE(inferValue("hello").isString());
  EXPECT_EQ(inferValue("'7'").asString(), "7");
  EXPECT_TRUE(inferValue("1.2.3").isString());
  EXPECT_EQ(hexBytes("0xcafe")->asBytes(), "\xca\xfe");
  EXPECT_FALSE(hexBytes("abc").ok());
}

TEST(CliArgsTest, RejectsMissingKeyOrBadBins) {
  const char* no_key[] = {"remora-kv", "get"};
  EXPECT_FALSE(parseCliArgs(2, no_key).ok());
  const char* bad_bin[] = {"remora-kv", "put", "-k", "k", "novalue"};
  EXPECT_FALSE(parseCliArgs(5, bad_bin).ok());
  const char* unknown[] = {"remora-kv", "frobnicate"};
  EXPECT_FALSE(parseCliArgs(2, unknown).ok());
}

TEST(BenchOptionsTest, ParsesAsbenchStyleOptions) {
  const char* argv[] = {"b", "-w", "RU,80", "-z", "32", "-k", "1000000", "-o", "1024", "-g",
                        "5000", "-d", "30"};
  auto o = parseBenchOptions(13, argv);
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->read_pct, 80u);
  EXPECT_EQ(o->threads, 32u);
  EXPECT_EQ(o->keys, 1000000u);
  EXPECT_EQ(o->target_tps, 5000u);
  EXPECT_FALSE(o->replace);  // the client's default: UPDATE
  const char* bad[] = {"b", "-w", "RU,101"};
  EXPECT_FALSE(parseBenchOptions(3, bad).ok());
}

TEST(BenchOptionsTest, WritePolicyChoosesUpdateOrReplace) {
  const char* replace[] = {"b", "--write-policy", "replace"};
  auto o = parseBenchOptions(3, replace);
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_TRUE(o->replace);
  const char* update[] = {"b", "--write-policy", "update"};
  o = parseBenchOptions(3, update);
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_FALSE(o->replace);
  const char* bad[] = {"b", "--write-policy", "merge"};
  EXPECT_FALSE(parseBenchOptions(3, bad).ok());
}

TEST(LatencyHistogramTest, QuantilesAreWithinTheBucketError) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 10000; ++v) h.record(v);
  EXPECT_EQ(h.count(), 10000u);
  const uint64_t p50 = h.quantile(0.5), p99 = h.quantile(0.99);
  EXPECT_NEAR(static_cast<double>(p50), 5000.0, 5000.0 * 0.02);
  EXPECT_NEAR(static_cast<double>(p99), 9900.0, 9900.0 * 0.02);
  EXPECT_EQ(h.max(), 10000u);
  for (uint64_t v : {0ull, 63ull, 64ull, 1000ull, 123456789ull}) {
    EXPECT_GE(LatencyHistogram::upperBound(LatencyHistogram::bucketOf(v)), v);
  }
}

}  // namespace
}  // namespace remora::kv::tools
