#include "kv/node/request_handler.h"

#include <gtest/gtest.h>

#include "kv/protocol/batch_codec.h"
#include "kv/protocol/info_codec.h"
#include "kv/protocol/partition_map_codec.h"
#include "tests/kv/node/node_test_util.h"

namespace remora::kv::node::testing {
namespace {

using protocol::OpType;
using protocol::ParticleType;
namespace info1 = protocol::info1;
namespace info2 = protocol::info2;
namespace info3 = protocol::info3;

class RequestHandlerTest : public ::testing::Test {
 protected:
  std::string info(const std::string& request) {
    std::string frame;
    const size_t start = protocol::beginFrame(frame);
    frame += request;
    protocol::endFrame(frame, start, protocol::MessageType::kInfo);
    HandleResult r = node_.handler->handle(protocol::MessageType::kInfo, frame.substr(8));
    auto h = protocol::decodeProtoHeader(reinterpret_cast<const uint8_t*>(r.reply.data()));
    EXPECT_TRUE(h.ok());
    EXPECT_EQ(h->type, protocol::MessageType::kInfo);
    return r.reply.substr(8);
  }
  void put(const std::string& set, const std::string& key, const std::string& v) {
    auto b = keyed(set, key);
    b.info2(info2::kWrite).op(OpType::kWrite, ParticleType::kString, "s", v);
    ASSERT_EQ(rc(single(node_, b)), 0);
  }

  TestNode node_;
};

TEST_F(RequestHandlerTest, InfoEchoesTheTendRequest) {
  EXPECT_EQ(info("node\npartition-generation\nbuild\n"),
            "node\tBB9000000000001\npartition-generation\t1\nbuild\t8.0.0.0\n");
  EXPECT_EQ(info("peers-clear-std\n"), "peers-clear-std\t1,3000,[]\n");
  EXPECT_EQ(info("status\n"), "status\tok\n");
}

TEST_F(RequestHandlerTest, ReplicasOwnsEveryPartitionWithA684CharacterBitmap) {
  const std::string reply = info("replicas\n");
  const std::string expected = "replicas\ttest:0,1," + std::string(682, '/') + "8=\n";
  EXPECT_EQ(reply, expected);
  auto pairs = protocol::parseInfoReply(info("replicas-master\n"));
  ASSERT_EQ(pairs.size(), 1u);
  auto bits = protocol::decodePartitionBitmap(pairs[0].second.substr(5));
  ASSERT_TRUE(bits.ok());
  EXPECT_TRUE(bits->all());
}

TEST_F(RequestHandlerTest, UnknownCommandGetsErrorFourAndOthersStillAnswer) {
  EXPECT_EQ(info("node\nno-such-thing:x=1\n"),
            "node\tBB9000000000001\nno-such-thing:x=1\tERROR:4:unrecognized command\n");
}

TEST_F(RequestHandlerTest, SummaryHasVersionAndEditionButNotFirst) {
  const std::string summary = info("");
  EXPECT_NE(summary.find("\nversion\t"), std::string::npos);
  EXPECT_NE(summary.find("\nedition\t"), std::string::npos);
  EXPECT_EQ(summary.rfind("features\t", 0), 0u);
}

TEST_F(RequestHandlerTest, NamespaceAndStatisticsReportCounts) {
  put("demo", "a", "1");
  put("demo", "b", "2");
  const std::string ns = info("namespace/test\n");
  EXPECT_NE(ns.find("objects=2"), std::string::npos);
  EXPECT_NE(ns.find("nsup-period=120"), std::string::npos);
  EXPECT_NE(info("namespace/none\n").find("ERROR:20:"), std::string::npos);
  const std::string st = info("statistics\n");
  EXPECT_NE(st.find("client_write_success=2"), std::string::npos);
  EXPECT_NE(info("sets\n").find("ns=test:set=demo:objects=2"), std::string::npos);
  EXPECT_EQ(info("namespaces\n"), "namespaces\ttest\n");
}

TEST_F(RequestHandlerTest, TruncateRemovesASetOrTheNamespace) {
  put("a", "1", "x");
  put("a", "2", "x");
  put("b", "3", "x");
  EXPECT_EQ(info("truncate:namespace=test;set=a\n"), "truncate:namespace=test;set=a\tok\n");
  EXPECT_EQ(node_.engine->storedRecords(), 1u);
  EXPECT_EQ(info("truncate-namespace:namespace=test\n"),
            "truncate-namespace:namespace=test\tok\n");
  EXPECT_EQ(node_.engine->storedRecords(), 0u);
  EXPECT_NE(info("truncate:namespace=zzz\n").find("ERROR:20:"), std::string::npos);
}

TEST_F(RequestHandlerTest, AdminMessagesAnswerSecurityNotEnabled) {
  HandleResult r = node_.handler->handle(protocol::MessageType::kAdmin, std::string(16, '\0'));
  ASSERT_EQ(r.reply.size(), 24u);
  EXPECT_EQ(r.reply[1], 2);
  EXPECT_EQ(static_cast<uint8_t>(r.reply[9]), 52);
}

protocol::BatchRow row(uint32_t index, const std::string& key, uint8_t i1, uint8_t i2 = 0) {
  protocol::BatchRow r;
  r.index = index;
  r.digest = digestOf("demo", key);
  r.header.info1 = i1;
  r.header.info2 = i2;
  r.fields.push_back({protocol::FieldType::kNamespace, "test"});
  r.fields.push_back({protocol::FieldType::kSet, "demo"});
  return r;
}

std::string batchFrame(const protocol::BatchRequest& req) {
  std::string field;
  protocol::appendBatchIndex(field, req);
  protocol::RequestBuilder b;
  b.info1(info1::kBatch).field(protocol::FieldType::kBatchIndex, field);
  return b.frame();
}

TEST_F(RequestHandlerTest, BatchAnswersEveryRowByIndexThenLast) {
  put("demo", "a", "1");
  put("demo", "c", "3");
  protocol::BatchRequest req;
  req.flags = 0x0d;
  req.rows.push_back(row(0, "a", info1::kRead | info1::kGetAll));
  req.rows.push_back(row(1, "b", info1::kRead | info1::kGetAll));
  req.rows.push_back(row(2, "c", info1::kRead | info1::kGetNoBins));
  auto replies = roundTrip(node_, batchFrame(req));
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0].header.transaction_ttl, 0u);
  EXPECT_EQ(value(replies[0], "s"), "1");
  EXPECT_EQ(replies[1].header.transaction_ttl, 1u);
  EXPECT_EQ(rc(replies[1]), 2);
  EXPECT_EQ(replies[2].header.transaction_ttl, 2u);
  EXPECT_EQ(rc(replies[2]), 0);
  EXPECT_TRUE(replies[2].bins.empty());
  EXPECT_TRUE(replies[3].header.info3 & info3::kLast);
  EXPECT_EQ(rc(replies[3]), 0);
}

TEST_F(RequestHandlerTest, BatchWritesAndRemovesApplyPerRow) {
  put("demo", "gone", "x");
  protocol::BatchRequest req;
  auto w = row(0, "new", 0, info2::kWrite | info2::kRespondAllOps);
  w.ops.push_back({OpType::kWrite, ParticleType::kString, 0, "s", "w"});
  req.rows.push_back(w);
  req.rows.push_back(row(1, "gone", 0, info2::kWrite | info2::kDelete | info2::kRespondAllOps));
  auto replies = roundTrip(node_, batchFrame(req));
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(rc(replies[0]), 0);
  EXPECT_EQ(rc(replies[1]), 0);
  auto get = keyed("demo", "new");
  get.info1(info1::kRead | info1::kGetAll);
  EXPECT_EQ(value(single(node_, get), "s"), "w");
  auto gone = keyed("demo", "gone");
  gone.info1(info1::kRead | info1::kGetAll);
  EXPECT_EQ(rc(single(node_, gone)), 2);
}

TEST_F(RequestHandlerTest, MalformedBatchEndsWithAnErrorLast) {
  protocol::RequestBuilder b;
  b.info1(info1::kBatch).field(protocol::FieldType::kBatchIndex, std::string("\0\0\0\5\0", 5));
  auto replies = roundTrip(node_, b.frame());
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(replies[0].header.info3 & info3::kLast);
  EXPECT_EQ(rc(replies[0]), 4);
}

TEST_F(RequestHandlerTest, ScanReturnsTheSetsRecordsWithNamespaceAndDigest) {
  for (int i = 0; i < 20; ++i) put("s1", "k" + std::to_string(i), "v");
  put("s2", "other", "v");
  protocol::RequestBuilder b;
  b.info1(info1::kRead | info1::kGetAll).info3(info3::kPartitionDone).recordTtl(0xFFFFFFFF);
  b.field(protocol::FieldType::kNamespace, "test").field(protocol::FieldType::kSet, "s1");
  auto replies = roundTrip(node_, b.frame());
  ASSERT_EQ(replies.size(), 21u);
  for (size_t i = 0; i < 20; ++i) {
    ASSERT_GE(replies[i].fields.size(), 3u);
    EXPECT_EQ(value(replies[i], "s"), "v");
  }
  EXPECT_TRUE(replies[20].header.info3 & info3::kLast);
}

TEST_F(RequestHandlerTest, ScanHonoursPidArrayAndMaxRecords) {
  for (int i = 0; i < 50; ++i) put("s", "k" + std::to_string(i), "v");
  const uint16_t pid = static_cast<uint16_t>(protocol::partitionId(digestOf("s", "k7")));
  protocol::RequestBuilder one;
  one.info1(info1::kRead | info1::kGetNoBins).field(protocol::FieldType::kNamespace, "test");
  one.field(protocol::FieldType::kPidArray, protocol::encodePidArray({pid}));
  auto replies = roundTrip(node_, one.frame());
  ASSERT_GE(replies.size(), 2u);
  EXPECT_TRUE(replies[0].bins.empty());
  EXPECT_TRUE(replies[0].header.info1 & info1::kGetNoBins);

  protocol::RequestBuilder max;
  max.info1(info1::kRead | info1::kGetAll).field(protocol::FieldType::kNamespace, "test");
  max.field(protocol::FieldType::kMaxRecords, std::string("\0\0\0\0\0\0\0\x05", 8));
  EXPECT_EQ(roundTrip(node_, max.frame()).size(), 6u);
}

TEST_F(RequestHandlerTest, ScanOfAPartitionNotOwnedReportsItUnavailable) {
  std::vector<ReplicaIndex> roles(protocol::kPartitionCount, 0);
  roles[7] = kNotOwned;
  node_.context->partitions.assign(roles, 1);
  protocol::RequestBuilder b;
  b.info1(info1::kRead | info1::kGetAll).field(protocol::FieldType::kNamespace, "test");
  b.field(protocol::FieldType::kPidArray, protocol::encodePidArray({7}));
  auto replies = roundTrip(node_, b.frame());
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_TRUE(replies[0].header.info3 & info3::kPartitionDone);
  EXPECT_EQ(replies[0].header.generation, 7u);
  EXPECT_EQ(rc(replies[0]), 11);
  EXPECT_EQ(info("partition-generation\n"), "partition-generation\t2\n");
}

TEST_F(RequestHandlerTest, UdfAndFilterRequestsAreRefusedAsUnsupported) {
  auto b = keyed("demo", "k");
  b.info2(info2::kWrite).field(protocol::FieldType::kUdfPackage, "pkg");
  EXPECT_EQ(rc(single(node_, b)), 16);
}

}  // namespace
}  // namespace remora::kv::node::testing
