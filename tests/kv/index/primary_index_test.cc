#include "kv/index/primary_index.h"

#include <gtest/gtest.h>

#include "tests/kv/storage/storage_test_util.h"

namespace remora::kv::index {
namespace {

using storage::partitionOf;
using storage::testing::digestFor;

// Aerospike budgets 64 bytes of index per record; ours must fit in it with
// the hash slots, the arena's rounding and the allocator's headers counted.
TEST(PrimaryIndexTest, CostsAtMost64BytesPerRecordAtOneMillionRecords) {
  PrimaryIndex index;
  const uint64_t empty = index.memoryBytes();
  constexpr uint64_t kRecords = 1000000;
  uint64_t worst = 0;
  for (uint64_t i = 0; i < kRecords; ++i) {
    const auto d = digestFor(i);
    bool created = false;
    ASSERT_NE(index.findOrInsert(partitionOf(d), d, created), nullptr);
    // Sampled along the way: the budget holds across rehash steps too,
    // once partitions are past their first few records.
    if (i >= 800000 && i % 50000 == 0) {
      worst = std::max(worst, (index.memoryBytes() - empty) / (i + 1));
    }
  }
  EXPECT_EQ(index.recordCount(), kRecords);
  const double per_record = static_cast<double>(index.memoryBytes() - empty) / kRecords;
  RecordProperty("index_bytes_per_record", std::to_string(per_record));
  std::printf("index bytes per record at 1M records: %.1f (worst sampled %llu)\n", per_record,
              static_cast<unsigned long long>(worst));
  EXPECT_LE(per_record, 64.0);
  EXPECT_LE(worst, 64u);
}

TEST(PrimaryIndexTest, PartitionsAreIndependent) {
  PrimaryIndex index;
  const auto d = digestFor(7);
  const uint32_t p = partitionOf(d);
  bool created = false;
  index.findOrInsert(p, d, created);
  EXPECT_NE(index.find(p, d), nullptr);
  EXPECT_EQ(index.find((p + 1) % storage::kPartitionCount, d), nullptr);
  EXPECT_EQ(index.partitionSize(p), 1u);
  EXPECT_TRUE(index.erase(p, d));
  EXPECT_EQ(index.recordCount(), 0u);
}

}  // namespace
}  // namespace remora::kv::index
