#pragma once

// A DeviceEngine on a temp file with small write blocks, manual time and no
// background defragmentation (tests call defragNow()), unless a test asks.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "kv/storage/device_engine.h"
#include "kv/storage/posix_device_io.h"
#include "tests/kv/storage/faulty_device_io.h"
#include "tests/kv/storage/storage_test_util.h"

namespace remora::kv::storage::testing {

class DeviceEngineFixture : public ::testing::Test {
 protected:
  static constexpr uint32_t kBlockSize = 64 * 1024;

  DeviceEngineFixture() {
    config_.namespace_name = "test";
    config_.kind = EngineKind::kDevice;
    config_.devices = {DeviceConfig{dir_.file("data.dat"), 64ull * kBlockSize}};
    config_.write_block_size = kBlockSize;
    config_.defrag_sleep_ms = 0;
    config_.tomb_raider_period_ms = 0;
    config_.flush_max_ms = 1000;
  }

  // A started engine, failing the test if start() fails.
  std::unique_ptr<DeviceEngine> open() {
    auto engine = std::make_unique<DeviceEngine>(config_, clock_, opener());
    Status st = engine->start();
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    return st.ok() ? std::move(engine) : nullptr;
  }

  DeviceOpener opener() {
    auto faults = faults_;
    return [faults](const std::string& path, uint64_t size, uint32_t) -> Result<DeviceIoPtr> {
      auto inner = PosixDeviceIo::open(path, size);
      if (!inner) {
        return inner.error();
      }
      return DeviceIoPtr(std::make_unique<FaultyDeviceIo>(std::move(*inner), faults));
    };
  }

  static void writeOk(Engine& engine, const Record& r) {
    Status st = engine.write(partitionOf(r.digest), r);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  static std::optional<Record> readOk(Engine& engine, uint64_t i) {
    const Digest d = digestFor(i);
    auto r = engine.read(partitionOf(d), d);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : std::nullopt;
  }
  static uint32_t generationOf(Engine& engine, uint64_t i) {
    auto r = readOk(engine, i);
    return r ? r->generation : 0;
  }

  // Polls `done` until it holds or 20 s pass (generous for loaded CI).
  static bool eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return done();
  }

  TempDir dir_;
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  std::shared_ptr<Faults> faults_ = std::make_shared<Faults>();
  StorageConfig config_;
};

}  // namespace remora::kv::storage::testing
