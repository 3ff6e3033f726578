#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "kv/storage/device_engine.h"
#include "tests/kv/storage/device_engine_fixture.h"

namespace remora::kv::storage {
namespace {

using testing::digestFor;
using testing::makeRecord;

class DeviceEngineDefragTest : public testing::DeviceEngineFixture {};

TEST_F(DeviceEngineDefragTest, ReclaimsSparseBlocksAndKeepsEveryLiveRecord) {
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  constexpr uint64_t kRecords = 3000;  // ~10 blocks
  for (uint64_t i = 0; i < kRecords; ++i) writeOk(*engine, makeRecord(i, 1));
  // Overwrite 80%: the first blocks keep only a fifth of their bytes live.
  for (uint64_t i = 0; i < kRecords; ++i) {
    if (i % 5 != 0) writeOk(*engine, makeRecord(i, 2));
  }
  const EngineStats before = engine->stats();
  EXPECT_GT(before.defrag_blocks_pending, 0u);

  auto freed = engine->defragNow();
  ASSERT_TRUE(freed.ok()) << freed.error().message;
  EXPECT_GT(*freed, 0u);
  const EngineStats after = engine->stats();
  EXPECT_EQ(after.defrag_blocks_reclaimed, *freed);
  EXPECT_GT(after.defrag_records_moved, 0u);
  EXPECT_EQ(after.defrag_blocks_pending, 0u);
  EXPECT_GT(after.write_blocks_free, before.write_blocks_free);
  EXPECT_EQ(after.records, kRecords);
  for (uint64_t i = 0; i < kRecords; ++i) {
    ASSERT_EQ(generationOf(*engine, i), i % 5 == 0 ? 1u : 2u) << i;
  }
  // And the moved copies are what a cold start finds.
  ASSERT_TRUE(engine->shutdown().ok());
  engine = open();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->stats().records, kRecords);
  EXPECT_EQ(engine->stats().corrupt_records, 0u);
  for (uint64_t i = 0; i < kRecords; ++i) {
    ASSERT_EQ(generationOf(*engine, i), i % 5 == 0 ? 1u : 2u) << i;
  }
}

TEST_F(DeviceEngineDefragTest, FreedBlocksAreReusedSoTheDeviceNeverFillsUnderOverwrites) {
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  // 20 passes over 2000 records write ~9 MB through a 4 MiB device.
  for (uint32_t gen = 1; gen <= 20; ++gen) {
    for (uint64_t i = 0; i < 2000; ++i) writeOk(*engine, makeRecord(i, gen));
    ASSERT_TRUE(engine->defragNow().ok());
  }
  for (uint64_t i = 0; i < 2000; ++i) ASSERT_EQ(generationOf(*engine, i), 20u);
  EXPECT_GT(engine->stats().defrag_blocks_reclaimed, 64u);
}

TEST_F(DeviceEngineDefragTest, BackgroundDefragmenterRunsWhenABlockFallsBelowTheLwm) {
  config_.defrag_sleep_ms = 60 * 60 * 1000;  // only the wake-up can make it run in time
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  for (uint64_t i = 0; i < 1500; ++i) writeOk(*engine, makeRecord(i, 1));
  for (uint64_t i = 0; i < 1500; ++i) writeOk(*engine, makeRecord(i, 2));
  EXPECT_TRUE(eventually([&] { return engine->stats().defrag_blocks_reclaimed > 0; }));
  for (uint64_t i = 0; i < 1500; ++i) ASSERT_EQ(generationOf(*engine, i), 2u);
}

// A record moved by the defragmenter must never replace a newer write of
// the same digest that raced with the move.
TEST_F(DeviceEngineDefragTest, MovesNeverClobberConcurrentNewerWrites) {
  config_.devices[0].filesize = 256ull * kBlockSize;
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  constexpr uint64_t kRecords = 1000;
  std::atomic<bool> done{false};
  std::thread defrag([&] {
    while (!done) {
      auto r = engine->defragNow();
      if (!r.ok()) ADD_FAILURE() << r.error().message;
    }
  });
  for (uint32_t gen = 1; gen <= 15; ++gen) {
    for (uint64_t i = 0; i < kRecords; ++i) writeOk(*engine, makeRecord(i, gen));
  }
  done = true;
  defrag.join();
  for (uint64_t i = 0; i < kRecords; ++i) ASSERT_EQ(generationOf(*engine, i), 15u) << i;
  ASSERT_TRUE(engine->shutdown().ok());
  engine = open();
  ASSERT_NE(engine, nullptr);
  for (uint64_t i = 0; i < kRecords; ++i) ASSERT_EQ(generationOf(*engine, i), 15u) << i;
}

}  // namespace
}  // namespace remora::kv::storage
