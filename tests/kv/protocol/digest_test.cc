#include "kv/protocol/digest.h"

#include <gtest/gtest.h>

namespace remora::kv::protocol {
namespace {

// Vectors from reference/aerospike-protocol.md §4, as returned by the official
// client.
TEST(DigestTest, MatchesReferenceVectorForStringKey) {
  auto d = digestForString("demo", "user-1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(digestToHex(*d), "cb07608395bfd4998a1ea04e618971afc3bbf084");
  EXPECT_EQ(partitionId(*d), 1995u);
}

TEST(DigestTest, MatchesReferenceVectorsForIntegerKeys) {
  struct Case {
    int64_t key;
    const char* hex;
    uint32_t pid;
  } cases[] = {
      {1, "b7f4b83889e2da67de683e1df6919a1eacc446c8", 1207},
      {-1, "e9d49a24c3debdc5a6d551d3e7087999a263bb97", 1257},
      {0, "ceded27492b392e0232514bb54a8ec2076acef37", 3790},
  };
  for (const auto& c : cases) {
    auto d = digestForInteger("demo", c.key);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(digestToHex(*d), c.hex) << c.key;
    EXPECT_EQ(partitionId(*d), c.pid) << c.key;
  }
}

TEST(DigestTest, MatchesReferenceVectorForBlobKey) {
  auto d = digestForBlob("demo", std::string("\xca\xfe", 2));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(digestToHex(*d), "9ca034b0ec42626f0fbac6853b1d8dd6342ddbd0");
  EXPECT_EQ(partitionId(*d), 156u);
}

TEST(DigestTest, EmptySetHashesOnlyTypeAndKey) {
  auto d = digestForString("", "user-1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(digestToHex(*d), "7b1b7195a5105b7c4ab113c47ca4d4b6247b696b");
  EXPECT_EQ(partitionId(*d), 2939u);
}

TEST(DigestTest, PartitionIdUsesLowTwelveBitsOfLittleEndianPrefix) {
  Digest d{};
  d[0] = 0xff;
  d[1] = 0xff;
  EXPECT_EQ(partitionId(d), 4095u);
  d[0] = 0x01;
  d[1] = 0x10;  // 0x1001 & 0xfff
  EXPECT_EQ(partitionId(d), 1u);
}

}  // namespace
}  // namespace remora::kv::protocol
