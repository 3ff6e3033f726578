#include "iptables/cidr.h"

#include <gtest/gtest.h>

namespace remora::iptables {
namespace {

TEST(CidrTest, PrintsTheMaskedNetworkLikeIptablesSave) {
  EXPECT_EQ("10.0.0.0/8", Cidr::parse("10.1.2.3/8")->toString());
  EXPECT_EQ("10.1.2.3/32", Cidr::parse("10.1.2.3")->toString());
  EXPECT_EQ("2001:db8::/32", Cidr::parse("2001:db8:0:0::1/32")->toString());
  EXPECT_EQ("::1/128", Cidr::parse("::1")->toString());
}

TEST(CidrTest, RejectsMalformedInput) {
  for (const char* bad :
       {"", "10.0.0.0/33", "10.0.0/8", "::1/129", "10.0.0.0/", "x", "1.2.3.4/8x"}) {
    EXPECT_FALSE(Cidr::parse(bad).has_value()) << bad;
  }
}

TEST(CidrTest, KnowsLoopbackRanges) {
  EXPECT_TRUE(Cidr::parse("127.1.2.3/32")->isLoopback());
  EXPECT_TRUE(Cidr::parse("::1/128")->isLoopback());
  EXPECT_FALSE(Cidr::parse("10.0.0.0/8")->isLoopback());
  EXPECT_FALSE(Cidr::parse("0.0.0.0/0")->isLoopback());
}

} // namespace
} // namespace remora::iptables
