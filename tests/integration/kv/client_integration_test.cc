// The project's client against a real node (in-process, storage engineer's
// memory engine) through loopback sockets.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "kv/client/client.h"
#include "kv/client/status.h"
#include "kv/node/node.h"
#include "kv/protocol/info_codec.h"
#include "kv/storage/engine_factory.h"

namespace remora::kv {
namespace {

using client::Bins;
using client::Key;
using client::Operation;
using client::Value;

class KvClientIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config::KvdConfig cfg = config::defaultKvdConfig();
    cfg.service.address = "127.0.0.1";
    cfg.service.port = 0;
    cfg.service_threads = 2;
    node_ = std::make_unique<node::Node>(
        cfg, [](const storage::StorageConfig& c, storage::ClockPtr clock) {
          return storage::createEngine(c, std::move(clock));
        });
    ASSERT_TRUE(node_->init().ok());
    ASSERT_TRUE(node_->start().ok());
    runner_ = std::thread([this] { node_->run(); });
    client::ClientConfig cc;
    cc.seeds = {"127.0.0.1:" + std::to_string(node_->servicePort())};
    auto c = client::Client::connect(cc);
    ASSERT_TRUE(c.ok()) << c.error().message;
    client_ = std::move(*c);
  }
  void TearDown() override {
    client_.reset();
    node_->requestStop();
    runner_.join();
    node_->drain(std::chrono::seconds(2));
    EXPECT_TRUE(node_->shutdown().ok());
  }
  Key key(const std::string& k, const std::string& set = "it") {
    return *Key::make("test", set, Value(k));
  }

  std::unique_ptr<node::Node> node_;
  std::thread runner_;
  std::unique_ptr<client::Client> client_;
  client::ReadPolicy read_;
  client::WritePolicy write_;
};

TEST_F(KvClientIntegrationTest, LearnsAPartitionMapWhereTheNodeOwnsEverything) {
  auto snap = client_->cluster().snapshot();
  ASSERT_EQ(snap->nodes.size(), 1u);
  ASSERT_EQ(snap->namespaces.count("test"), 1u);
  for (uint32_t p = 0; p < protocol::kPartitionCount; ++p) {
    ASSERT_EQ(client_->cluster().nodeFor(*snap, "test", p, 0), snap->nodes[0].get()) << p;
  }
}

TEST_F(KvClientIntegrationTest, PutGetEveryBinType) {
  Bins bins{{"i", Value(int64_t{-42})},
            {"d", Value(2.25)},
            {"s", Value("text")},
            {"b", Value(client::Bytes{std::string("\x00\x01\xff", 3)})}};
  ASSERT_TRUE(client_->put(write_, key("k"), bins).ok());
  auto r = client_->get(read_, key("k"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->bins, bins);
  EXPECT_EQ(r->generation, 1u);
  EXPECT_EQ(r->ttl, -1);
  auto some = client_->get(read_, key("k"), {"s"});
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(some->bins.size(), 1u);
}

TEST_F(KvClientIntegrationTest, ExistsRemoveAndNotFound) {
  ASSERT_TRUE(client_->put(write_, key("k"), {{"v", Value(1)}}).ok());
  EXPECT_TRUE(*client_->exists(read_, key("k")));
  EXPECT_TRUE(*client_->remove(write_, key("k")));
  EXPECT_FALSE(*client_->exists(read_, key("k")));
  EXPECT_FALSE(*client_->remove(write_, key("k")));
  auto r = client_->get(read_, key("k"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 2);
}

TEST_F(KvClientIntegrationTest, GenerationAndExistsPoliciesGiveServerCodes) {
  ASSERT_TRUE(client_->put(write_, key("g"), {{"v", Value(1)}}).ok());
  client::WritePolicy gen = write_;
  gen.gen_policy = client::GenerationPolicy::kExpectEqual;
  gen.generation = 7;
  auto st = client_->put(gen, key("g"), {{"v", Value(2)}});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, 3);
  gen.generation = 1;
  EXPECT_TRUE(client_->put(gen, key("g"), {{"v", Value(2)}}).ok());
  client::WritePolicy create = write_;
  create.exists = client::ExistsAction::kCreateOnly;
  st = client_->put(create, key("g"), {{"v", Value(3)}});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, 5);
  auto bad_ns = client_->get(read_, *Key::make("nope", "s", Value("k")));
  ASSERT_FALSE(bad_ns.ok());
  EXPECT_EQ(bad_ns.error().code, client::status::kInvalidNode);  // not in the partition map
}

TEST_F(KvClientIntegrationTest, OperateAndTouchAndTtl) {
  client::WritePolicy ttl = write_;
  ttl.ttl = 300;
  ASSERT_TRUE(client_->put(ttl, key("o"), {{"n", Value(1)}, {"s", Value("a")}}).ok());
  auto r = client_->operate(write_, key("o"),
                            {Operation::incr("n", Value(4)), Operation::append("s", Value("b")),
                             Operation::prepend("s", Value("z")), Operation::read("n"),
                             Operation::read("s")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->bins["n"], Value(5));
  EXPECT_EQ(r->bins["s"], Value("zab"));
  EXPECT_EQ(r->ttl, -1);  // ttl 0 on the operate: the namespace default (never)
  auto bad = client_->operate(write_, key("o"), {Operation::incr("s", Value(1))});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, 12);
  client::WritePolicy touch = write_;
  touch.ttl = 1000;
  ASSERT_TRUE(client_->touch(touch, key("o")).ok());
  auto h = client_->getHeader(read_, key("o"));
  ASSERT_TRUE(h.ok());
  EXPECT_GT(h->ttl, 990);
}

TEST_F(KvClientIntegrationTest, BatchGetReturnsRowsInKeyOrder) {
  std::vector<Key> keys;
  for (int i = 0; i < 40; ++i) {
    keys.push_back(key("b" + std::to_string(i)));
    if (i % 4 != 3) {
      ASSERT_TRUE(client_->put(write_, keys.back(), {{"i", Value(i)}}).ok());
    }
  }
  auto rows = client_->batchGet(read_, keys);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), keys.size());
  for (int i = 0; i < 40; ++i) {
    if (i % 4 == 3) {
      EXPECT_EQ((*rows)[i].result, 2);
    } else {
      EXPECT_EQ((*rows)[i].result, 0);
      EXPECT_EQ((*rows)[i].record.bins["i"], Value(i));
    }
  }
}

TEST_F(KvClientIntegrationTest, ScanSeesEveryRecordOfTheSet) {
  client::WritePolicy send = write_;
  send.send_key = true;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(client_->put(send, key("s" + std::to_string(i), "scanned"), {{"i", Value(i)}}).ok());
  }
  ASSERT_TRUE(client_->put(write_, key("other", "elsewhere"), {{"i", Value(0)}}).ok());
  std::set<int64_t> seen;
  size_t with_key = 0;
  auto st = client_->scan(client::ScanPolicy{}, "test", "scanned",
                          [&](const Key& k, const client::Record& r) {
                            seen.insert(r.bins.at("i").asInt());
                            if (k.user_key.isString()) ++with_key;
                            return true;
                          });
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(with_key, 100u);
}

TEST_F(KvClientIntegrationTest, TruncateAndInfo) {
  ASSERT_TRUE(client_->put(write_, key("t", "gone"), {{"v", Value(1)}}).ok());
  ASSERT_TRUE(client_->truncate("test", "gone").ok());
  EXPECT_FALSE(*client_->exists(read_, key("t", "gone")));
  auto info = client_->info("build\nnope");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(*info, "build\t8.0.0.0\nnope\tERROR:4:unrecognized command\n");
}

TEST_F(KvClientIntegrationTest, ManyThreadsShareTheClient) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        Key k = key("m" + std::to_string(t) + "-" + std::to_string(i));
        if (!client_->put(write_, k, {{"v", Value(i)}}).ok()) ++failures;
        auto r = client_->get(read_, k);
        if (!r.ok() || r->bins["v"] != Value(i)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(KvClientIntegrationTest, ASeedThatNeverAnswersFailsWithinTheInfoTimeout) {
  // A node that accepts but never answers: a listening socket nobody serves.
  auto address = network::Address::fromIp("127.0.0.1", 0);
  auto silent = network::createListenSocket(*address, {});
  ASSERT_TRUE(silent.ok());
  const uint16_t port = network::localAddress(silent->fd())->port();
  client::ClientConfig cc;
  cc.seeds = {"127.0.0.1:" + std::to_string(port)};
  cc.info_timeout_ms = 200;
  auto c = client::Client::connect(cc);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, client::status::kConnection);
}

}  // namespace
}  // namespace remora::kv
