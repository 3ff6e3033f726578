#include "kv/protocol/partition_map_codec.h"

#include <gtest/gtest.h>

#include "kv/protocol/compression.h"
#include "kv/protocol/proto_header.h"

namespace remora::kv::protocol {
namespace {

TEST(PartitionMapCodecTest, FullOwnershipMatchesTheObservedReply) {
  PartitionBitmap all;
  all.set();
  const std::string b64 = encodePartitionBitmap(all);
  ASSERT_EQ(b64.size(), kPartitionBitmapBase64Length);
  EXPECT_EQ(b64, std::string(682, '/') + "8=");
}

TEST(PartitionMapCodecTest, BitOrderIsMsbFirstAndRoundTrips) {
  PartitionBitmap some;
  some.set(0);
  some.set(9);
  some.set(4095);
  const std::string b64 = encodePartitionBitmap(some);
  EXPECT_EQ(b64.substr(0, 4), "gEAA");  // 0x80 0x40 0x00
  auto back = decodePartitionBitmap(b64);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, some);
  EXPECT_FALSE(decodePartitionBitmap(b64.substr(1)).ok());
}

TEST(PartitionMapCodecTest, PidArrayIsLittleEndianAndBounded) {
  const std::string field = encodePidArray({1, 0x0203, 4095});
  EXPECT_EQ(field, std::string("\x01\x00\x03\x02\xff\x0f", 6));
  auto back = decodePidArray(field);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->at(1), 0x0203);
  EXPECT_FALSE(decodePidArray("\x01").ok());
  EXPECT_FALSE(decodePidArray(std::string("\x00\x10", 2)).ok());
}

TEST(CompressionTest, RoundTripsAFrameAndRejectsLies) {
  std::string frame(8, '\0');
  encodeProtoHeader(reinterpret_cast<uint8_t*>(frame.data()), MessageType::kAsMsg, 300);
  frame += std::string(300, 'a');
  auto compressed = compressFrame(frame);
  ASSERT_TRUE(compressed.ok());
  auto header = decodeProtoHeader(reinterpret_cast<const uint8_t*>(compressed->data()));
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->type, MessageType::kCompressed);
  const std::string_view body = std::string_view(*compressed).substr(8);
  auto back = decompressBody(body, 1 << 20);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, frame);
  EXPECT_FALSE(decompressBody(body, 100).ok());  // declared size above the limit
  std::string corrupt(body);
  corrupt[12] ^= 0x55;
  EXPECT_FALSE(decompressBody(corrupt, 1 << 20).ok());
}

}  // namespace
}  // namespace remora::kv::protocol
