// The mesh end to end over IPv4: capture at both ends, STRICT mTLS between the pods, plaintext
// passthrough outside the mesh, no plaintext way in. Fixture: sidecar_mesh_fixture.h.

#include "tests/e2e/sidecar_mesh_fixture.h"

namespace remora::e2e {
namespace {

TEST_F(SidecarMeshTest, AppTrafficIsCapturedAtBothEndsAndTheHopIsMutuallyAuthenticated) {
  std::string reply = connect(*client_, server_->ipv4, 8080, 200000);
  // The server app was reached by its own pod's sidecar (source 127.0.0.6), and every byte
  // came back through both sidecars.
  EXPECT_TRUE(contains(reply, "port=8080")) << reply;
  EXPECT_TRUE(contains(reply, "peer=127.0.0.6:")) << reply;
  EXPECT_TRUE(contains(reply, "ECHO_OK bytes=200000")) << reply;
  // Outbound counted in the client's sidecar, inbound in the server's; nothing else.
  EXPECT_EQ(1, stat(*client_, "listener.0.0.0.0_15001.downstream_cx_total"));
  EXPECT_EQ(0, stat(*client_, "listener.0.0.0.0_15006.downstream_cx_total"));
  EXPECT_EQ(0, stat(*server_, "listener.0.0.0.0_15001.downstream_cx_total"));
  EXPECT_EQ(1, stat(*server_, "listener.0.0.0.0_15006.downstream_cx_total"));
  EXPECT_EQ(1, stat(*client_, "tcp.outbound_mesh.downstream_cx_total"));
  EXPECT_EQ(1, stat(*client_, "cluster.outbound-mesh-mtls.ssl.handshake"));
  EXPECT_EQ(1, stat(*server_, "tcp.inbound_mtls.downstream_cx_total"));
  EXPECT_EQ(1, stat(*server_, "inbound_mtls.rbac.allowed"));
  std::string log = readLog("server");
  EXPECT_TRUE(contains(log, "inbound-mtls " + client_->ipv4 + ":")) << log;
  EXPECT_TRUE(contains(log, "peer=spiffe://cluster.local/ns/e2e/sa/client")) << log;
}

TEST_F(SidecarMeshTest, APodWithoutASidecarCannotReachAStrictPod) {
  std::string error;
  const Pod* stranger = network_->addPod("stranger", &error);
  ASSERT_NE(nullptr, stranger) << error;
  // A plaintext client that speaks first, as most protocols do.
  auto result = network_->exec(*stranger, {"timeout", "5", "bash", "-c",
                                           "exec 3<>/dev/tcp/" + server_->ipv4 + "/8080; echo hello >&3; cat <&3"});
  EXPECT_FALSE(contains(result.output, "port=8080")) << result.output;
  EXPECT_EQ(1, stat(*server_, "tls_inspector.tls_not_found"));
  EXPECT_EQ(1, stat(*server_, "listener.0.0.0.0_15006.no_filter_chain_match"));
  EXPECT_LE(stat(*server_, "tcp.inbound_mtls.downstream_cx_total"), 0);
}

TEST_F(SidecarMeshTest, DestinationsOutsideTheMeshArePassedThroughInPlaintext) {
  std::string error;
  const Pod* outside = network_->addPod("outside", &error);
  ASSERT_NE(nullptr, outside) << error;
  PodProcess* app = network_->start(*outside, kAppUid, kAppUid, {kProbe, "serve", "9090"}, &error);
  ASSERT_NE(nullptr, app) << error;
  ASSERT_TRUE(app->waitForOutput("LISTENING", 5s)) << app->output();
  std::string reply = connect(*client_, outside->ipv4, 9090);
  // Captured by the client's sidecar, then sent on in plaintext from the client pod.
  EXPECT_TRUE(contains(reply, "port=9090")) << reply;
  EXPECT_TRUE(contains(reply, "peer=" + client_->ipv4 + ":")) << reply;
  EXPECT_EQ(1, stat(*client_, "tcp.outbound_passthrough.downstream_cx_total"));
  EXPECT_LE(stat(*client_, "cluster.outbound-mesh-mtls.ssl.handshake"), 0);
}

TEST_F(SidecarMeshTest, ExcludedPortsAndCidrsBypassTheSidecar) {
  std::string error;
  const Pod* outside = network_->addPod("outside", &error);
  ASSERT_NE(nullptr, outside) << error;
  for (const char* port : {"9090", "9091"}) {
    PodProcess* app = network_->start(*outside, kAppUid, kAppUid, {kProbe, "serve", port}, &error);
    ASSERT_NE(nullptr, app) << error;
    ASSERT_TRUE(app->waitForOutput("LISTENING", 5s)) << app->output();
  }
  const std::string outbound = "listener.0.0.0.0_15001.downstream_cx_total";
  // -o 9091: that port leaves the pod without the sidecar; 9090 is still captured.
  installRules(*client_, {"-o", "9091"});
  std::string reply = connect(*client_, outside->ipv4, 9091);
  EXPECT_TRUE(contains(reply, "port=9091 original_dst=none peer=" + client_->ipv4 + ":")) << reply;
  EXPECT_EQ(0, stat(*client_, outbound));
  reply = connect(*client_, outside->ipv4, 9090);
  EXPECT_TRUE(contains(reply, "port=9090")) << reply;
  EXPECT_EQ(1, stat(*client_, outbound));
  // -x CIDR: nothing to that address is captured any more.
  installRules(*client_, {"-x", outside->ipv4 + "/32"});
  reply = connect(*client_, outside->ipv4, 9090);
  EXPECT_TRUE(contains(reply, "port=9090 original_dst=none peer=" + client_->ipv4 + ":")) << reply;
  EXPECT_EQ(1, stat(*client_, outbound));
}

}  // namespace
}  // namespace remora::e2e
