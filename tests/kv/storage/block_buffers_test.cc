#include "kv/storage/block_buffers.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "kv/storage/block_format.h"

namespace remora::kv::storage {
namespace {

constexpr uintptr_t kHugePage = uintptr_t{2} << 20;

uintptr_t addressOf(const uint8_t* p) { return reinterpret_cast<uintptr_t>(p); }

TEST(BlockBuffersTest, HandsOutZeroedAlignedBuffersThatDoNotOverlap) {
  constexpr uint32_t kBlock = 64 * 1024;
  BlockBuffers buffers(kBlock, 5);
  ASSERT_EQ(buffers.count(), 5u);
  EXPECT_EQ(buffers.blockSize(), kBlock);
  for (uint32_t i = 0; i < buffers.count(); ++i) {
    const uint8_t* b = buffers.at(i);
    EXPECT_EQ(addressOf(b) % kIoAlign, 0u) << i;
    for (uint32_t off = 0; off < kBlock; off += 512) {
      ASSERT_EQ(b[off], 0) << i << " " << off;
    }
    if (i > 0) {
      EXPECT_GE(addressOf(b), addressOf(buffers.at(i - 1)) + kBlock);
    }
  }
  // Every byte is writable, and writing one buffer leaves the next alone.
  std::memset(buffers.at(0), 0xab, kBlock);
  EXPECT_EQ(buffers.at(1)[0], 0);
}

// The property that lets a huge page make each buffer one I/O segment.
TEST(BlockBuffersTest, NoBufferOfAtMostTwoMebibytesStraddlesAHugePage) {
  for (const uint32_t block : {256u * 1024, 1u << 20, 2u << 20}) {
    BlockBuffers buffers(block, 5);
    for (uint32_t i = 0; i < buffers.count(); ++i) {
      const uintptr_t start = addressOf(buffers.at(i));
      EXPECT_EQ(start / kHugePage, (start + block - 1) / kHugePage) << block << " #" << i;
    }
  }
}

}  // namespace
}  // namespace remora::kv::storage
