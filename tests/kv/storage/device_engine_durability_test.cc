#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "kv/storage/block_format.h"
#include "kv/storage/block_scanner.h"
#include "kv/storage/device_engine.h"
#include "kv/storage/storage_error.h"
#include "tests/kv/storage/device_engine_fixture.h"

namespace remora::kv::storage {
namespace {

using testing::digestFor;
using testing::makeRecord;

class DeviceEngineDurabilityTest : public testing::DeviceEngineFixture {
 protected:
  std::string fileBytes() {
    std::ifstream in(config_.devices[0].path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void pokeByte(uint64_t offset, char value) {
    const int fd = ::open(config_.devices[0].path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, &value, 1, static_cast<off_t>(offset)), 1);
    ::fsync(fd);
    ::close(fd);
  }
};

// Block buffers are reused without being cleared: what follows a block's
// last record on the device must still be zeros, not a previous block's bytes.
TEST_F(DeviceEngineDurabilityTest, BlocksWrittenFromReusedBuffersEndInZeros) {
  {
    auto engine = open();
    ASSERT_NE(engine, nullptr);
    // Big records first (many blocks, so every buffer is reused), then small
    // ones, whose blocks end where the big ones' bytes still are.
    for (uint64_t i = 0; i < 60; ++i) {
      writeOk(*engine, makeRecord(i, 1, 20000));
    }
    for (uint64_t i = 60; i < 1000; ++i) {
      writeOk(*engine, makeRecord(i, 1, 300 + i % 7));
    }
    ASSERT_TRUE(engine->shutdown().ok());
  }
  const std::string bytes = fileBytes();
  ASSERT_EQ(bytes.size(), 64u * kBlockSize);
  uint32_t used = 0;
  for (uint32_t block = 0; block < 64; ++block) {
    const auto* image = reinterpret_cast<const uint8_t*>(bytes.data()) + block * kBlockSize;
    BlockHeader header;
    if (parseBlockHeader(image, header) != BlockState::kUsed) {
      continue;
    }
    ++used;
    uint32_t end = kBlockHeaderSize;
    const BlockScanResult scan =
        scanBlock(image, kBlockSize, header.block_seq, [&](const ScannedRecord& r) {
          end = r.offset + alignRecord(r.header.total_len);
          return true;
        });
    EXPECT_EQ(scan.corrupt, 0u) << block;
    for (uint32_t off = end; off < kBlockSize; ++off) {
      ASSERT_EQ(image[off], 0) << "block " << block << " byte " << off << " after " << end;
    }
  }
  EXPECT_GT(used, 20u);  // more than the buffer pool (8 + scratch)
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->stats().records, 1000u);
  EXPECT_EQ(engine->stats().corrupt_records, 0u);
}

TEST_F(DeviceEngineDurabilityTest, ColdStartBringsBackEveryRecordAtItsNewestVersion) {
  constexpr uint64_t kRecords = 2000;
  {
    auto engine = open();
    ASSERT_NE(engine, nullptr);
    for (uint32_t gen = 1; gen <= 3; ++gen) {
      for (uint64_t i = 0; i < kRecords; ++i) {
        if (gen == 1 || i % gen == 0) writeOk(*engine, makeRecord(i, gen));
      }
    }
    ASSERT_TRUE(engine->shutdown().ok());
  }
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  const EngineStats s = engine->stats();
  EXPECT_EQ(s.records, kRecords);
  EXPECT_GT(s.cold_start_records, kRecords);
  EXPECT_EQ(s.corrupt_records, 0u);
  for (uint64_t i = 0; i < kRecords; ++i) {
    const uint32_t want = i % 3 == 0 ? 3 : (i % 2 == 0 ? 2 : 1);
    auto r = readOk(*engine, i);
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->generation, want) << i;
    EXPECT_EQ(r->bins[0].value, makeRecord(i, want).bins[0].value);
  }
  // Writes after a cold start go after everything found.
  writeOk(*engine, makeRecord(0, 9));
  ASSERT_TRUE(engine->shutdown().ok());
  engine = open();
  EXPECT_EQ(generationOf(*engine, 0), 9u);
}

// Generation is the caller's and restarts at 1 after a delete; the order on
// the device is what decides.
TEST_F(DeviceEngineDurabilityTest, ARecreatedRecordBeatsItsOlderHigherGeneration) {
  {
    auto engine = open();
    writeOk(*engine, makeRecord(1, 7));
    ASSERT_TRUE(*engine->remove(partitionOf(digestFor(1)), digestFor(1)));
    writeOk(*engine, makeRecord(1, 1));
  }
  auto engine = open();
  EXPECT_EQ(generationOf(*engine, 1), 1u);
}

TEST_F(DeviceEngineDurabilityTest, DeletedRecordsNeverComeBackAcrossDefragAndRestarts) {
  constexpr uint64_t kRecords = 1500;  // ~5 blocks
  {
    auto engine = open();
    for (uint64_t i = 0; i < kRecords; ++i) writeOk(*engine, makeRecord(i, 1));
    // Delete the first 100 (their old copies stay in the first block, which
    // the other records keep mostly live), and make later blocks sparse.
    for (uint64_t i = 0; i < 100; ++i) {
      ASSERT_TRUE(*engine->remove(partitionOf(digestFor(i)), digestFor(i)));
    }
    for (uint64_t i = 600; i < kRecords; ++i) writeOk(*engine, makeRecord(i, 2));
    ASSERT_TRUE(engine->defragNow().ok());
    EXPECT_GT(engine->stats().defrag_blocks_reclaimed, 0u);
    // Old copies of the deleted records are still on the device: no
    // tombstone may go yet.
    auto reaped = engine->runTombRaider();
    ASSERT_TRUE(reaped.ok());
    EXPECT_EQ(*reaped, 0u);
    EXPECT_EQ(engine->stats().tombstones, 100u);
  }
  {
    auto engine = open();
    EXPECT_EQ(engine->stats().records, kRecords - 100);
    for (uint64_t i = 0; i < 100; ++i) ASSERT_FALSE(readOk(*engine, i).has_value()) << i;
    // Now retire the block that holds the old copies, and let the raider
    // drop the tombstones.
    for (uint64_t i = 100; i < 600; ++i) writeOk(*engine, makeRecord(i, 2));
    ASSERT_TRUE(engine->defragNow().ok());
    auto reaped = engine->runTombRaider();
    ASSERT_TRUE(reaped.ok());
    EXPECT_EQ(*reaped, 100u);
    EXPECT_EQ(engine->stats().tombstones, 0u);
    ASSERT_TRUE(engine->defragNow().ok());
  }
  auto engine = open();
  EXPECT_EQ(engine->stats().records, kRecords - 100);
  for (uint64_t i = 0; i < 100; ++i) ASSERT_FALSE(readOk(*engine, i).has_value()) << i;
  for (uint64_t i = 100; i < kRecords; ++i) ASSERT_EQ(generationOf(*engine, i), 2u) << i;
}

TEST_F(DeviceEngineDurabilityTest, ExpiredRecordsDoNotResurrectOlderVersions) {
  {
    auto engine = open();
    writeOk(*engine, makeRecord(1, 1));  // old version, in block 0 that stays live
    for (uint64_t i = 2; i < 400; ++i) writeOk(*engine, makeRecord(i, 1));
    Record r = makeRecord(1, 2);
    r.void_time = clock_->nowVoidTime() + 1;
    writeOk(*engine, r);  // block 1
    for (uint64_t i = 400; i < 900; ++i) writeOk(*engine, makeRecord(i, 1));
    for (uint64_t i = 300; i < 900; ++i) writeOk(*engine, makeRecord(i, 2));  // block 1 sparse
    clock_->advanceMs(5000);
    EXPECT_EQ(engine->expire(partitionOf(r.digest), clock_->nowVoidTime()), 1u);
    auto freed = engine->defragNow();
    ASSERT_TRUE(freed.ok());
    EXPECT_GT(*freed, 0u);
    EXPECT_FALSE(readOk(*engine, 1).has_value());
  }
  auto engine = open();
  EXPECT_FALSE(readOk(*engine, 1).has_value());
  EXPECT_TRUE(readOk(*engine, 2).has_value());
}

TEST_F(DeviceEngineDurabilityTest, CommitToDeviceWritesAreOnTheDeviceWhenAcknowledged) {
  config_.commit_to_device = true;
  config_.flush_max_ms = 60 * 60 * 1000;  // the flusher must not be what saves it
  auto writer = open();
  ASSERT_NE(writer, nullptr);
  writeOk(*writer, makeRecord(1, 1));
  writeOk(*writer, makeRecord(2, 1));
  ASSERT_TRUE(*writer->remove(partitionOf(digestFor(2)), digestFor(2)));
  // A second engine on the same file, the first still running.
  auto reader = open();
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(generationOf(*reader, 1), 1u);
  EXPECT_FALSE(readOk(*reader, 2).has_value());
}

TEST_F(DeviceEngineDurabilityTest, ConcurrentCommitsShareSyncsAndAreAllOnTheDeviceWhenAcked) {
  config_.commit_to_device = true;
  config_.flush_max_ms = 60 * 60 * 1000;
  auto writer = open();
  ASSERT_NE(writer, nullptr);
  // 8 threads x 150 records of ~230 bytes: several 64 KiB blocks get sealed
  // while others wait in the same group.
  constexpr uint64_t kThreads = 8;
  constexpr uint64_t kEach = 150;
  std::vector<std::thread> threads;
  std::atomic<uint64_t> failures{0};
  for (uint64_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = t; i < kThreads * kEach; i += kThreads) {
        const Record r = makeRecord(i, 1);
        if (!writer->write(partitionOf(r.digest), r).ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0u);
  auto reader = open();  // the writer still running: only synced bytes count
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->stats().records, kThreads * kEach);
  for (uint64_t i = 0; i < kThreads * kEach; ++i) ASSERT_EQ(generationOf(*reader, i), 1u) << i;
}

TEST_F(DeviceEngineDurabilityTest, ReadsOfSealedBlocksComeFromMemoryUntilWrittenThenFromTheDevice) {
  auto engine = open();
  ASSERT_NE(engine, nullptr);
  for (uint64_t i = 0; i < 2000; ++i) writeOk(*engine, makeRecord(i, 1));  // ~7 blocks
  for (uint64_t i = 0; i < 2000; i += 7) ASSERT_EQ(generationOf(*engine, i), 1u) << i;
  ASSERT_TRUE(engine->flushNow().ok());
  for (uint64_t i = 0; i < 2000; i += 7) ASSERT_EQ(generationOf(*engine, i), 1u) << i;
  EXPECT_EQ(engine->stats().read_errors, 0u);
}

TEST_F(DeviceEngineDurabilityTest, BufferedWritesReachTheDeviceWithinFlushMaxMs) {
  config_.flush_max_ms = 10;
  auto writer = open();
  ASSERT_NE(writer, nullptr);
  writeOk(*writer, makeRecord(1, 1));
  EXPECT_TRUE(eventually([&] {
    auto reader = std::make_unique<DeviceEngine>(config_, clock_);
    if (!reader->start().ok()) return false;
    auto r = reader->read(partitionOf(digestFor(1)), digestFor(1));
    return r.ok() && r->has_value();
  }));
}

TEST_F(DeviceEngineDurabilityTest, AForeignFileIsRefusedWithAClearError) {
  {
    std::ofstream out(config_.devices[0].path, std::ios::binary);
    out << "this is somebody's database, not ours";
  }
  DeviceEngine engine(config_, clock_);
  Status st = engine.start();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(storageErrorCode(st.error()), StorageErrorCode::kForeignDevice);
  EXPECT_NE(st.error().message.find("foreign"), std::string::npos) << st.error().message;
}

TEST_F(DeviceEngineDurabilityTest, ADeviceOfAnotherNamespaceIsRefused) {
  {
    auto engine = open();
    writeOk(*engine, makeRecord(1));
  }
  config_.namespace_name = "other";
  DeviceEngine engine(config_, clock_);
  Status st = engine.start();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(storageErrorCode(st.error()), StorageErrorCode::kForeignDevice);
  EXPECT_NE(st.error().message.find("another namespace"), std::string::npos);
}

TEST_F(DeviceEngineDurabilityTest, ACorruptedByteIsCaughtByTheChecksum) {
  {
    auto engine = open();
    for (uint64_t i = 0; i < 400; ++i) writeOk(*engine, makeRecord(i, 1));  // > 1 block
  }
  const std::string needle = makeRecord(7, 1).bins[0].value;
  const size_t at = fileBytes().find(needle);
  ASSERT_NE(at, std::string::npos);
  pokeByte(at, 'X');
  {
    auto engine = open();
    ASSERT_NE(engine, nullptr);
    EXPECT_EQ(engine->stats().corrupt_records, 1u);
    EXPECT_FALSE(readOk(*engine, 7).has_value());
    EXPECT_EQ(engine->stats().records, 399u);
    EXPECT_TRUE(readOk(*engine, 8).has_value());
    // Corruption that appears while running is caught on read.
    const size_t at8 = fileBytes().find(makeRecord(8, 1).bins[0].value);
    ASSERT_NE(at8, std::string::npos);
    pokeByte(at8, 'X');
    auto r = engine->read(partitionOf(digestFor(8)), digestFor(8));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(storageErrorCode(r.error()), StorageErrorCode::kCorrupt);
    EXPECT_EQ(engine->stats().corrupt_records, 2u);
  }
}

}  // namespace
}  // namespace remora::kv::storage
