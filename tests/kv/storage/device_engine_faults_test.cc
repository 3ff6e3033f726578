#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kv/storage/device_engine.h"
#include "kv/storage/storage_error.h"
#include "tests/kv/storage/device_engine_fixture.h"

namespace remora::kv::storage {
namespace {

using testing::digestFor;
using testing::makeRecord;

class DeviceEngineFaultsTest : public testing::DeviceEngineFixture {};

TEST_F(DeviceEngineFaultsTest, AFailedCommitIsAnErrorAndLeavesNothingBehind) {
  config_.commit_to_device = true;
  for (const bool short_write : {false, true}) {
    SCOPED_TRACE(short_write ? "short write" : "EIO");
    testing::TempDir dir;
    config_.devices[0].path = dir.file("data.dat");
    {
      auto engine = open();
      ASSERT_NE(engine, nullptr);
      writeOk(*engine, makeRecord(1, 1));
      (short_write ? faults_->short_writes : faults_->fail_writes) = true;
      Status st = engine->write(partitionOf(digestFor(2)), makeRecord(2, 1));
      ASSERT_FALSE(st.ok());
      EXPECT_EQ(storageErrorCode(st.error()), StorageErrorCode::kIo);
      faults_->short_writes = false;
      faults_->fail_writes = false;
      EXPECT_FALSE(readOk(*engine, 2).has_value());
      EXPECT_GE(engine->stats().write_errors, 1u);
      writeOk(*engine, makeRecord(3, 1));
      EXPECT_TRUE(readOk(*engine, 1).has_value());
    }
    auto engine = open();
    ASSERT_NE(engine, nullptr);
    EXPECT_TRUE(readOk(*engine, 1).has_value());
    EXPECT_FALSE(readOk(*engine, 2).has_value());
    EXPECT_TRUE(readOk(*engine, 3).has_value());
    EXPECT_EQ(engine->stats().corrupt_records, 0u);
  }
}

TEST_F(DeviceEngineFaultsTest, AFailedSyncIsAnErrorToo) {
  config_.commit_to_device = true;
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  faults_->fail_sync = true;
  Status st = engine->write(partitionOf(digestFor(2)), makeRecord(2, 1));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(storageErrorCode(st.error()), StorageErrorCode::kIo);
  faults_->fail_sync = false;
  EXPECT_FALSE(readOk(*engine, 2).has_value());
}

TEST_F(DeviceEngineFaultsTest, AFailedGroupCommitFailsEveryWriteInItAndKeepsNoneOfThem) {
  config_.commit_to_device = true;
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  writeOk(*engine, makeRecord(0, 1));
  faults_->fail_sync = true;
  std::atomic<uint64_t> acked{0};
  std::vector<std::thread> threads;
  for (uint64_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 1 + t; i <= 400; i += 4) {  // enough to cross block boundaries
        const Record r = makeRecord(i, 1);
        if (engine->write(partitionOf(r.digest), r).ok()) acked.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(acked.load(), 0u);
  faults_->fail_sync = false;
  for (uint64_t i = 1; i <= 400; ++i) ASSERT_FALSE(readOk(*engine, i).has_value()) << i;
  writeOk(*engine, makeRecord(401, 1));
  ASSERT_TRUE(engine->shutdown().ok());
  engine = open();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->stats().records, 2u);
  EXPECT_TRUE(readOk(*engine, 0).has_value());
  EXPECT_TRUE(readOk(*engine, 401).has_value());
}

TEST_F(DeviceEngineFaultsTest, AFailedBlockWriteIsRetriedAndServedFromMemoryMeanwhile) {
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  faults_->fail_writes = true;
  uint64_t acked = 0;
  Status st = okStatus();
  // Until the first block must be sealed, writes only touch memory.
  while ((st = engine->write(partitionOf(digestFor(acked)), makeRecord(acked, 1))).ok()) {
    ++acked;
  }
  EXPECT_EQ(storageErrorCode(st.error()), StorageErrorCode::kIo);
  EXPECT_GT(acked, 100u);
  for (uint64_t i = 0; i < acked; ++i) ASSERT_TRUE(readOk(*engine, i).has_value()) << i;
  EXPECT_FALSE(readOk(*engine, acked).has_value());
  EXPECT_GE(engine->stats().write_errors, 1u);
  faults_->fail_writes = false;
  writeOk(*engine, makeRecord(acked, 1));
  ASSERT_TRUE(engine->shutdown().ok());
  engine = open();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->stats().records, acked + 1);
  EXPECT_EQ(engine->stats().corrupt_records, 0u);
}

TEST_F(DeviceEngineFaultsTest, AFailedReadIsAnIoError) {
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  for (uint64_t i = 0; i < 400; ++i) writeOk(*engine, makeRecord(i, 1));  // seals block 0
  // A sealed block is served from memory until the writer thread wrote it.
  ASSERT_TRUE(engine->flushNow().ok());
  faults_->fail_reads = true;
  auto r = engine->read(partitionOf(digestFor(0)), digestFor(0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(storageErrorCode(r.error()), StorageErrorCode::kIo);
  EXPECT_EQ(engine->stats().read_errors, 1u);
  faults_->fail_reads = false;
  EXPECT_TRUE(readOk(*engine, 0).has_value());
}

TEST_F(DeviceEngineFaultsTest, AFullDeviceRefusesWritesAndKeepsServingReads) {
  config_.devices[0].filesize = 4ull * kBlockSize;
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  uint64_t acked = 0;
  Status st = okStatus();
  while ((st = engine->write(partitionOf(digestFor(acked)), makeRecord(acked, 1))).ok()) {
    ++acked;
    ASSERT_LT(acked, 10000u);
  }
  EXPECT_EQ(storageErrorCode(st.error()), StorageErrorCode::kDeviceFull);
  // Three of the four blocks hold data; one stays in reserve for defrag.
  EXPECT_GT(acked, 2 * 250u);
  const EngineStats s = engine->stats();
  EXPECT_EQ(s.device_full_errors, 1u);
  EXPECT_EQ(s.write_blocks_free, 1u);
  for (uint64_t i = 0; i < acked; ++i) ASSERT_TRUE(readOk(*engine, i).has_value()) << i;
  auto again = engine->write(partitionOf(digestFor(acked)), makeRecord(acked, 1));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(storageErrorCode(again.error()), StorageErrorCode::kDeviceFull);
}

}  // namespace
}  // namespace remora::kv::storage
