// Loop prevention with the sidecars running: the proxy's own connections are never captured
// again, an app calling its own service address is served through its own sidecar once, and an
// app calling its own pod address goes straight to itself. Fixture: sidecar_mesh_fixture.h.

#include "tests/e2e/sidecar_mesh_fixture.h"

namespace remora::e2e {
namespace {

using SidecarLoopTest = SidecarMeshTest;

TEST_F(SidecarLoopTest, TheProxysOwnConnectionsAreNeverCapturedAgain) {
  for (int i = 0; i < 3; ++i) {
    std::string reply = connect(*client_, server_->ipv4, 8080, 1000);
    ASSERT_TRUE(contains(reply, "ECHO_OK")) << reply;
  }
  // Client pod: the app's three connections were redirected once each; the sidecar's own
  // upstream connections (UID 1337) left through the proxy-UID RETURN, so the outbound listener
  // saw exactly three and nothing came back to it.
  EXPECT_EQ(3, stat(*client_, "listener.0.0.0.0_15001.downstream_cx_total"));
  EXPECT_EQ(3, natPackets(*client_, "-A REMORA_REDIRECT -p tcp -j REDIRECT --to-ports 15001"));
  EXPECT_EQ(3, natPackets(*client_, "-A REMORA_OUTPUT -m owner --uid-owner 1337 -j RETURN"));
  EXPECT_EQ(3, stat(*client_, "cluster.outbound-mesh-mtls.upstream_cx_total"));
  // Server pod: three inbound connections; the sidecar's deliveries from 127.0.0.6 were
  // exempted and never reached its outbound listener.
  EXPECT_EQ(3, stat(*server_, "listener.0.0.0.0_15006.downstream_cx_total"));
  EXPECT_EQ(3, natPackets(*server_, "-A REMORA_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006"));
  EXPECT_EQ(3, natPackets(*server_, "-A REMORA_OUTPUT -s 127.0.0.6/32 -o lo -j RETURN"));
  EXPECT_EQ(0, stat(*server_, "listener.0.0.0.0_15001.downstream_cx_total"));
  EXPECT_EQ(3, stat(*server_, "cluster.inbound-passthrough.upstream_cx_total"));
}

TEST_F(SidecarLoopTest, AnAppCallingItsOwnServiceAddressIsServedThroughItsSidecarOnce) {
  // The node's kube-proxy, played by the router namespace: the service VIP is DNATed to the
  // server pod, and hairpin traffic (a pod reaching itself) is masqueraded; the pod's bridge
  // port is in hairpin mode, as kubelet sets it, so the frame may go back out where it came in.
  const std::string router = network_->prefix() + "-router";
  const std::string port = "vp" + server_->ipv4.substr(server_->ipv4.rfind('.') + 1);
  for (const auto& step : std::vector<std::vector<std::string>>{
           {"sysctl", "-qw", "net.ipv4.ip_forward=1"},
           {"bridge", "link", "set", "dev", port, "hairpin", "on"},
           {"iptables", "-t", "nat", "-A", "PREROUTING", "-d", kServiceVip + "/32", "-p", "tcp",
            "--dport", "8080", "-j", "DNAT", "--to-destination", server_->ipv4 + ":8080"},
           {"iptables", "-t", "nat", "-A", "POSTROUTING", "-s", server_->ipv4 + "/32", "-d",
            server_->ipv4 + "/32", "-j", "MASQUERADE"}}) {
    std::vector<std::string> argv = {"ip", "netns", "exec", router};
    argv.insert(argv.end(), step.begin(), step.end());
    auto result = runCommand(argv);
    ASSERT_EQ(0, result.exit_code) << result.output;
  }
  std::string reply = connect(*server_, kServiceVip, 8080, 5000);
  EXPECT_TRUE(contains(reply, "port=8080")) << reply;
  EXPECT_TRUE(contains(reply, "peer=127.0.0.6:")) << reply;
  EXPECT_TRUE(contains(reply, "ECHO_OK bytes=5000")) << reply;
  // Once out through the outbound listener (mTLS to the VIP), once in through the inbound
  // listener; the sidecar's own connection to the VIP was not captured again.
  EXPECT_EQ(1, stat(*server_, "listener.0.0.0.0_15001.downstream_cx_total"));
  EXPECT_EQ(1, stat(*server_, "cluster.outbound-mesh-mtls.ssl.handshake"));
  EXPECT_EQ(1, stat(*server_, "listener.0.0.0.0_15006.downstream_cx_total"));
  EXPECT_EQ(1, stat(*server_, "inbound_mtls.rbac.allowed"));
  EXPECT_TRUE(contains(readLog("server"), "peer=spiffe://cluster.local/ns/e2e/sa/server"))
      << readLog("server");
}

TEST_F(SidecarLoopTest, AnAppCallingItsOwnPodAddressReachesItselfDirectly) {
  for (const std::string& address : {server_->ipv4, std::string("127.0.0.1")}) {
    std::string reply = connect(*server_, address, 8080, 5000);
    EXPECT_TRUE(contains(reply, "ECHO_OK bytes=5000")) << reply;
    // App to app over lo is not captured (Istio's rule): the peer is the app itself.
    EXPECT_FALSE(contains(reply, "peer=127.0.0.6:")) << reply;
  }
  EXPECT_EQ(0, stat(*server_, "listener.0.0.0.0_15001.downstream_cx_total"));
  EXPECT_EQ(0, stat(*server_, "listener.0.0.0.0_15006.downstream_cx_total"));
}

TEST_F(SidecarLoopTest, TheProxyUserReachingItsOwnPodAddressIsHairpinnedToTheInboundListener) {
  // Envoy's rule for a proxy that picked its own pod as an endpoint: UID 1337 to the pod's own
  // address over lo goes to the inbound listener (STRICT: plaintext is refused there), never to
  // the outbound one.
  std::string reply = connect(*server_, server_->ipv4, 8080, 1000, kProxyUid);
  EXPECT_FALSE(contains(reply, "port=8080")) << reply;
  EXPECT_EQ(
      1,
      natPackets(*server_,
                 "-A REMORA_OUTPUT ! -d 127.0.0.1/32 -o lo -p tcp -m tcp ! --dport 15008 -m owner "
                 "--uid-owner 1337 -j REMORA_IN_REDIRECT"));
  EXPECT_EQ(1, stat(*server_, "listener.0.0.0.0_15006.no_filter_chain_match"));
  EXPECT_EQ(0, stat(*server_, "listener.0.0.0.0_15001.downstream_cx_total"));
}

}  // namespace
}  // namespace remora::e2e
