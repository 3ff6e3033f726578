#include "proxy/remoractl/sidecar_config.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "config/bootstrap.h"

namespace remora::remoractl {
namespace {

class SidecarConfigTest : public ::testing::Test {
 protected:
  SidecarConfigTest() {
    options_.identity = "spiffe://cluster.local/ns/shop/sa/cart";
    options_.cert_dir = "/etc/remora/certs";
    options_.mesh_cidrs = {"10.0.0.0/8", "fd00::/8"};
  }

  // Renders, then parses with the proxy's own bootstrap parser.
  config::Bootstrap load() {
    auto yaml = renderSidecarConfig(options_);
    EXPECT_TRUE(yaml.ok()) << yaml.error().message;
    char path[] = "/tmp/remora-sidecar-config-XXXXXX";
    int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    ::close(fd);
    std::ofstream(path) << *yaml;
    config::ErrorList errors;
    auto bootstrap = config::loadBootstrapFile(path, errors);
    std::remove(path);
    EXPECT_TRUE(errors.empty()) << errors.toString() << *yaml;
    return bootstrap ? *bootstrap : config::Bootstrap{};
  }

  const config::ClusterConfig* cluster(const config::Bootstrap& b, const std::string& name) {
    for (const auto& c : b.clusters) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }

  SidecarOptions options_;
};

TEST_F(SidecarConfigTest, DualStackHasAListenerPerFamilyAndAnInboundSourcePerFamily) {
  config::Bootstrap b = load();
  ASSERT_EQ(4u, b.listeners.size());
  EXPECT_EQ("virtualOutbound", b.listeners[0].name);
  EXPECT_EQ("0.0.0.0:15001", b.listeners[0].address.toString());
  EXPECT_EQ("virtualOutboundIpv6", b.listeners[1].name);
  EXPECT_EQ("[::]:15001", b.listeners[1].address.toString());
  EXPECT_EQ("virtualInbound", b.listeners[2].name);
  EXPECT_EQ("0.0.0.0:15006", b.listeners[2].address.toString());
  EXPECT_EQ("virtualInboundIpv6", b.listeners[3].name);
  EXPECT_EQ("[::]:15006", b.listeners[3].address.toString());
  EXPECT_TRUE(b.listeners[1].use_original_dst);
  const auto* v4 = cluster(b, "inbound-passthrough");
  const auto* v6 = cluster(b, "inbound-passthrough-ipv6");
  ASSERT_NE(nullptr, v4);
  ASSERT_NE(nullptr, v6);
  ASSERT_TRUE(v4->source_address.has_value());
  ASSERT_TRUE(v6->source_address.has_value());
  EXPECT_EQ("127.0.0.6", v4->source_address->ip());
  EXPECT_EQ("::6", v6->source_address->ip());
}

TEST_F(SidecarConfigTest, Ipv4OnlyLeavesOutTheIpv6Half) {
  options_.ip_families = IpFamilies::Ipv4;
  config::Bootstrap b = load();
  ASSERT_EQ(2u, b.listeners.size());
  EXPECT_EQ("0.0.0.0:15001", b.listeners[0].address.toString());
  EXPECT_EQ("0.0.0.0:15006", b.listeners[1].address.toString());
  EXPECT_EQ(nullptr, cluster(b, "inbound-passthrough-ipv6"));
}

TEST_F(SidecarConfigTest, Ipv6OnlyUsesTheIpv6ListenersAndSource) {
  options_.ip_families = IpFamilies::Ipv6;
  config::Bootstrap b = load();
  ASSERT_EQ(2u, b.listeners.size());
  EXPECT_EQ("[::]:15001", b.listeners[0].address.toString());
  EXPECT_EQ("[::]:15006", b.listeners[1].address.toString());
  EXPECT_EQ(nullptr, cluster(b, "inbound-passthrough"));
  EXPECT_NE(nullptr, cluster(b, "inbound-passthrough-ipv6"));
}

TEST_F(SidecarConfigTest, RefusesAnIdentityWithoutTrustDomain) {
  options_.identity = "spiffe:///ns/x";
  EXPECT_FALSE(renderSidecarConfig(options_).ok());
}

}  // namespace
}  // namespace remora::remoractl
