#include "kv/index/partition_table.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "tests/kv/storage/storage_test_util.h"

namespace remora::kv::index {
namespace {

using storage::testing::digestFor;

TEST(PartitionTableTest, FindsWhatWasInsertedAndNothingElse) {
  PartitionTable table;
  for (uint64_t i = 0; i < 1000; ++i) {
    bool created = false;
    IndexEntry* e = table.findOrInsert(digestFor(i), created);
    ASSERT_NE(e, nullptr);
    EXPECT_TRUE(created);
    e->setGeneration(static_cast<uint32_t>(i));
  }
  EXPECT_EQ(table.size(), 1000u);
  for (uint64_t i = 0; i < 1000; ++i) {
    IndexEntry* e = table.find(digestFor(i));
    ASSERT_NE(e, nullptr) << i;
    EXPECT_EQ(e->generation(), i);
    EXPECT_EQ(e->digest(), digestFor(i));
  }
  EXPECT_EQ(table.find(digestFor(5000)), nullptr);
}

TEST(PartitionTableTest, FindOrInsertReturnsTheExistingEntry) {
  PartitionTable table;
  bool created = false;
  IndexEntry* first = table.findOrInsert(digestFor(1), created);
  first->setGeneration(7);
  IndexEntry* again = table.findOrInsert(digestFor(1), created);
  EXPECT_FALSE(created);
  EXPECT_EQ(first, again);
  EXPECT_EQ(again->generation(), 7u);
  EXPECT_EQ(table.size(), 1u);
}

TEST(PartitionTableTest, EraseKeepsEveryOtherEntryReachable) {
  PartitionTable table;
  bool created = false;
  for (uint64_t i = 0; i < 5000; ++i) {
    table.findOrInsert(digestFor(i), created);
  }
  for (uint64_t i = 0; i < 5000; i += 3) {
    EXPECT_TRUE(table.erase(digestFor(i)));
  }
  EXPECT_FALSE(table.erase(digestFor(0)));
  for (uint64_t i = 0; i < 5000; ++i) {
    EXPECT_EQ(table.find(digestFor(i)) != nullptr, i % 3 != 0) << i;
  }
  uint32_t visited = 0;
  table.forEach([&](IndexEntry&) { ++visited; });
  EXPECT_EQ(visited, table.size());
  // Freed entries are reused before the arena grows.
  const uint64_t bytes = table.memoryBytes();
  for (uint64_t i = 0; i < 5000; i += 3) {
    table.findOrInsert(digestFor(100000 + i), created);
  }
  EXPECT_EQ(table.memoryBytes(), bytes);
}

TEST(PartitionTableTest, EntryPointersSurviveGrowth) {
  PartitionTable table;
  bool created = false;
  IndexEntry* e = table.findOrInsert(digestFor(42), created);
  e->setVoidTime(99);
  for (uint64_t i = 0; i < 10000; ++i) {
    table.findOrInsert(digestFor(i + 1000), created);
  }
  EXPECT_EQ(table.find(digestFor(42)), e);
  EXPECT_EQ(e->voidTime(), 99u);
}

TEST(IndexEntryTest, FieldsRoundTripInTheirPackedForm) {
  IndexEntry e;
  e.setLastUpdateMs(0xABCD12345678ull);
  e.setSetId(4095);
  e.setTombstone(true);
  e.setDeviceLocation({makeBlockId(127, (1u << 25) - 1), 0xFFFFFFF0u});
  EXPECT_EQ(e.lastUpdateMs(), 0xABCD12345678ull);
  EXPECT_EQ(e.setId(), 4095);
  EXPECT_TRUE(e.tombstone());
  e.setTombstone(false);
  EXPECT_EQ(e.setId(), 4095);
  EXPECT_FALSE(e.tombstone());
  EXPECT_EQ(deviceOfBlock(e.deviceLocation().block_id), 127u);
  EXPECT_EQ(blockInDevice(e.deviceLocation().block_id), (1u << 25) - 1);
  int x = 0;
  e.setMemoryLocation(&x);
  EXPECT_EQ(e.memoryLocation(), &x);
}

}  // namespace
}  // namespace remora::kv::index
