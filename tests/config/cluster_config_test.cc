#include "config/cluster_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace remora::config {
namespace {

std::filesystem::path corpusDir() {
  // Next to this file (CMake compiles it by absolute path); REMORA_SOURCE_DIR
  // as a fallback for builds that relocate sources.
  auto beside = std::filesystem::path(__FILE__).parent_path() / "testdata/clusters";
  if (std::filesystem::exists(beside)) return beside;
  const char* root = std::getenv("REMORA_SOURCE_DIR");
  return std::filesystem::path(root != nullptr ? root : ".") / "tests/config/testdata/clusters";
}

std::optional<ClusterConfig> parseText(const std::string& text, ErrorList& errors) {
  auto doc = loadYamlString(text, errors);
  if (!doc) return std::nullopt;
  return parseCluster(YamlNode(doc->raw(), "static_resources.clusters[0]"), errors);
}

std::optional<ClusterConfig> parseFile(const std::filesystem::path& path, ErrorList& errors) {
  auto doc = loadYamlFile(path.string(), errors);
  if (!doc) return std::nullopt;
  return parseCluster(YamlNode(doc->raw(), "clusters[0]"), errors);
}

TEST(ClusterConfigTest, EveryValidCorpusFileParsesWithoutErrors) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpusDir() / "valid")) {
    ErrorList errors;
    auto cluster = parseFile(entry.path(), errors);
    EXPECT_TRUE(cluster.has_value()) << entry.path() << ":\n" << errors.toString();
    ++files;
  }
  EXPECT_GE(files, 6);
}

TEST(ClusterConfigTest, EveryInvalidCorpusFileFailsWithItsExpectedMessageAndPosition) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpusDir() / "invalid")) {
    std::ifstream in(entry.path());
    std::string first_line;
    std::getline(in, first_line);
    const std::string kPrefix = "# expect: ";
    ASSERT_EQ(first_line.rfind(kPrefix, 0), 0u) << entry.path() << " lacks an '# expect:' line";
    std::string expected = first_line.substr(kPrefix.size());
    ErrorList errors;
    auto cluster = parseFile(entry.path(), errors);
    EXPECT_FALSE(cluster.has_value()) << entry.path();
    bool found = false;
    for (const auto& error : errors.errors()) {
      if (error.toString().find(expected) == std::string::npos) continue;
      found = true;
      EXPECT_GT(error.line, 0) << entry.path() << ": " << error.toString();
    }
    EXPECT_TRUE(found) << entry.path() << ": expected '" << expected << "' in:\n"
                       << errors.toString();
    ++files;
  }
  EXPECT_GE(files, 20);
}

TEST(ClusterConfigTest, DefaultsAreEnvoys) {
  ErrorList errors;
  auto c = parseText("name: web\n", errors);
  ASSERT_TRUE(c) << errors.toString();
  EXPECT_EQ(c->type, DiscoveryType::Static);
  EXPECT_EQ(c->lb_policy, LbPolicy::RoundRobin);
  EXPECT_EQ(c->connect_timeout, std::chrono::seconds(5));
  EXPECT_EQ(c->dns_refresh_rate, std::chrono::seconds(5));
  EXPECT_EQ(c->cleanup_interval, std::chrono::seconds(5));
  EXPECT_EQ(c->circuit_breakers.max_connections, 1024u);
  EXPECT_EQ(c->circuit_breakers.max_pending_requests, 1024u);
  EXPECT_EQ(c->circuit_breakers.max_retries, 3u);
  EXPECT_FALSE(c->outlier_detection.has_value());
  EXPECT_EQ(c->maglev.table_size, 65537u);
  EXPECT_EQ(c->ring_hash.minimum_ring_size, 1024u);
  EXPECT_EQ(c->least_request.choice_count, 2u);
  EXPECT_EQ(c->line, 1);
}

TEST(ClusterConfigTest, FullClusterKeepsEveryValue) {
  ErrorList errors;
  auto c = parseFile(corpusDir() / "valid/static_full.yaml", errors);
  ASSERT_TRUE(c) << errors.toString();
  EXPECT_EQ(c->connect_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(c->lb_policy, LbPolicy::LeastRequest);
  EXPECT_EQ(c->least_request.choice_count, 3u);
  EXPECT_EQ(c->per_connection_buffer_limit_bytes, 32768u);
  ASSERT_EQ(c->endpoints.size(), 2u);
  EXPECT_EQ(c->endpoints[0].address, "10.0.0.1");
  EXPECT_EQ(c->endpoints[0].port, 8080);
  EXPECT_EQ(c->endpoints[0].load_balancing_weight, 3u);
  EXPECT_EQ(c->endpoints[1].address, "::1");
  EXPECT_EQ(c->endpoints[1].load_balancing_weight, 1u);
  EXPECT_EQ(c->circuit_breakers.max_connections, 100u);
  EXPECT_EQ(c->circuit_breakers.max_pending_requests, 10u);
  EXPECT_EQ(c->circuit_breakers.max_requests, 1000u);
  EXPECT_EQ(c->circuit_breakers.max_retries, 5u);
  ASSERT_TRUE(c->outlier_detection);
  EXPECT_EQ(c->outlier_detection->consecutive_local_origin_failure, 2u);
  EXPECT_EQ(c->outlier_detection->interval, std::chrono::seconds(1));
  EXPECT_EQ(c->outlier_detection->base_ejection_time, std::chrono::seconds(10));
  EXPECT_EQ(c->outlier_detection->max_ejection_percent, 50u);
  EXPECT_EQ(c->outlier_detection->max_ejection_time, std::chrono::seconds(300));
  ASSERT_EQ(c->health_checks.size(), 1u);
  const auto& hc = c->health_checks[0];
  EXPECT_EQ(hc.timeout, std::chrono::seconds(1));
  EXPECT_EQ(hc.interval, std::chrono::seconds(2));
  EXPECT_EQ(hc.initial_jitter, std::chrono::milliseconds(100));
  EXPECT_EQ(hc.unhealthy_threshold, 2u);
  EXPECT_EQ(hc.healthy_threshold, 3u);
  EXPECT_EQ(hc.tcp.send_hex, "50494e47");
  ASSERT_EQ(hc.tcp.receive_hex.size(), 1u);
  EXPECT_EQ(hc.tcp.receive_hex[0], "504f4e47");
  ASSERT_TRUE(c->transport_socket);
  EXPECT_EQ(c->transport_socket->path(), "clusters[0].transport_socket");
  EXPECT_EQ(c->transport_socket->raw()["name"].Scalar(), "envoy.transport_sockets.tls");
}

TEST(ClusterConfigTest, StrictDnsCollectsResolversFromBothFields) {
  ErrorList errors;
  auto c = parseFile(corpusDir() / "valid/strict_dns.yaml", errors);
  ASSERT_TRUE(c) << errors.toString();
  EXPECT_EQ(c->type, DiscoveryType::StrictDns);
  EXPECT_EQ(c->dns_lookup_family, DnsLookupFamily::V4Only);
  EXPECT_EQ(c->dns_refresh_rate, std::chrono::seconds(30));
  EXPECT_EQ(c->dns_resolvers, (std::vector<std::string>{"127.0.0.1:5353", "[::1]:53"}));
  ASSERT_EQ(c->endpoints.size(), 1u);
  EXPECT_EQ(c->endpoints[0].address, "backend.svc.cluster.local");
}

TEST(ClusterConfigTest, Consecutive5xxCountsConnectFailuresUnlessSplit) {
  ErrorList errors;
  auto c = parseFile(corpusDir() / "valid/maglev.yaml", errors);
  ASSERT_TRUE(c) << errors.toString();
  EXPECT_EQ(c->outlier_detection->consecutive_local_origin_failure, 3u);
  EXPECT_EQ(c->maglev.table_size, 251u);
}

TEST(ClusterConfigTest, ReportsEveryErrorAtOnceWithPaths) {
  ErrorList errors;
  auto c = parseText(
      "name: a\n"
      "type: EDS\n"
      "connect_timeout: soon\n"
      "bogus: 1\n",
      errors);
  EXPECT_FALSE(c);
  std::string text = errors.toString();
  EXPECT_NE(text.find("static_resources.clusters[0].type: unsupported value 'EDS'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("static_resources.clusters[0].connect_timeout: expected a duration"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("static_resources.clusters[0].bogus: unknown or unsupported field (line 4, col 1)"),
      std::string::npos)
      << text;
}

}  // namespace
}  // namespace remora::config
