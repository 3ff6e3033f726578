// Batches and scans on a two-node static cluster (docs/kv.md, "Static
// clusters and proxying"): batch rows for the other node's partitions are
// forwarded to it and merged into the one reply stream, indexes intact;
// a scan answers only its own partitions and marks the others unavailable.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "kv/protocol/batch_codec.h"
#include "kv/protocol/partition_map_codec.h"
#include "kv/protocol/request_builder.h"
#include "tests/integration/kv/two_nodes.h"
#include "tests/kv/node/node_test_util.h"
#include "tests/kv/node/raw_client.h"

namespace remora::kv {
namespace {

using node::testing::parseFrames;
using node::testing::RawClient;
using node::testing::Reply;
using twonode::getFrame;
using twonode::keyInHalf;
using twonode::putFrame;
using twonode::RunningNode;
namespace info1 = protocol::info1;
namespace info3 = protocol::info3;

void put(uint16_t port, const std::string& key, const std::string& value) {
  RawClient c(port);
  ASSERT_TRUE(c.send(putFrame(key, value)));
  auto bytes = c.readFrame();
  ASSERT_TRUE(bytes.has_value());
  ASSERT_EQ(parseFrames(*bytes).at(0).header.result_code, 0);
}

// A batch read of `keys` (set "px", all bins); row i carries index i.
std::string batchGet(const std::vector<std::string>& keys) {
  return node::testing::batchReadFrame(
      "px", keys, protocol::batch_flags::kReportErrorRec | protocol::batch_flags::kRespondAllKeys);
}

// Every record up to and including the LAST one.
std::vector<Reply> readStream(RawClient& c) {
  std::vector<Reply> out;
  for (;;) {
    auto bytes = c.readFrame();
    EXPECT_TRUE(bytes.has_value());
    if (!bytes) return out;
    for (auto& r : parseFrames(*bytes)) out.push_back(std::move(r));
    if (!out.empty() && (out.back().header.info3 & info3::kLast)) return out;
  }
}

struct Row {
  int result = -1;
  std::string value;
  int seen = 0;
};

// Rows by index, checking the stream ends with one LAST record of result 0.
std::map<uint32_t, Row> rowsByIndex(const std::vector<Reply>& stream) {
  std::map<uint32_t, Row> rows;
  EXPECT_FALSE(stream.empty());
  for (size_t i = 0; i + 1 < stream.size(); ++i) {
    const Reply& r = stream[i];
    EXPECT_FALSE(r.header.info3 & info3::kLast) << i;
    Row& row = rows[r.header.transaction_ttl];
    row.result = r.header.result_code;
    row.value = node::testing::value(r, "s");
    ++row.seen;
  }
  if (!stream.empty()) {
    EXPECT_EQ(stream.back().header.result_code, 0);
  }
  return rows;
}

// Keys 0..19: even ones in A's half, odd ones in B's; every fifth is never
// written.
std::vector<std::string> mixedKeys(uint16_t port_a, uint16_t port_b) {
  std::vector<std::string> keys;
  for (int i = 0; i < 20; ++i) {
    const bool on_a = i % 2 == 0;
    keys.push_back(keyInHalf(on_a, 100 + i));
    if (i % 5 != 4) put(on_a ? port_a : port_b, keys.back(), "v" + std::to_string(i));
  }
  return keys;
}

void expectAllRows(const std::map<uint32_t, Row>& rows, size_t n) {
  ASSERT_EQ(rows.size(), n);
  for (uint32_t i = 0; i < n; ++i) {
    const Row& row = rows.at(i);
    EXPECT_EQ(row.seen, 1) << i;
    if (i % 5 == 4) {
      EXPECT_EQ(row.result, 2) << i;
    } else {
      EXPECT_EQ(row.result, 0) << i;
      EXPECT_EQ(row.value, "v" + std::to_string(i)) << i;
    }
  }
}

TEST(KvProxyStreamTest, BatchRowsOfTheOtherNodeAreForwardedAndMergedByIndex) {
  RunningNode b("B2", "0-2047", 1, "2048-4095", 1);
  RunningNode a("A1", "0-2047", 1, "2048-4095", b.port());
  const auto keys = mixedKeys(a.port(), b.port());

  RawClient to_a(a.port());
  ASSERT_TRUE(to_a.connected());
  // A batch then a single read pipelined behind it: the read's reply comes
  // after the batch's LAST record.
  ASSERT_TRUE(to_a.send(batchGet(keys) + getFrame(keys[1])));
  expectAllRows(rowsByIndex(readStream(to_a)), keys.size());
  auto single = to_a.readFrame();
  ASSERT_TRUE(single.has_value());
  EXPECT_EQ(node::testing::value(parseFrames(*single).at(0), "s"), "v1");

  EXPECT_EQ(a.counter("kv.partition_not_owned"), 0u);
  EXPECT_EQ(b.counter("kv.partition_not_owned"), 0u);
  EXPECT_EQ(a.counter("kv.proxy_errors"), 0u);
  EXPECT_EQ(b.counter("kv.batch_requests"), 1u);  // one sub-batch for all of B's rows
  EXPECT_EQ(a.counter("kv.proxied"), 2u);         // that sub-batch and the single read

  // A second batch on the same connection reuses the pooled proxy connection.
  ASSERT_TRUE(to_a.send(batchGet(keys)));
  expectAllRows(rowsByIndex(readStream(to_a)), keys.size());
  EXPECT_EQ(b.counter("kv.batch_requests"), 2u);
  EXPECT_EQ(a.counter("kv.proxied"), 3u);
}

TEST(KvProxyStreamTest, ALargeBatchArrivesInManyFramesFromTheOwnerAndIsMergedWhole) {
  RunningNode b("B2", "0-2047", 1, "2048-4095", 1);
  RunningNode a("A1", "0-2047", 1, "2048-4095", b.port());
  // 600 records of 2 KB, half on each node: each side's rows span several
  // frames (a job produces about 256 KiB per step).
  std::vector<std::string> keys;
  for (int i = 0; i < 600; ++i) {
    const bool on_a = i % 2 == 0;
    keys.push_back(keyInHalf(on_a, 1000 + i));
    put(on_a ? a.port() : b.port(), keys.back(), std::string(2000, 'a' + i % 26));
  }
  RawClient to_a(a.port());
  ASSERT_TRUE(to_a.send(batchGet(keys)));
  auto rows = rowsByIndex(readStream(to_a));
  ASSERT_EQ(rows.size(), keys.size());
  for (uint32_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(rows[i].seen, 1) << i;
    EXPECT_EQ(rows[i].result, 0) << i;
    EXPECT_EQ(rows[i].value, std::string(2000, 'a' + i % 26)) << i;
  }
  EXPECT_EQ(a.counter("kv.proxied"), 1u);
  EXPECT_EQ(a.counter("kv.proxy_errors"), 0u);
}

TEST(KvProxyStreamTest, ABatchThatAlreadyTookItsHopAnswersForeignRows11) {
  // A believes B owns 0-2047; B believes A does.
  RunningNode b("B2", "0-2047", 1, "2048-4095", 1);
  RunningNode a("A1", "2048-4095", 1, "0-2047", b.port());
  const std::vector<std::string> keys = {keyInHalf(true, 1), keyInHalf(false, 2)};
  RawClient to_a(a.port());
  ASSERT_TRUE(to_a.send(batchGet(keys)));
  auto rows = rowsByIndex(readStream(to_a));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].result, 11);  // forwarded to B, which does not forward again
  EXPECT_EQ(rows[1].result, 2);   // A's own (in A's view): not found
  EXPECT_EQ(b.counter("kv.partition_not_owned"), 1u);
  EXPECT_EQ(b.counter("kv.proxied"), 0u);
}

TEST(KvProxyStreamTest, RowsForAnUnreachableOwnerAnswer11AndTheRestAreServed) {
  RunningNode a("A1", "0-2047", 1, "2048-4095", 1);  // nothing listens for B
  const std::string local = keyInHalf(true, 7);
  put(a.port(), local, "here");
  const std::vector<std::string> keys = {keyInHalf(false, 8), local, keyInHalf(false, 9)};
  RawClient to_a(a.port());
  ASSERT_TRUE(to_a.send(batchGet(keys)));
  auto rows = rowsByIndex(readStream(to_a));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].result, 11);
  EXPECT_EQ(rows[1].result, 0);
  EXPECT_EQ(rows[1].value, "here");
  EXPECT_EQ(rows[2].result, 11);
  EXPECT_EQ(a.counter("kv.proxy_errors"), 1u);
}

TEST(KvProxyStreamTest, AScanOfEveryPartitionServesItsOwnAndMarksTheOthersUnavailable) {
  RunningNode b("B2", "0-2047", 1, "2048-4095", 1);
  RunningNode a("A1", "0-2047", 1, "2048-4095", b.port());
  mixedKeys(a.port(), b.port());  // 8 records on each node

  std::vector<uint16_t> all;
  for (uint16_t p = 0; p < protocol::kPartitionCount; ++p) all.push_back(p);
  protocol::RequestBuilder scan;
  scan.info1(info1::kRead | info1::kGetAll).info3(info3::kPartitionDone);
  scan.field(protocol::FieldType::kNamespace, "test").field(protocol::FieldType::kSet, "px");
  scan.field(protocol::FieldType::kPidArray, protocol::encodePidArray(all));
  RawClient to_a(a.port());
  ASSERT_TRUE(to_a.send(scan.frame()));
  auto stream = readStream(to_a);
  ASSERT_FALSE(stream.empty());
  EXPECT_EQ(stream.back().header.result_code, 0);  // the scan itself succeeds
  size_t records = 0;
  std::vector<bool> unavailable(protocol::kPartitionCount, false);
  for (size_t i = 0; i + 1 < stream.size(); ++i) {
    const Reply& r = stream[i];
    if (r.header.info3 & info3::kPartitionDone) {
      EXPECT_EQ(r.header.result_code, 11);
      ASSERT_LT(r.header.generation, protocol::kPartitionCount);
      unavailable[r.header.generation] = true;
      continue;
    }
    EXPECT_EQ(r.header.result_code, 0);
    ++records;
  }
  EXPECT_EQ(records, 8u);
  for (uint32_t p = 0; p < protocol::kPartitionCount; ++p) {
    EXPECT_EQ(unavailable[p], p >= 2048) << p;
  }
  EXPECT_EQ(a.counter("kv.proxied"), 0u);
}

}  // namespace
}  // namespace remora::kv
