#include "kv/storage/posix_device_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <cerrno>

#include "kv/storage/aligned_buffer.h"
#include "kv/storage/device_engine.h"
#include "tests/kv/storage/storage_test_util.h"

namespace remora::kv::storage {
namespace {

// Like a file system without O_DIRECT support.
int refuseDirect(const char* path, int flags, unsigned mode) {
  if ((flags & O_DIRECT) != 0) {
    errno = EINVAL;
    return -1;
  }
  return ::open(path, flags, static_cast<mode_t>(mode));
}

TEST(PosixDeviceIoTest, CreatesASizedFileAndRoundTripsAlignedIo) {
  testing::TempDir dir;
  auto device = PosixDeviceIo::open(dir.file("d"), 1 << 20);
  ASSERT_TRUE(device.ok()) << device.error().message;
  EXPECT_EQ((*device)->size(), 1u << 20);
  AlignedBuffer out(kIoAlign);
  std::memset(out.data(), 0x5a, kIoAlign);
  ASSERT_TRUE((*device)->writeAt(out.data(), kIoAlign, 8 * kIoAlign).ok());
  ASSERT_TRUE((*device)->sync().ok());
  AlignedBuffer in(kIoAlign);
  ASSERT_TRUE((*device)->readAt(in.data(), kIoAlign, 8 * kIoAlign).ok());
  EXPECT_EQ(std::memcmp(in.data(), out.data(), kIoAlign), 0);
  EXPECT_FALSE((*device)->readAt(in.data(), kIoAlign, 1 << 20).ok());  // past the end
}

TEST(PosixDeviceIoTest, FallsBackToBufferedIoWhenODirectIsRefused) {
  testing::TempDir dir;
  auto device = PosixDeviceIo::open(dir.file("d"), 1 << 20, refuseDirect);
  ASSERT_TRUE(device.ok());
  EXPECT_FALSE((*device)->directIo());
  AlignedBuffer buf(kIoAlign);
  EXPECT_TRUE((*device)->writeAt(buf.data(), kIoAlign, 0).ok());
}

TEST(PosixDeviceIoTest, AFileWithoutASizeIsRefused) {
  testing::TempDir dir;
  EXPECT_FALSE(PosixDeviceIo::open(dir.file("d"), 0).ok());
  EXPECT_FALSE(PosixDeviceIo::open(dir.file("missing/d"), 1 << 20).ok());
}

TEST(PosixDeviceIoTest, TheEngineCountsDirectIoFallbacks) {
  testing::TempDir dir;
  StorageConfig config;
  config.kind = EngineKind::kDevice;
  config.write_block_size = 64 * 1024;
  config.devices = {DeviceConfig{dir.file("d"), 1 << 20}};
  DeviceEngine engine(config, std::make_shared<testing::ManualClock>(),
                      [](const std::string& path, uint64_t size, uint32_t) {
                        return PosixDeviceIo::open(path, size, refuseDirect);
                      });
  ASSERT_TRUE(engine.start().ok());
  EXPECT_EQ(engine.stats().direct_io_fallbacks, 1u);
}

}  // namespace
}  // namespace remora::kv::storage
