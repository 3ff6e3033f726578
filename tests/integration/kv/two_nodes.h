#pragma once

// Two in-process remora-kvd nodes (memory engines) on loopback with a static
// partition split, for the proxy integration tests.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "kv/config/kvd_config_loader.h"
#include "kv/node/node.h"
#include "kv/storage/engine_factory.h"
#include "tests/kv/node/node_test_util.h"

namespace remora::kv::twonode {

using node::testing::keyed;
using protocol::OpType;
using protocol::ParticleType;

// A running node: `ranges_a`/`ranges_b` are this node's view of the split.
class RunningNode {
 public:
  RunningNode(const std::string& self, const std::string& ranges_a, uint16_t port_a,
              const std::string& ranges_b, uint16_t port_b) {
    const std::string yaml = "service: {address: 127.0.0.1, node-id: " + self +
                             ", service-threads: 2}\n"
                             "namespaces:\n  - name: test\n    replication-factor: 1\n"
                             "static-cluster:\n  nodes:\n"
                             "    - {node-id: A1, address: \"127.0.0.1:" +
                             std::to_string(port_a) + "\", partitions: \"" + ranges_a +
                             "\"}\n"
                             "    - {node-id: B2, address: \"127.0.0.1:" +
                             std::to_string(port_b) + "\", partitions: \"" + ranges_b + "\"}\n";
    auto cfg = config::loadKvdConfigString(yaml, "test.yaml");
    EXPECT_TRUE(cfg.ok()) << (cfg.ok() ? "" : cfg.error().message);
    if (!cfg.ok()) return;
    cfg->service.port = 0;
    node_ = std::make_unique<node::Node>(
        *cfg, [](const storage::StorageConfig& c, storage::ClockPtr clock) {
          return storage::createEngine(c, std::move(clock));
        });
    EXPECT_TRUE(node_->init().ok());
    EXPECT_TRUE(node_->start().ok());
    runner_ = std::thread([this] { node_->run(); });
  }
  ~RunningNode() {
    if (!runner_.joinable()) return;
    node_->requestStop();
    runner_.join();
    node_->drain(std::chrono::seconds(2));
    EXPECT_TRUE(node_->shutdown().ok());
  }
  uint16_t port() const { return node_->servicePort(); }
  uint64_t counter(const std::string& name) { return node_->statsStore().counter(name).value(); }

 private:
  std::unique_ptr<node::Node> node_;
  std::thread runner_;
};

// A key of set "px" whose partition is below (or from) 2048.
inline std::string keyInHalf(bool low, int n) {
  for (int i = 0;; ++i) {
    const std::string k = "key-" + std::to_string(n) + "-" + std::to_string(i);
    const uint32_t pid = protocol::partitionId(node::testing::digestOf("px", k));
    if ((pid < 2048) == low) return k;
  }
}

inline std::string putFrame(const std::string& key, const std::string& value) {
  auto b = keyed("px", key);
  b.info2(protocol::info2::kWrite).op(OpType::kWrite, ParticleType::kString, "s", value);
  return b.frame();
}

inline std::string getFrame(const std::string& key) {
  auto b = keyed("px", key);
  b.info1(protocol::info1::kRead | protocol::info1::kGetAll);
  return b.frame();
}

}  // namespace remora::kv::twonode
