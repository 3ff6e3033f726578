#include "kv/storage/block_format.h"

#include <gtest/gtest.h>

#include <vector>

#include "kv/storage/crc32c.h"

namespace remora::kv::storage {
namespace {

TEST(Crc32cTest, MatchesTheKnownCheckValue) {
  // The CRC-32C check value of "123456789" (RFC 3720 / iSCSI).
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
  // Incremental equals one-shot.
  EXPECT_EQ(crc32c("6789", 4, crc32c("12345", 5)), 0xE3069283u);
  EXPECT_EQ(crc32cSoftware("123456789", 9), 0xE3069283u);
}

TEST(Crc32cTest, TheFastPathAgreesWithTheSoftwareOneOnEveryLengthAndAlignment) {
  std::vector<uint8_t> data(5000);
  uint32_t x = 12345;
  for (uint8_t& b : data) {
    x = x * 1103515245u + 12345u;
    b = static_cast<uint8_t>(x >> 16);
  }
  for (size_t len = 0; len <= 2400; len += (len < 64 ? 1 : 37)) {
    for (size_t off = 0; off < 3; ++off) {
      ASSERT_EQ(crc32c(data.data() + off, len, 7), crc32cSoftware(data.data() + off, len, 7))
          << "len " << len << " off " << off;
    }
  }
  EXPECT_EQ(crc32c(data.data(), data.size()), crc32cSoftware(data.data(), data.size()));
}

TEST(BlockFormatTest, HeaderRoundTrips) {
  std::vector<uint8_t> page(kIoAlign, 0);
  BlockHeader h{namespaceSignature("test"), 42, 1u << 20, 3, 17};
  encodeBlockHeader(h, page.data());
  BlockHeader back;
  ASSERT_EQ(parseBlockHeader(page.data(), back), BlockState::kUsed);
  EXPECT_EQ(back.namespace_sig, h.namespace_sig);
  EXPECT_EQ(back.block_seq, 42u);
  EXPECT_EQ(back.write_block_size, 1u << 20);
  EXPECT_EQ(back.device_index, 3u);
  EXPECT_EQ(back.block_index, 17u);
}

TEST(BlockFormatTest, ClassifiesZerosForeignDataAndDamage) {
  std::vector<uint8_t> page(kIoAlign, 0);
  BlockHeader out;
  EXPECT_EQ(parseBlockHeader(page.data(), out), BlockState::kFree);
  page[4000] = 1;  // anything non-zero in the first page is not "free"
  EXPECT_EQ(parseBlockHeader(page.data(), out), BlockState::kForeign);
  encodeBlockHeader(BlockHeader{1, 2, 1u << 20, 0, 0}, page.data());
  page[30] ^= 1;
  EXPECT_EQ(parseBlockHeader(page.data(), out), BlockState::kCorruptHeader);
  EXPECT_NE(namespaceSignature("test"), namespaceSignature("bar"));
}

}  // namespace
}  // namespace remora::kv::storage
