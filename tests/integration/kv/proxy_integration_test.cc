// Two remora-kvd nodes (in-process, memory engines) splitting the partitions
// statically: requests sent to the wrong node are proxied to the owner and
// its reply relayed, in order with pipelined ones; nodes that disagree about
// an owner answer 11 instead of looping; an unreachable owner gives 11.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "kv/client/client.h"
#include "tests/integration/kv/two_nodes.h"
#include "tests/kv/node/node_test_util.h"
#include "tests/kv/node/raw_client.h"

namespace remora::kv {
namespace {

using node::testing::parseFrames;
using node::testing::RawClient;
using node::testing::Reply;
using protocol::OpType;
using protocol::ParticleType;
using twonode::getFrame;
using twonode::keyInHalf;
using twonode::putFrame;
using twonode::RunningNode;
namespace info1 = protocol::info1;
namespace info2 = protocol::info2;

Reply roundTrip(RawClient& c, const std::string& frame) {
  EXPECT_TRUE(c.send(frame));
  auto bytes = c.readFrame();
  EXPECT_TRUE(bytes.has_value());
  auto replies = bytes ? parseFrames(*bytes) : std::vector<Reply>{};
  EXPECT_EQ(replies.size(), 1u);
  return replies.empty() ? Reply{} : replies[0];
}

TEST(KvProxyTest, MisroutedRequestsAreProxiedToTheOwnerAndAnsweredInOrder) {
  // B first. Own addresses (and B's view of A) are placeholders: only A proxies.
  RunningNode b("B2", "0-2047", 1, "2048-4095", 1);
  RunningNode a("A1", "0-2047", 1, "2048-4095", b.port());
  RawClient to_a(a.port());
  ASSERT_TRUE(to_a.connected());
  const std::string remote = keyInHalf(false, 1);  // B's partition
  const std::string local = keyInHalf(true, 2);    // A's partition

  Reply put = roundTrip(to_a, putFrame(remote, "via-a"));
  EXPECT_EQ(put.header.result_code, 0);
  EXPECT_EQ(put.header.generation, 1u);
  EXPECT_EQ(a.counter("kv.proxied"), 1u);
  EXPECT_EQ(b.counter("kv.proxy_received"), 1u);
  EXPECT_EQ(b.counter("kv.client_write_success"), 1u);
  EXPECT_EQ(a.counter("kv.client_write_success"), 0u);

  // The record lives on B.
  RawClient to_b(b.port());
  Reply direct = roundTrip(to_b, getFrame(remote));
  EXPECT_EQ(direct.header.result_code, 0);
  EXPECT_EQ(node::testing::value(direct, "s"), "via-a");

  // Pipelined: local, proxied, local, proxied: the replies keep that order.
  ASSERT_TRUE(to_a.send(putFrame(local, "l1") + getFrame(remote) + getFrame(local) +
                        putFrame(remote, "p2")));
  std::vector<Reply> replies;
  for (int i = 0; i < 4; ++i) {
    auto bytes = to_a.readFrame();
    ASSERT_TRUE(bytes.has_value()) << i;
    for (auto& r : parseFrames(*bytes)) replies.push_back(std::move(r));
  }
  ASSERT_EQ(replies.size(), 4u);
  for (const Reply& r : replies) EXPECT_EQ(r.header.result_code, 0);
  EXPECT_EQ(replies[0].header.generation, 1u);                // put local
  EXPECT_EQ(node::testing::value(replies[1], "s"), "via-a");  // get remote
  EXPECT_EQ(node::testing::value(replies[2], "s"), "l1");     // get local
  EXPECT_EQ(replies[3].header.generation, 2u);                // put remote, 2nd version
  EXPECT_EQ(a.counter("kv.proxied"), 3u);
  EXPECT_EQ(a.counter("kv.proxy_errors"), 0u);
  EXPECT_EQ(a.counter("kv.partition_not_owned"), 0u);
}

TEST(KvProxyTest, EachNodeServesOnlyItsShareInItsReplicasMapAndListsThePeer) {
  RunningNode b("B2", "0-2047", 1, "2048-4095", 1);
  RunningNode a("A1", "0-2047", 1, "2048-4095", b.port());
  client::ClientConfig cc;
  cc.seeds = {"127.0.0.1:" + std::to_string(a.port())};
  auto c = client::Client::connect(cc);
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto peers = (*c)->info("peers-clear-std\npartition-generation\n");
  ASSERT_TRUE(peers.ok());
  EXPECT_NE(peers->find("[[B2,,[127.0.0.1:" + std::to_string(b.port()) + "]]]"), std::string::npos)
      << *peers;
  auto snap = (*c)->cluster().snapshot();
  ASSERT_EQ(snap->nodes.size(), 2u);
  // The client routes every key to its owner: nothing needs proxying.
  for (int i = 0; i < 200; ++i) {
    auto key = *client::Key::make("test", "px", client::Value("k" + std::to_string(i)));
    ASSERT_TRUE((*c)->put({}, key, {{"i", client::Value(int64_t{i})}}).ok()) << i;
    auto r = (*c)->get({}, key);
    ASSERT_TRUE(r.ok()) << i;
  }
  EXPECT_EQ(a.counter("kv.proxied") + b.counter("kv.proxied"), 0u);
  EXPECT_EQ(a.counter("kv.client_write_success") + b.counter("kv.client_write_success"), 200u);
  EXPECT_GT(a.counter("kv.client_write_success"), 0u);
  EXPECT_GT(b.counter("kv.client_write_success"), 0u);
}

TEST(KvProxyTest, NodesThatDisagreeAboutAnOwnerAnswer11InsteadOfLooping) {
  // A says B owns 0-2047; B says A does. A request for 0-2047 at A goes one
  // hop to B, which must not send it back.
  RunningNode b("B2", "0-2047", 1, "2048-4095", 1);
  RunningNode a("A1", "2048-4095", 1, "0-2047", b.port());
  RawClient to_a(a.port());
  Reply r = roundTrip(to_a, putFrame(keyInHalf(true, 3), "x"));
  EXPECT_EQ(r.header.result_code, 11);
  EXPECT_EQ(a.counter("kv.proxied"), 1u);  // relayed B's answer verbatim
  EXPECT_EQ(b.counter("kv.proxy_hop_limit"), 1u);
  EXPECT_EQ(b.counter("kv.partition_not_owned"), 1u);
  EXPECT_EQ(b.counter("kv.proxied"), 0u);
}

TEST(KvProxyTest, AnUnreachableOwnerGives11AndIsCounted) {
  // B's address is a port nothing listens on.
  RunningNode a("A1", "0-2047", 1, "2048-4095", 1);
  RawClient to_a(a.port());
  Reply r = roundTrip(to_a, putFrame(keyInHalf(false, 4), "x"));
  EXPECT_EQ(r.header.result_code, 11);
  EXPECT_EQ(a.counter("kv.proxy_errors"), 1u);
  // The connection stays usable, for local keys too.
  Reply local = roundTrip(to_a, putFrame(keyInHalf(true, 5), "y"));
  EXPECT_EQ(local.header.result_code, 0);
}

}  // namespace
}  // namespace remora::kv
