#include "common/tls/peer_identity.h"

#include <gtest/gtest.h>

namespace remora::tls {
namespace {

TEST(PeerIdentityTest, FormatsPeerUriSanLikeEnvoy) {
  EXPECT_EQ(formatPeerUriSan(nullptr), "-");
  network::PeerSecurityInfo peer;
  EXPECT_EQ(formatPeerUriSan(&peer), "-");
  peer.uri_sans = {"spiffe://cluster.local/ns/a/sa/b"};
  EXPECT_EQ(formatPeerUriSan(&peer), "spiffe://cluster.local/ns/a/sa/b");
  peer.uri_sans.push_back("https://example.com");
  EXPECT_EQ(formatPeerUriSan(&peer), "spiffe://cluster.local/ns/a/sa/b,https://example.com");
  EXPECT_EQ(formatPeerSerial(&peer), "-");
  peer.serial = "1f";
  EXPECT_EQ(formatPeerSerial(&peer), "1f");
  EXPECT_EQ(formatTlsVersion(nullptr), "-");
}

TEST(PeerIdentityTest, StripsTheSpiffeSchemeForIstioPrincipals) {
  EXPECT_EQ(principalFromSpiffeId("spiffe://cluster.local/ns/default/sa/sleep"),
            "cluster.local/ns/default/sa/sleep");
  EXPECT_EQ(principalFromSpiffeId("https://x"), "https://x");
}

TEST(PeerIdentityTest, ParsesWellFormedSpiffeIdsOnly) {
  SpiffeId id = parseSpiffeId("spiffe://cluster.local/ns/default/sa/web");
  EXPECT_EQ(id.trust_domain, "cluster.local");
  EXPECT_EQ(id.ns, "default");
  EXPECT_EQ(id.service_account, "web");
  EXPECT_EQ(parseSpiffeId("spiffe://td/ns//sa/web").ns, "");
  EXPECT_EQ(parseSpiffeId("spiffe://td/ns/a/sa/").service_account, "");
  EXPECT_EQ(parseSpiffeId("spiffe://td/ns/a/sa/b/c").service_account, "");
  EXPECT_EQ(parseSpiffeId("http://td/ns/a/sa/b").trust_domain, "");
  EXPECT_EQ(parseSpiffeId("spiffe://td").trust_domain, "td");
}

}  // namespace
}  // namespace remora::tls
