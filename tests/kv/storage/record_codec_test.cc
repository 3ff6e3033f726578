#include "kv/storage/record_codec.h"

#include <gtest/gtest.h>

#include <vector>

#include "kv/storage/storage_error.h"
#include "tests/kv/storage/storage_test_util.h"

namespace remora::kv::storage {
namespace {

using testing::makeRecord;

std::vector<uint8_t> encode(const Record& r, uint64_t seq = 9) {
  std::vector<uint8_t> buf(alignRecord(encodedRecordSize(r)));
  encodeRecord(r, seq, buf.data());
  return buf;
}

TEST(RecordCodecTest, RoundTripsEveryField) {
  Record r = makeRecord(5, 3);
  r.void_time = 12345;
  auto buf = encode(r);
  EXPECT_EQ(buf.size() % kRecordAlign, 0u);
  auto back = decodeRecord(buf.data(), buf.size());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->digest, r.digest);
  EXPECT_EQ(back->set_name, r.set_name);
  EXPECT_EQ(back->generation, 3u);
  EXPECT_EQ(back->void_time, 12345u);
  EXPECT_EQ(back->last_update_time_ms, r.last_update_time_ms);
  ASSERT_TRUE(back->user_key.has_value());
  EXPECT_EQ(*back->user_key, *r.user_key);
  ASSERT_EQ(back->bins.size(), 2u);
  EXPECT_EQ(back->bins[1].value, r.bins[1].value);
  EXPECT_EQ(back->bins[1].particle_type, 4);
}

TEST(RecordCodecTest, KeepsAKeyOfTypeZeroAndNoKeyApart) {
  Record r = makeRecord(1);
  r.user_key = std::make_pair(uint8_t{0}, std::string("k"));
  auto back = decodeRecord(encode(r).data(), encode(r).size());
  ASSERT_TRUE(back.ok());
  ASSERT_TRUE(back->user_key.has_value());
  EXPECT_EQ(back->user_key->first, 0);
  r.user_key.reset();
  auto buf = encode(r);
  back = decodeRecord(buf.data(), buf.size());
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->user_key.has_value());
}

TEST(RecordCodecTest, DetectsAFlippedByteAnywhere) {
  const auto good = encode(makeRecord(2));
  const uint32_t total = encodedRecordSize(makeRecord(2));
  for (uint32_t i = 0; i < total; ++i) {
    auto bad = good;
    bad[i] ^= 0x40;
    EXPECT_FALSE(parseRecordHeader(bad.data(), bad.size()).ok()) << "byte " << i;
  }
}

TEST(RecordCodecTest, TombstoneIsAHeaderOnly) {
  std::vector<uint8_t> buf(kRecordHeaderSize);
  EXPECT_EQ(encodeTombstone(testing::digestFor(3), 4, 99, 7, buf.data()), kRecordHeaderSize);
  auto h = parseRecordHeader(buf.data(), buf.size());
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->tombstone);
  EXPECT_EQ(h->generation, 4u);
  EXPECT_EQ(h->block_seq, 7u);
}

TEST(RecordCodecTest, PatchBlockSeqKeepsTheChecksumValid) {
  auto buf = encode(makeRecord(4), 1);
  patchBlockSeq(buf.data(), 77);
  auto h = parseRecordHeader(buf.data(), buf.size());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->block_seq, 77u);
}

TEST(RecordCodecTest, RefusesTruncatedInput) {
  auto buf = encode(makeRecord(6));
  bool framed = true;
  auto h = parseRecordHeader(buf.data(), 40, &framed);
  ASSERT_FALSE(h.ok());
  EXPECT_FALSE(framed);
  EXPECT_EQ(storageErrorCode(h.error()), StorageErrorCode::kCorrupt);
}

}  // namespace
}  // namespace remora::kv::storage
