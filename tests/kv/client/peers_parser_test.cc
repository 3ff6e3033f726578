#include "kv/client/peers_parser.h"

#include <gtest/gtest.h>

namespace remora::kv::client {
namespace {

TEST(PeersParserTest, ParsesALoneNode) {
  auto p = parsePeers("1,3000,[]");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->generation, 1u);
  EXPECT_TRUE(p->peers.empty());
}

TEST(PeersParserTest, ParsesPeersAndAppliesTheDefaultPort) {
  auto p = parsePeers("4,3000,[[BB9000000000BB9,,[127.0.0.1:3001,10.0.0.2]],[A1,tls,[[::1]:3100]]]");
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_EQ(p->peers.size(), 2u);
  EXPECT_EQ(p->peers[0].node_name, "BB9000000000BB9");
  ASSERT_EQ(p->peers[0].hosts.size(), 2u);
  EXPECT_EQ(p->peers[0].hosts[0], "127.0.0.1:3001");
  EXPECT_EQ(p->peers[0].hosts[1], "10.0.0.2:3000");
  EXPECT_EQ(p->peers[1].hosts[0], "[::1]:3100");
}

TEST(PeersParserTest, RejectsGarbage) {
  EXPECT_FALSE(parsePeers("").ok());
  EXPECT_FALSE(parsePeers("x,3000,[]").ok());
  EXPECT_FALSE(parsePeers("1,3000,[[a,b]]").ok());
}

}  // namespace
}  // namespace remora::kv::client
