#include "kv/config/kvd_config_loader.h"

#include <gtest/gtest.h>

namespace remora::kv::config {
namespace {

TEST(KvdConfigLoaderTest, DefaultIsOneMemoryNamespaceOnPort3000) {
  KvdConfig c = defaultKvdConfig();
  EXPECT_EQ(c.service.port, 3000);
  EXPECT_EQ(c.fabric.port, 3001);
  EXPECT_EQ(c.heartbeat.port, 3002);
  ASSERT_EQ(c.namespaces.size(), 1u);
  EXPECT_EQ(c.namespaces[0].name, "test");
  EXPECT_EQ(c.namespaces[0].storage.kind, storage::EngineKind::kMemory);
  applyPortOverride(c, 4000);
  EXPECT_EQ(c.heartbeat.port, 4002);
}

TEST(KvdConfigLoaderTest, ReadsAerospikeVocabulary) {
  auto c = loadKvdConfigString(R"(
service:
  address: 127.0.0.1
  port: 3100
  service-threads: 4
  max-message-size: 4M
fabric: { port: 3101 }
heartbeat: { port: 3102 }
cluster-name: mesh
namespaces:
  - name: cache
    replication-factor: 1
    default-ttl: 30d
    nsup-period: 60
    storage-engine: memory
  - name: disk
    storage-engine:
      type: device
      devices:
        - path: /tmp/disk.dat
          filesize: 64M
      write-block-size: 128K
      defrag-lwm-pct: 40
      flush-max-ms: 500
      commit-to-device: true
)");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->service.port, 3100);
  EXPECT_EQ(c->service_threads, 4u);
  EXPECT_EQ(c->max_message_size, 4u << 20);
  EXPECT_EQ(c->cluster_name, "mesh");
  ASSERT_EQ(c->namespaces.size(), 2u);
  EXPECT_EQ(c->namespaces[0].default_ttl_s, 30u * 86400);
  EXPECT_EQ(c->namespaces[0].nsup_period_s, 60u);
  const auto& d = c->namespaces[1].storage;
  EXPECT_EQ(d.kind, storage::EngineKind::kDevice);
  EXPECT_EQ(d.namespace_name, "disk");
  ASSERT_EQ(d.devices.size(), 1u);
  EXPECT_EQ(d.devices[0].filesize, 64u << 20);
  EXPECT_EQ(d.write_block_size, 128u << 10);
  EXPECT_EQ(d.defrag_lwm_pct, 40u);
  EXPECT_TRUE(d.commit_to_device);
}

TEST(KvdConfigLoaderTest, ErrorsNameFieldLineAndColumnAllAtOnce) {
  auto c = loadKvdConfigString(R"(service:
  port: 70000
namespaces:
  - name: test
    storage-engine:
      type: device
      write-block-size: 3000
    colour: blue
)");
  ASSERT_FALSE(c.ok());
  const std::string& m = c.error().message;
  EXPECT_NE(m.find("service.port"), std::string::npos) << m;
  EXPECT_NE(m.find("line 2"), std::string::npos) << m;
  EXPECT_NE(m.find("write-block-size"), std::string::npos) << m;
  EXPECT_NE(m.find("devices"), std::string::npos) << m;
  EXPECT_NE(m.find("colour"), std::string::npos) << m;
}

TEST(KvdConfigLoaderTest, RejectsDuplicateNamespacesAndMissingList) {
  EXPECT_FALSE(loadKvdConfigString("namespaces:\n  - name: a\n  - name: a\n").ok());
  EXPECT_FALSE(loadKvdConfigString("cluster-name: x\n").ok());
  EXPECT_FALSE(loadKvdConfigString("namespaces: [").ok());
}

TEST(KvdConfigLoaderTest, AStaticClusterWithoutRangesSplitsEvenlyInListOrder) {
  auto c = loadKvdConfigString(R"(
service: { node-id: b2 }
namespaces: [{ name: test }]
static-cluster:
  nodes:
    - { node-id: A1, address: "10.0.0.1:3000" }
    - { node-id: B2, address: "10.0.0.2:3000" }
    - { node-id: C3, address: "[::1]:3100" }
)");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->static_cluster.has_value());
  const auto& sc = *c->static_cluster;
  EXPECT_EQ(sc.self, 1u);
  EXPECT_EQ(sc.nodes[2].host, "::1");
  EXPECT_EQ(sc.nodes[2].port, 3100);
  EXPECT_EQ(sc.owner[0], 0);
  EXPECT_EQ(sc.owner[1364], 0);
  EXPECT_EQ(sc.owner[1365], 1);
  EXPECT_EQ(sc.owner[4095], 2);
}

TEST(KvdConfigLoaderTest, AStaticClusterTakesExplicitRangesAndRefusesGapsAndOverlaps) {
  auto ok = loadKvdConfigString(R"(
service: { node-id: A1 }
namespaces: [{ name: test }]
static-cluster:
  nodes:
    - { node-id: A1, address: "127.0.0.1:3000", partitions: "0-99,200-4095" }
    - { node-id: B2, address: "127.0.0.1:3100", partitions: "100-199" }
)");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->static_cluster->owner[150], 1);
  EXPECT_EQ(ok->static_cluster->owner[250], 0);

  auto overlap = loadKvdConfigString(R"(
service: { node-id: A1 }
namespaces: [{ name: test }]
static-cluster:
  nodes:
    - { node-id: A1, address: "127.0.0.1:3000", partitions: "0-2048" }
    - { node-id: B2, address: "127.0.0.1:3100", partitions: "2048-4095" }
)");
  ASSERT_FALSE(overlap.ok());
  EXPECT_NE(overlap.error().message.find("partition 2048 is given to two nodes"),
            std::string::npos);

  auto bad = loadKvdConfigString(R"(
service: { node-id: FF }
namespaces: [{ name: test }]
static-cluster:
  nodes:
    - { node-id: A1, address: "127.0.0.1", partitions: "0-5000" }
    - { node-id: A1, address: "127.0.0.1:3100", partitions: "0-4095" }
)");
  ASSERT_FALSE(bad.ok());
  const std::string& m = bad.error().message;
  EXPECT_NE(m.find("static-cluster.nodes[0].address"), std::string::npos) << m;
  EXPECT_NE(m.find("static-cluster.nodes[0].partitions"), std::string::npos) << m;
  EXPECT_NE(m.find("duplicate node-id A1"), std::string::npos) << m;
}

TEST(KvdConfigLoaderTest, AStaticClusterMustListThisNode) {
  auto c = loadKvdConfigString(R"(
namespaces: [{ name: test }]
static-cluster:
  nodes:
    - { node-id: A1, address: "127.0.0.1:3000" }
)");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("service.node-id must be set"), std::string::npos);
}

TEST(KvdConfigLoaderTest, ShippedExamplesAreValid) {
  const char* src = std::getenv("REMORA_SOURCE_DIR");
  ASSERT_NE(src, nullptr);
  for (const char* name : {"memory.yaml", "device.yaml", "cluster-a.yaml", "cluster-b.yaml"}) {
    auto c = loadKvdConfigFile(std::string(src) + "/kv/node/examples/" + name);
    EXPECT_TRUE(c.ok()) << name << ": " << (c.ok() ? "" : c.error().message);
  }
}

}  // namespace
}  // namespace remora::kv::config
