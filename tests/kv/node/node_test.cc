#include "kv/node/node.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/kv/node/node_test_util.h"
#include "tests/kv/node/raw_client.h"

namespace remora::kv::node::testing {
namespace {

using protocol::OpType;
using protocol::ParticleType;
namespace info1 = protocol::info1;
namespace info2 = protocol::info2;
namespace info3 = protocol::info3;

std::string infoFrame(const std::string& body) {
  std::string frame;
  const size_t start = protocol::beginFrame(frame);
  frame += body;
  protocol::endFrame(frame, start, protocol::MessageType::kInfo);
  return frame;
}

std::string putFrame(const std::string& key, const std::string& value) {
  auto b = keyed("demo", key);
  b.info2(info2::kWrite).op(OpType::kWrite, ParticleType::kString, "s", value);
  return b.frame();
}

std::string getFrame(const std::string& key) {
  auto b = keyed("demo", key);
  b.info1(info1::kRead | info1::kGetAll);
  return b.frame();
}

class NodeTest : public ::testing::Test {
 protected:
  void startNode(uint32_t proto_fd_max = 100, uint32_t buffer_limit = 64 * 1024) {
    config::KvdConfig cfg = config::defaultKvdConfig();
    cfg.service.address = "127.0.0.1";
    cfg.service.port = 0;
    cfg.service_threads = 2;
    cfg.max_message_size = 1 << 20;
    cfg.proto_fd_max = proto_fd_max;
    cfg.connection_buffer_limit = buffer_limit;
    clock_ = std::make_shared<ManualClock>();
    node_ = std::make_unique<Node>(
        cfg,
        [this](const storage::StorageConfig&, storage::ClockPtr) -> Result<storage::EnginePtr> {
          auto e = std::make_unique<FakeEngine>();
          engine_ = e.get();
          return storage::EnginePtr(std::move(e));
        },
        clock_);
    ASSERT_TRUE(node_->init().ok());
    ASSERT_TRUE(node_->start().ok());
    port_ = node_->servicePort();
    runner_ = std::thread([this] { node_->run(); });
  }
  void TearDown() override {
    if (!node_) return;
    if (engine_) engine_->releaseReads();  // a failed test must not leave a worker blocked
    node_->requestStop();
    runner_.join();
    node_->drain(std::chrono::seconds(2));
    EXPECT_TRUE(node_->shutdown().ok());
    EXPECT_TRUE(engine_->shut_down);
  }
  uint64_t counter(const std::string& name) { return node_->statsStore().counter(name).value(); }
  std::vector<Reply> request(RawClient& c, const std::string& frame) {
    EXPECT_TRUE(c.send(frame));
    auto reply = c.readFrame();
    EXPECT_TRUE(reply.has_value());
    return reply ? parseFrames(*reply) : std::vector<Reply>{};
  }

  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<Node> node_;
  FakeEngine* engine_ = nullptr;
  uint16_t port_ = 0;
  std::thread runner_;
};

TEST_F(NodeTest, ServesPutAndGetOverASocket) {
  startNode();
  RawClient c(port_);
  ASSERT_TRUE(c.connected());
  auto w = request(c, putFrame("k", "hello"));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(rc(w[0]), 0);
  auto r = request(c, getFrame("k"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(value(r[0], "s"), "hello");
}

TEST_F(NodeTest, NewConnectionsGoToTheLeastLoadedWorkerSoABlockedOneHoldsNoNewClient) {
  startNode();  // two workers
  const auto slow = digestOf("demo", "slow");
  ASSERT_NE(protocol::partitionId(slow), protocol::partitionId(digestOf("demo", "fast")));
  RawClient first(port_);  // worker A
  ASSERT_TRUE(first.connected());
  ASSERT_EQ(request(first, putFrame("fast", "a")).size(), 1u);  // its session exists
  {
    RawClient gone(port_);  // worker B, then closed: B has none left
    ASSERT_TRUE(gone.connected());
    ASSERT_EQ(request(gone, putFrame("fast", "0")).size(), 1u);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (node_->statsStore().gauge("kv.client_connections").value() != 1 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(node_->statsStore().gauge("kv.client_connections").value(), 1);

  // A's thread blocks in a read, as in a device read.
  engine_->blockReadsOf(slow);
  ASSERT_TRUE(first.send(getFrame("slow")));
  ASSERT_TRUE(engine_->waitForBlockedReads(1));
  // Round robin would give the next connection to A; the least loaded is B.
  RawClient second(port_);
  ASSERT_TRUE(second.connected());
  auto w = request(second, putFrame("fast", "1"));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(rc(w[0]), 0);
  engine_->releaseReads();
  auto r = first.readFrame();
  ASSERT_TRUE(r.has_value());
  auto replies = parseFrames(*r);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(rc(replies[0]), 2);  // "slow" was never written
}

TEST_F(NodeTest, AnswersPipelinedRequestsInOrder) {
  startNode();
  RawClient c(port_);
  std::string batch = infoFrame("node\n") + putFrame("a", "1") + getFrame("a") +
                      getFrame("missing") + infoFrame("build\n");
  ASSERT_TRUE(c.send(batch));
  auto f1 = c.readFrame();
  ASSERT_TRUE(f1);
  EXPECT_EQ(f1->substr(8, 5), "node\t");
  auto f2 = c.readFrame();
  ASSERT_TRUE(f2);
  EXPECT_EQ(rc(parseFrames(*f2)[0]), 0);
  auto f3 = c.readFrame();
  ASSERT_TRUE(f3);
  EXPECT_EQ(value(parseFrames(*f3)[0], "s"), "1");
  auto f4 = c.readFrame();
  ASSERT_TRUE(f4);
  EXPECT_EQ(rc(parseFrames(*f4)[0]), 2);
  auto f5 = c.readFrame();
  ASSERT_TRUE(f5);
  EXPECT_EQ(f5->substr(8), "build\t8.0.0.0\n");
}

TEST_F(NodeTest, GarbageClosesOnlyThatConnectionAndIsCounted) {
  startNode();
  RawClient good(port_);
  ASSERT_EQ(rc(request(good, putFrame("k", "v"))[0]), 0);
  RawClient bad(port_);
  ASSERT_TRUE(bad.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(bad.waitForClose());
  EXPECT_TRUE(waitUntil([&] { return counter("kv.proto_errors") == 1; }));
  auto r = request(good, getFrame("k"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(value(r[0], "s"), "v");
}

TEST_F(NodeTest, OversizedMessageIsRefusedBeforeItsBodyArrives) {
  startNode();
  RawClient c(port_);
  std::string header(8, '\0');
  protocol::encodeProtoHeader(reinterpret_cast<uint8_t*>(header.data()),
                              protocol::MessageType::kAsMsg, 100u << 20);
  ASSERT_TRUE(c.send(header));
  EXPECT_TRUE(c.waitForClose());
  EXPECT_TRUE(waitUntil([&] { return counter("kv.proto_oversized") == 1; }));
}

TEST_F(NodeTest, RequestsBeforeABadFrameAreStillAnswered) {
  startNode();
  RawClient c(port_);
  ASSERT_TRUE(c.send(infoFrame("status\n") + std::string("\x07\x07garbage!", 10)));
  auto f = c.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->substr(8), "status\tok\n");
  EXPECT_TRUE(c.waitForClose());
}

TEST_F(NodeTest, TruncatedFrameThenHalfCloseIsCountedAndClosed) {
  startNode();
  RawClient c(port_);
  const std::string put = putFrame("k", "v");
  ASSERT_TRUE(c.send(put.substr(0, put.size() / 2)));
  c.shutdownWrite();
  EXPECT_TRUE(c.waitForClose());
  EXPECT_TRUE(waitUntil([&] { return counter("kv.proto_errors") == 1; }));
  EXPECT_EQ(engine_->storedRecords(), 0u);
}

TEST_F(NodeTest, RequestThenHalfCloseStillGetsItsReply) {
  startNode();
  RawClient c(port_);
  ASSERT_TRUE(c.send(putFrame("k", "v")));
  c.shutdownWrite();
  auto f = c.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(rc(parseFrames(*f)[0]), 0);
  EXPECT_TRUE(c.waitForClose());
}

TEST_F(NodeTest, MalformedBodyIsAnsweredAndTheConnectionStaysUsable) {
  startNode();
  RawClient c(port_);
  std::string frame(8, '\0');
  protocol::encodeProtoHeader(reinterpret_cast<uint8_t*>(frame.data()),
                              protocol::MessageType::kAsMsg, 5);
  frame += "\x16zzzz";
  auto r = request(c, frame);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(rc(r[0]), 4);
  EXPECT_EQ(rc(request(c, putFrame("k", "v"))[0]), 0);
}

TEST_F(NodeTest, ClientThatStopsReadingPausesItsScanWithoutBlockingOthers) {
  startNode(100, 64 * 1024);
  RawClient loader(port_);
  const std::string big(1024, 'x');
  for (int i = 0; i < 8000; ++i) {
    ASSERT_TRUE(loader.send(putFrame("k" + std::to_string(i), big)));
    ASSERT_TRUE(loader.readFrame());
  }
  RawClient slow(port_, 16 * 1024);
  protocol::RequestBuilder scan;
  scan.info1(info1::kRead | info1::kGetAll).field(protocol::FieldType::kNamespace, "test");
  ASSERT_TRUE(slow.send(scan.frame()));
  // The scan is about 8 MB; with nobody reading, the node must stop at its
  // buffer limit.
  EXPECT_TRUE(waitUntil([&] { return counter("kv.client_write_paused") >= 1; }));
  // Meanwhile the same workers keep serving other connections.
  auto r = request(loader, getFrame("k1"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(value(r[0], "s"), big);
  // Reading resumes the scan, which then delivers every record and LAST.
  size_t records = 0;
  bool last = false;
  while (!last) {
    auto f = slow.readFrame();
    ASSERT_TRUE(f.has_value()) << "after " << records << " records";
    for (const auto& rec : parseFrames(*f)) {
      if (rec.header.info3 & info3::kLast) {
        last = true;
      } else {
        ++records;
      }
    }
  }
  EXPECT_EQ(records, 8000u);
}

TEST_F(NodeTest, ConnectionsAboveProtoFdMaxAreRefused) {
  startNode(2);
  RawClient a(port_), b(port_);
  ASSERT_EQ(rc(request(a, putFrame("k", "v"))[0]), 0);
  ASSERT_EQ(rc(request(b, getFrame("k"))[0]), 0);
  RawClient c(port_);
  EXPECT_TRUE(c.waitForClose());
  EXPECT_EQ(counter("kv.client_connections_refused"), 1u);
}

TEST_F(NodeTest, SweeperRemovesExpiredRecords) {
  startNode();
  RawClient c(port_);
  auto b = keyed("demo", "k");
  b.info2(info2::kWrite).recordTtl(10).op(OpType::kWrite, ParticleType::kString, "s", "v");
  ASSERT_EQ(rc(request(c, b.frame())[0]), 0);
  ASSERT_EQ(rc(request(c, putFrame("keep", "v"))[0]), 0);
  clock_->advanceSeconds(11);
  EXPECT_EQ(node_->sweepExpiredNow(), 1u);
  EXPECT_EQ(engine_->storedRecords(), 1u);
  EXPECT_EQ(counter("kv.expired_objects"), 1u);
}

TEST_F(NodeTest, DrainClosesIdleConnections) {
  startNode();
  RawClient c(port_);
  ASSERT_EQ(rc(request(c, putFrame("k", "v"))[0]), 0);
  node_->requestStop();
  runner_.join();
  EXPECT_TRUE(node_->drain(std::chrono::seconds(5)));
  EXPECT_TRUE(c.waitForClose());
  runner_ = std::thread([] {});
}

}  // namespace
}  // namespace remora::kv::node::testing
