// BatchJob's split of rows between this node and other owners, and its merge
// of their replies (the socket path is in
// tests/integration/kv/proxy_stream_integration_test.cc).
#include "kv/node/batch_job.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "kv/protocol/as_msg_codec.h"
#include "kv/protocol/batch_codec.h"
#include "kv/protocol/digest.h"
#include "tests/kv/node/node_test_util.h"

namespace remora::kv::node::testing {
namespace {

namespace info1 = protocol::info1;
namespace info3 = protocol::info3;

// Keys k0..k(n-1) of set "demo"; the ones with an odd partition are "remote".
bool remote(const std::string& key) { return protocol::partitionId(digestOf("demo", key)) % 2; }

std::string batchBody(int n) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) keys.push_back("k" + std::to_string(i));
  return batchReadFrame("demo", keys).substr(protocol::kProtoHeaderSize);
}

// Produces until the job finishes or waits.
std::string drain(BatchJob& job, bool& done) {
  std::string out;
  done = false;
  while (!done && !job.waiting()) done = job.produce(out, 1 << 16);
  return out;
}

TEST(BatchJobTest, ForeignRowsGoToTheirOwnerAndEveryIndexComesBackOnce) {
  TestNode node;
  const int n = 12;
  BatchJob job(*node.context, batchBody(n), 100, [](uint32_t pid) -> std::optional<uint32_t> {
    if (pid % 2) return 1u;
    return std::nullopt;
  });
  ASSERT_EQ(job.status(), protocol::ResultCode::kOk);
  auto forwards = job.takeForwards();
  ASSERT_EQ(forwards.size(), 1u);
  EXPECT_EQ(forwards[0].owner, 1u);
  EXPECT_TRUE(forwards[0].until_last);

  // The forwarded frame is a batch of exactly the remote rows, indexes kept.
  auto sub = protocol::decodeAsMsg(std::string_view(forwards[0].frame).substr(8));
  ASSERT_TRUE(sub.ok());
  EXPECT_TRUE(sub->header.info1 & info1::kBatch);
  auto rows = protocol::decodeBatchIndex(sub->field(protocol::FieldType::kBatchIndex)->data);
  ASSERT_TRUE(rows.ok());
  std::set<uint32_t> remote_indexes;
  for (int i = 0; i < n; ++i) {
    if (remote("k" + std::to_string(i))) remote_indexes.insert(static_cast<uint32_t>(i));
  }
  ASSERT_FALSE(remote_indexes.empty());
  ASSERT_EQ(rows->rows.size(), remote_indexes.size());
  for (const auto& r : rows->rows) EXPECT_TRUE(remote_indexes.count(r.index)) << r.index;

  // Local rows come out first; the LAST record waits for the owner.
  bool done = false;
  std::string out = drain(job, done);
  EXPECT_FALSE(done);
  EXPECT_TRUE(job.waiting());

  // The owner answers the first of its rows (twice, and one index it was not
  // asked for), then LAST: its other rows are answered 11 here.
  const uint32_t first = *remote_indexes.begin();
  std::string reply;
  size_t frame = protocol::beginFrame(reply);
  appendRecordReply(reply, protocol::ResultCode::kOk, 7, 0, first, {});
  appendRecordReply(reply, protocol::ResultCode::kOk, 7, 0, first, {});
  appendRecordReply(reply, protocol::ResultCode::kOk, 7, 0, 999, {});
  protocol::endFrame(reply, frame, protocol::MessageType::kAsMsg);
  frame = protocol::beginFrame(reply);
  protocol::AsMsgHeader last;
  last.info3 = info3::kLast;
  protocol::appendAsMsgHeader(reply, last, 0, 0);
  protocol::endFrame(reply, frame, protocol::MessageType::kAsMsg);
  job.deliver(0, reply);
  EXPECT_FALSE(job.waiting());
  out += drain(job, done);
  EXPECT_TRUE(done);

  auto replies = parseFrames(out);
  ASSERT_FALSE(replies.empty());
  EXPECT_TRUE(replies.back().header.info3 & info3::kLast);
  EXPECT_EQ(replies.back().header.result_code, 0);
  std::map<uint32_t, int> seen;
  for (size_t i = 0; i + 1 < replies.size(); ++i) {
    const auto& h = replies[i].header;
    ++seen[h.transaction_ttl];
    if (!remote_indexes.count(h.transaction_ttl)) {
      EXPECT_EQ(h.result_code, 2);  // local, never written
    } else if (h.transaction_ttl == first) {
      EXPECT_EQ(h.result_code, 0);
      EXPECT_EQ(h.generation, 7u);
    } else {
      EXPECT_EQ(h.result_code, 11);
    }
  }
  ASSERT_EQ(seen.size(), static_cast<size_t>(n));
  for (const auto& [index, count] : seen) EXPECT_EQ(count, 1) << index;
}

TEST(BatchJobTest, WithoutARouteEveryRowRunsHere) {
  TestNode node;
  BatchJob job(*node.context, batchBody(5), 100);
  EXPECT_TRUE(job.takeForwards().empty());
  bool done = false;
  auto replies = parseFrames(drain(job, done));
  EXPECT_TRUE(done);
  EXPECT_EQ(replies.size(), 6u);
}

}  // namespace
}  // namespace remora::kv::node::testing
