#include "kv/storage/memory_engine.h"

#include <gtest/gtest.h>

#include "kv/storage/storage_error.h"
#include "tests/kv/storage/storage_test_util.h"

namespace remora::kv::storage {
namespace {

using testing::digestFor;
using testing::makeRecord;

class MemoryEngineTest : public ::testing::Test {
 protected:
  MemoryEngineTest() : engine_(config(), clock_) { EXPECT_TRUE(engine_.start().ok()); }
  static StorageConfig config() {
    StorageConfig c;
    c.kind = EngineKind::kMemory;
    c.write_block_size = 64 * 1024;
    return c;
  }
  std::optional<Record> read(uint64_t i) {
    auto r = engine_.read(partitionOf(digestFor(i)), digestFor(i));
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::nullopt;
  }
  void write(const Record& r) { ASSERT_TRUE(engine_.write(partitionOf(r.digest), r).ok()); }

  std::shared_ptr<testing::ManualClock> clock_ = std::make_shared<testing::ManualClock>();
  MemoryEngine engine_;
};

TEST_F(MemoryEngineTest, WritesReadsOverwritesAndDeletes) {
  EXPECT_FALSE(read(1).has_value());
  write(makeRecord(1, 1));
  ASSERT_TRUE(read(1).has_value());
  EXPECT_EQ(read(1)->bins[1].value, makeRecord(1, 1).bins[1].value);
  write(makeRecord(1, 2));
  EXPECT_EQ(read(1)->generation, 2u);
  EXPECT_EQ(engine_.stats().records, 1u);
  const Digest d = digestFor(1);
  EXPECT_TRUE(*engine_.remove(partitionOf(d), d));
  EXPECT_FALSE(*engine_.remove(partitionOf(d), d));
  EXPECT_FALSE(read(1).has_value());
  EXPECT_EQ(engine_.stats().records, 0u);
  EXPECT_EQ(engine_.stats().data_bytes, 0u);
}

TEST_F(MemoryEngineTest, ExpiresByVoidTime) {
  Record r = makeRecord(1);
  r.void_time = clock_->nowVoidTime() + 5;
  write(r);
  write(makeRecord(2));
  clock_->advanceMs(6000);
  EXPECT_FALSE(read(1).has_value());
  EXPECT_EQ(engine_.expire(partitionOf(r.digest), clock_->nowVoidTime()), 1u);
  EXPECT_EQ(engine_.stats().records, 1u);
}

TEST_F(MemoryEngineTest, TruncatesASetBeforeATime) {
  for (uint64_t i = 0; i < 20; ++i) {
    Record r = makeRecord(i, 1, 10, i < 10 ? "a" : "b");
    r.last_update_time_ms = 100 + i;
    write(r);
  }
  ASSERT_TRUE(engine_.truncate("a", 105).ok());
  EXPECT_EQ(engine_.stats().records, 15u);
  EXPECT_FALSE(read(4).has_value());
  EXPECT_TRUE(read(5).has_value());
}

TEST_F(MemoryEngineTest, RefusesOversizedRecords) {
  Status st = engine_.write(0, makeRecord(1, 1, 70000));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(storageErrorCode(st.error()), StorageErrorCode::kRecordTooBig);
}

TEST_F(MemoryEngineTest, ScanStopsWhenAsked) {
  std::vector<uint64_t> same;
  const uint32_t target = partitionOf(digestFor(0));
  for (uint64_t i = 0; same.size() < 3; ++i) {
    if (partitionOf(digestFor(i)) == target) same.push_back(i);
  }
  for (uint64_t i : same) write(makeRecord(i));
  int visits = 0;
  engine_.scan(target, [&](const Record&) { return ++visits < 2; });
  EXPECT_EQ(visits, 2);
}

}  // namespace
}  // namespace remora::kv::storage
