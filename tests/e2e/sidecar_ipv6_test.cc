// The mesh over IPv6: the client app connects to the server pod's IPv6 address; the client
// sidecar's "::" outbound listener takes it (IP6T_SO_ORIGINAL_DST), sends it with mTLS to the
// server pod, whose "::" inbound listener delivers it to the app from ::6 (added to lo by
// remora-iptables). Fixture: sidecar_mesh_fixture.h.

#include "tests/e2e/sidecar_mesh_fixture.h"

namespace remora::e2e {
namespace {

class SidecarIpv6Test : public SidecarMeshTest {
 protected:
  void SetUp() override {
    SidecarMeshTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::string error;
    PodProcess* app = network_->start(*server_, kAppUid, kAppUid,
                                      {kProbe, "serve", "8443", "--v6", "--echo"}, &error);
    ASSERT_NE(nullptr, app) << error;
    ASSERT_TRUE(app->waitForOutput("LISTENING", 5s)) << app->output();
  }
};

TEST_F(SidecarIpv6Test, Ipv6TrafficRunsThroughBothSidecarsWithMutualTls) {
  std::string reply = connect(*client_, server_->ipv6, 8443, 200000);
  // Delivered by the server's sidecar from ::6, every byte back intact.
  EXPECT_TRUE(contains(reply, "port=8443")) << reply;
  EXPECT_TRUE(contains(reply, "peer=[::6]:")) << reply;
  EXPECT_TRUE(contains(reply, "ECHO_OK bytes=200000")) << reply;
  // The IPv6 listeners took it, not the IPv4 ones.
  EXPECT_EQ(1, stat(*client_, "listener.[__]_15001.downstream_cx_total"));
  EXPECT_EQ(0, stat(*client_, "listener.0.0.0.0_15001.downstream_cx_total"));
  EXPECT_EQ(1, stat(*server_, "listener.[__]_15006.downstream_cx_total"));
  EXPECT_EQ(0, stat(*server_, "listener.0.0.0.0_15006.downstream_cx_total"));
  // mTLS at both ends: the client sidecar's handshake, the server sidecar's handshake + RBAC.
  EXPECT_EQ(1, stat(*client_, "tcp.outbound_mesh.downstream_cx_total"));
  EXPECT_EQ(1, stat(*client_, "cluster.outbound-mesh-mtls.ssl.handshake"));
  EXPECT_EQ(1, stat(*server_, "listener.[__]_15006.ssl.handshake"));
  EXPECT_EQ(1, stat(*server_, "tcp.inbound_mtls.downstream_cx_total"));
  EXPECT_EQ(1, stat(*server_, "inbound_mtls.rbac.allowed"));
  EXPECT_EQ(1, stat(*server_, "cluster.inbound-passthrough-ipv6.upstream_cx_total"));
  // The server sidecar logged the client pod's IPv6 address and SPIFFE ID.
  std::string log = readLog("server");
  EXPECT_TRUE(contains(log, "inbound-mtls [" + client_->ipv6 + "]:")) << log;
  EXPECT_TRUE(contains(log, "peer=spiffe://cluster.local/ns/e2e/sa/client")) << log;
}

TEST_F(SidecarIpv6Test, AnIpv6PodWithoutASidecarCannotReachAStrictPod) {
  std::string error;
  const Pod* stranger = network_->addPod("stranger", &error);
  ASSERT_NE(nullptr, stranger) << error;
  std::string reply = connect(*stranger, server_->ipv6, 8443, 1000);
  EXPECT_FALSE(contains(reply, "port=8443")) << reply;
  EXPECT_FALSE(contains(reply, "ECHO_OK")) << reply;
  EXPECT_EQ(1, stat(*server_, "listener.[__]_15006.no_filter_chain_match"));
  EXPECT_LE(stat(*server_, "tcp.inbound_mtls.downstream_cx_total"), 0);
}

}  // namespace
}  // namespace remora::e2e
