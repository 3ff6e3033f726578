#include "kv/client/value.h"

#include <gtest/gtest.h>

#include "kv/client/key.h"
#include "kv/protocol/digest.h"

namespace remora::kv::client {
namespace {

using protocol::ParticleType;

TEST(ValueTest, RoundTripsThroughParticles) {
  for (const Value& v : {Value(int64_t{-3}), Value(2.5), Value("s"), Value(Bytes{"\x01\x02"}),
                         Value(Opaque{ParticleType::kList, "\x90"})}) {
    EXPECT_EQ(Value::decode(v.particleType(), v.encode()), v) << v.toString();
  }
  EXPECT_TRUE(Value::decode(ParticleType::kNull, "").isNull());
  EXPECT_EQ(Value(Bytes{"\xca\xfe"}).toString(), "0xcafe");
}

TEST(KeyTest, DigestsMatchTheReferenceVectors) {
  auto k = Key::make("test", "demo", Value("user-1"));
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(protocol::digestToHex(k->digest), "cb07608395bfd4998a1ea04e618971afc3bbf084");
  EXPECT_EQ(k->partition(), 1995u);
  auto i = Key::make("test", "demo", Value(int64_t{1}));
  EXPECT_EQ(i->partition(), 1207u);
  EXPECT_FALSE(Key::make("test", "demo", Value(1.5)).ok());
}

}  // namespace
}  // namespace remora::kv::client
