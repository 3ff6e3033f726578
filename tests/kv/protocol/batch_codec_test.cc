#include "kv/protocol/batch_codec.h"

#include <gtest/gtest.h>

#include "kv/protocol/as_msg_codec.h"

namespace remora::kv::protocol {
namespace {

BatchRow readRow(uint32_t index, uint8_t fill) {
  BatchRow row;
  row.index = index;
  row.digest.fill(fill);
  row.header.info1 = info1::kRead | info1::kGetAll;
  row.fields.push_back({FieldType::kNamespace, "test"});
  row.fields.push_back({FieldType::kSet, "demo"});
  return row;
}

TEST(BatchCodecTest, RoundTripsRowsAndExpandsRepeats) {
  BatchRequest req;
  req.flags = 0x0d;
  req.rows.push_back(readRow(0, 1));
  req.rows.push_back(readRow(1, 2));  // identical apart from the digest → REPEAT
  BatchRow write = readRow(2, 3);
  write.header.info1 = 0;
  write.header.info2 = info2::kWrite | info2::kRespondAllOps;
  write.header.generation = 5;
  write.header.record_ttl = 100;
  write.ops.push_back({OpType::kWrite, ParticleType::kString, 0, "b", "v"});
  req.rows.push_back(write);
  std::string field;
  appendBatchIndex(field, req);
  // Row 1 is a repeat: 25 bytes only.
  auto back = decodeBatchIndex(field);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->flags, 0x0d);
  ASSERT_EQ(back->rows.size(), 3u);
  EXPECT_EQ(back->rows[1].index, 1u);
  EXPECT_EQ(back->rows[1].digest[0], 2);
  EXPECT_EQ(back->rows[1].namespaceName(), "test");
  EXPECT_EQ(back->rows[1].header.info1, info1::kRead | info1::kGetAll);
  EXPECT_EQ(back->rows[2].header.generation, 5u);
  EXPECT_EQ(back->rows[2].header.record_ttl, 100u);
  ASSERT_EQ(back->rows[2].ops.size(), 1u);
  EXPECT_EQ(back->rows[2].ops[0].value, "v");
}

TEST(BatchCodecTest, RejectsTruncationsAndALeadingRepeat) {
  BatchRequest req;
  req.rows.push_back(readRow(0, 1));
  req.rows.push_back(readRow(1, 2));
  std::string field;
  appendBatchIndex(field, req);
  for (size_t n = 0; n < field.size(); ++n) {
    EXPECT_FALSE(decodeBatchIndex(std::string_view(field).substr(0, n)).ok()) << n;
  }
  std::string repeat_first = field.substr(0, 5);
  repeat_first += std::string(4, '\0') + std::string(20, 'x') + "\x01";
  repeat_first[3] = 1;  // n_rows = 1
  EXPECT_FALSE(decodeBatchIndex(repeat_first).ok());
}

TEST(BatchCodecTest, RejectsARowCountThatCannotFit) {
  std::string field("\x7f\xff\xff\xff\x00", 5);
  EXPECT_FALSE(decodeBatchIndex(field).ok());
}

}  // namespace
}  // namespace remora::kv::protocol
