#include "kv/storage/device_engine.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "kv/storage/engine_factory.h"
#include "kv/storage/storage_error.h"
#include "tests/kv/storage/device_engine_fixture.h"

namespace remora::kv::storage {
namespace {

using testing::digestFor;
using testing::makeRecord;

class DeviceEngineTest : public testing::DeviceEngineFixture {};

TEST_F(DeviceEngineTest, WritesReadsOverwritesAndDeletes) {
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  const Digest d = digestFor(1);
  const uint32_t p = partitionOf(d);
  auto missing = engine->read(p, d);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  writeOk(*engine, makeRecord(1, 1));
  auto got = readOk(*engine, 1);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->bins[0].value, makeRecord(1, 1).bins[0].value);
  EXPECT_EQ(got->user_key->second, "key-1");

  writeOk(*engine, makeRecord(1, 2));
  EXPECT_EQ(generationOf(*engine, 1), 2u);
  EXPECT_EQ(engine->stats().records, 1u);

  auto removed = engine->remove(p, d);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(*removed);
  EXPECT_FALSE(readOk(*engine, 1).has_value());
  EXPECT_FALSE(*engine->exists(p, d));
  auto again = engine->remove(p, d);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  const EngineStats s = engine->stats();
  EXPECT_EQ(s.records, 0u);
  EXPECT_EQ(s.tombstones, 1u);
  EXPECT_EQ(s.data_bytes, 0u);
}

TEST_F(DeviceEngineTest, ReadMetaAnswersFromTheIndexWithoutReadingTheDevice) {
  {
    auto engine = open();
    ASSERT_NE(engine, nullptr);
    writeOk(*engine, makeRecord(1, 7));
    Record keyless = makeRecord(2, 3, 100, "");
    keyless.user_key.reset();
    keyless.void_time = clock_->nowVoidTime() + 1000;
    writeOk(*engine, keyless);
    ASSERT_TRUE(engine->shutdown().ok());
  }
  // After a restart no record is in a write buffer: a body read is a device read.
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  const uint64_t reads_before = faults_->reads.load();
  const Digest d1 = digestFor(1);
  auto m1 = engine->readMeta(partitionOf(d1), d1);
  ASSERT_TRUE(m1.ok() && m1->has_value());
  EXPECT_EQ((*m1)->generation, 7u);
  EXPECT_EQ((*m1)->set_name, "demo");
  EXPECT_EQ((*m1)->last_update_time_ms, makeRecord(1, 7).last_update_time_ms);
  EXPECT_TRUE((*m1)->has_user_key);  // from the record header at cold start
  const Digest d2 = digestFor(2);
  auto m2 = engine->readMeta(partitionOf(d2), d2);
  ASSERT_TRUE(m2.ok() && m2->has_value());
  EXPECT_EQ((*m2)->generation, 3u);
  EXPECT_EQ((*m2)->set_name, "");
  EXPECT_EQ((*m2)->void_time, clock_->nowVoidTime() + 1000);
  EXPECT_FALSE((*m2)->has_user_key);
  const Digest d3 = digestFor(3);
  auto m3 = engine->readMeta(partitionOf(d3), d3);
  ASSERT_TRUE(m3.ok());
  EXPECT_FALSE(m3->has_value());
  EXPECT_EQ(faults_->reads.load(), reads_before);
  EXPECT_EQ(engine->stats().device_reads, 0u);

  ASSERT_TRUE(readOk(*engine, 1).has_value());
  EXPECT_EQ(faults_->reads.load(), reads_before + 1);
  EXPECT_EQ(engine->stats().device_reads, 1u);

  // Expired and deleted records have no metadata either, as read() has no record.
  clock_->advanceMs(2000 * 1000);
  m2 = engine->readMeta(partitionOf(d2), d2);
  ASSERT_TRUE(m2.ok());
  EXPECT_FALSE(m2->has_value());
  ASSERT_TRUE(engine->remove(partitionOf(d1), d1).ok());
  m1 = engine->readMeta(partitionOf(d1), d1);
  ASSERT_TRUE(m1.ok());
  EXPECT_FALSE(m1->has_value());
}

TEST_F(DeviceEngineTest, AnOverwriteWithoutAReadStillFreesTheOldCopy) {
  constexpr uint64_t kRecords = 40;  // ~45 KiB: one write block
  {
    auto engine = open();
    ASSERT_NE(engine, nullptr);
    for (uint64_t i = 0; i < kRecords; ++i) writeOk(*engine, makeRecord(i, 1, 1000));
    ASSERT_TRUE(engine->shutdown().ok());
  }
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  const uint64_t reads_before = faults_->reads.load();
  const uint64_t data_before = engine->stats().data_bytes;
  for (uint64_t i = 0; i < kRecords; ++i) {
    const Digest d = digestFor(i);
    auto meta = engine->readMeta(partitionOf(d), d);
    ASSERT_TRUE(meta.ok() && meta->has_value());
    writeOk(*engine, makeRecord(i, (*meta)->generation + 1, 1000));
  }
  EXPECT_EQ(faults_->reads.load(), reads_before);
  EXPECT_EQ(engine->stats().data_bytes, data_before);  // the old copies stopped counting
  // Nothing in the old block is live any more: a defrag pass frees it.
  auto freed = engine->defragNow();
  ASSERT_TRUE(freed.ok()) << freed.error().message;
  EXPECT_GE(*freed, 1u);
  EXPECT_EQ(engine->stats().defrag_records_moved, 0u);
  EXPECT_EQ(generationOf(*engine, 0), 2u);
}

TEST_F(DeviceEngineTest, ReadsBackRecordsFromManySealedBlocks) {
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  constexpr uint64_t kRecords = 3000;  // ~10 write blocks
  for (uint64_t i = 0; i < kRecords; ++i) {
    writeOk(*engine, makeRecord(i));
  }
  for (uint64_t i = 0; i < kRecords; ++i) {
    auto r = readOk(*engine, i);
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->bins[0].value, makeRecord(i).bins[0].value);
  }
  const EngineStats s = engine->stats();
  EXPECT_EQ(s.records, kRecords);
  EXPECT_EQ(s.write_blocks_total, 64u);
  EXPECT_LT(s.write_blocks_free, 64u - 9);
  EXPECT_EQ(s.device_total_bytes, 64ull * kBlockSize);
  EXPECT_GT(s.index_bytes, 0u);
}

TEST_F(DeviceEngineTest, CountsItsBlockWritesAndTheirTime) {
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  constexpr uint64_t kRecords = 3000;  // ~10 write blocks, more than the buffer pool
  for (uint64_t i = 0; i < kRecords; ++i) {
    writeOk(*engine, makeRecord(i));
  }
  ASSERT_TRUE(engine->flushNow().ok());
  const EngineStats s = engine->stats();
  // Each sealed block once at least, and the open block's pages for the flush.
  EXPECT_GE(s.block_writes, 64u - s.write_blocks_free);
  EXPECT_GT(s.block_write_us, 0u);
}

TEST_F(DeviceEngineTest, RefusesARecordLargerThanAWriteBlock) {
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  Status st = engine->write(0, makeRecord(1, 1, kBlockSize));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(storageErrorCode(st.error()), StorageErrorCode::kRecordTooBig);
}

TEST_F(DeviceEngineTest, ExpiredRecordsReadAsAbsentAndExpireRemovesThem) {
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  const uint32_t now = clock_->nowVoidTime();
  Record soon = makeRecord(1);
  soon.void_time = now + 10;
  Record never = makeRecord(2);
  writeOk(*engine, soon);
  writeOk(*engine, never);
  EXPECT_TRUE(readOk(*engine, 1).has_value());
  clock_->advanceMs(11 * 1000);
  EXPECT_FALSE(readOk(*engine, 1).has_value());
  const Digest d = digestFor(1);
  EXPECT_EQ(engine->expire(partitionOf(d), clock_->nowVoidTime()), 1u);
  EXPECT_EQ(engine->expire(partitionOf(d), clock_->nowVoidTime()), 0u);
  EXPECT_TRUE(readOk(*engine, 2).has_value());
  EXPECT_EQ(engine->stats().records, 1u);
  // Re-creating an expired record works.
  writeOk(*engine, makeRecord(1, 1));
  EXPECT_TRUE(readOk(*engine, 1).has_value());
}

TEST_F(DeviceEngineTest, TruncateRemovesOnlyOlderRecordsOfTheSet) {
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  for (uint64_t i = 0; i < 100; ++i) {
    Record r = makeRecord(i, 1, 50, i % 2 == 0 ? "even" : "odd");
    r.last_update_time_ms = i < 50 ? 1000 : 3000;
    writeOk(*engine, r);
  }
  ASSERT_TRUE(engine->truncate("even", 2000).ok());
  for (uint64_t i = 0; i < 100; ++i) {
    const bool gone = i % 2 == 0 && i < 50;
    EXPECT_EQ(readOk(*engine, i).has_value(), !gone) << i;
  }
  ASSERT_TRUE(engine->truncate("", 2000).ok());
  EXPECT_EQ(engine->stats().records, 50u);
  ASSERT_TRUE(engine->truncate("never-seen", 99999).ok());
  // Truncation is durable.
  ASSERT_TRUE(engine->shutdown().ok());
  engine = open();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->stats().records, 50u);
  EXPECT_FALSE(readOk(*engine, 1).has_value());
  EXPECT_TRUE(readOk(*engine, 51).has_value());
}

TEST_F(DeviceEngineTest, ScanVisitsTheLiveRecordsOfOnePartition) {
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  // Find digests in one partition.
  std::vector<uint64_t> same;
  const uint32_t target = partitionOf(digestFor(0));
  for (uint64_t i = 0; same.size() < 5; ++i) {
    if (partitionOf(digestFor(i)) == target) same.push_back(i);
  }
  for (uint64_t i : same) writeOk(*engine, makeRecord(i));
  ASSERT_TRUE(engine->remove(target, digestFor(same[0])).ok());
  std::set<Digest> seen;
  engine->scan(target, [&](const Record& r) {
    seen.insert(r.digest);
    return true;
  });
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen.count(digestFor(same[0])), 0u);
  int visits = 0;
  engine->scan(target, [&](const Record&) { return ++visits < 2; });
  EXPECT_EQ(visits, 2);
}

TEST_F(DeviceEngineTest, ConcurrentWritersOnDifferentPartitionsAllLand) {
  config_.defrag_sleep_ms = 1;                        // the defragmenter runs alongside
  config_.devices[0].filesize = 256ull * kBlockSize;  // room even if defrag lags
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  constexpr int kThreads = 4;
  constexpr uint64_t kPerThread = 1500;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Thread t owns the partitions p with p % kThreads == t.
      for (uint64_t i = 0, written = 0; written < kPerThread; ++i) {
        if (partitionOf(digestFor(i)) % kThreads != static_cast<uint32_t>(t)) continue;
        for (uint32_t gen = 1; gen <= 3; ++gen) {
          const Record r = makeRecord(i, gen);
          if (!engine->write(partitionOf(r.digest), r).ok()) ++failures;
        }
        ++written;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(engine->stats().records, kThreads * kPerThread);
  uint64_t checked = 0;
  for (uint64_t i = 0; checked < kThreads * kPerThread && i < 100000; ++i) {
    auto r = readOk(*engine, i);
    if (!r) continue;
    EXPECT_EQ(r->generation, 3u) << i;
    ++checked;
  }
  EXPECT_EQ(checked, kThreads * kPerThread);
}

TEST_F(DeviceEngineTest, FactoryMakesBothKindsAndRefusesBadConfig) {
  auto device = createEngine(config_, clock_);
  ASSERT_TRUE(device.ok());
  ASSERT_TRUE((*device)->start().ok());
  writeOk(**device, makeRecord(1));
  EXPECT_TRUE((*device)->shutdown().ok());
  EXPECT_FALSE((*device)->read(0, digestFor(1)).ok());  // shut down

  StorageConfig bad = config_;
  bad.write_block_size = 3000;
  auto engine = createEngine(bad, clock_);
  ASSERT_TRUE(engine.ok());
  EXPECT_FALSE((*engine)->start().ok());

  StorageConfig none = config_;
  none.devices.clear();
  EXPECT_FALSE(createEngine(none, clock_).ok());

  StorageConfig memory;
  memory.kind = EngineKind::kMemory;
  auto mem = createEngine(memory);
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE((*mem)->start().ok());
  writeOk(**mem, makeRecord(2));
  EXPECT_TRUE(readOk(**mem, 2).has_value());
}

}  // namespace
}  // namespace remora::kv::storage
