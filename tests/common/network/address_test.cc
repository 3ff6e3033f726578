#include "common/network/address.h"

#include <gtest/gtest.h>

namespace remora::network {
namespace {

TEST(AddressTest, ParsesIpv4AndIpv6WithPorts) {
  auto v4 = Address::fromString("10.1.2.3:3000");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->ip(), "10.1.2.3");
  EXPECT_EQ(v4->port(), 3000);
  EXPECT_EQ(v4->toString(), "10.1.2.3:3000");
  auto v6 = Address::fromString("[fd00::1]:15001");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->version(), IpVersion::v6);
  EXPECT_EQ(v6->toString(), "[fd00::1]:15001");
}

TEST(AddressTest, RejectsMalformedInput) {
  EXPECT_FALSE(Address::fromString("10.1.2.3").ok());
  EXPECT_FALSE(Address::fromString("10.1.2.3:70000").ok());
  EXPECT_FALSE(Address::fromString("fd00::1:80").ok());
  EXPECT_FALSE(Address::fromString("host:80").ok());
  EXPECT_FALSE(Address::fromIp("300.1.1.1", 1).ok());
}

TEST(AddressTest, UnmapsIpv4MappedIpv6AndDetectsLoopback) {
  auto mapped = Address::fromIp("::ffff:127.0.0.6", 80);
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->unmapped().toString(), "127.0.0.6:80");
  EXPECT_TRUE(mapped->isLoopback());
  EXPECT_TRUE(Address::fromIp("::1", 0)->isLoopback());
  EXPECT_FALSE(Address::fromIp("10.0.0.1", 0)->isLoopback());
  EXPECT_TRUE(Address::fromIp("0.0.0.0", 0)->isAnyAddress());
}

TEST(CidrRangeTest, MatchesAddressesInsideThePrefixOnly) {
  auto range = CidrRange::fromString("10.1.0.0/16");
  ASSERT_TRUE(range.ok());
  EXPECT_TRUE(range->contains(*Address::fromIp("10.1.255.7", 1)));
  EXPECT_FALSE(range->contains(*Address::fromIp("10.2.0.1", 1)));
  EXPECT_FALSE(range->contains(*Address::fromIp("fd00::1", 1)));
  auto odd = CidrRange::fromString("192.168.1.129/25");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->toString(), "192.168.1.128/25");
  EXPECT_TRUE(odd->contains(*Address::fromIp("192.168.1.200", 1)));
  EXPECT_FALSE(odd->contains(*Address::fromIp("192.168.1.100", 1)));
  auto v6 = CidrRange::fromString("fd00:10::/32");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->contains(*Address::fromIp("fd00:10:ffff::1", 1)));
  EXPECT_TRUE(CidrRange::fromString("0.0.0.0/0")->contains(*Address::fromIp("8.8.8.8", 1)));
}

TEST(CidrRangeTest, RejectsBadPrefixes) {
  EXPECT_FALSE(CidrRange::fromString("10.0.0.0/33").ok());
  EXPECT_FALSE(CidrRange::fromString("10.0.0.0/x").ok());
  EXPECT_FALSE(CidrRange::fromString("nope/8").ok());
}

}  // namespace
}  // namespace remora::network
