// The mesh end to end: pods made of network namespaces, remora-iptables
// capturing every TCP connection, a Remora sidecar per pod (UID 1337, config
// from `remoractl sidecar-config`, STRICT mTLS with SPIFFE identities), and
// applications that know nothing of the mesh (remora-e2e-probe).

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/tls/certificate_authority.h"
#include "proxy/remoractl/sidecar_config.h"
#include "tests/e2e/lib/pod_network.h"

namespace remora::e2e {
namespace {

using namespace std::chrono_literals;

constexpr uid_t kAppUid = 1000;
constexpr uid_t kProxyUid = 1337;
const std::string kIptables = REMORA_IPTABLES_BIN;
const std::string kProbe = REMORA_E2E_PROBE_BIN;
const std::string kRemora = REMORA_PROXY_BIN;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class SidecarMeshTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string reason = e2eSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
    std::string error;
    network_ = PodNetwork::create(&error);
    ASSERT_NE(nullptr, network_) << error;
    char tmpl[] = "/tmp/remora-mesh-XXXXXX";
    ASSERT_NE(nullptr, mkdtemp(tmpl));
    dir_ = tmpl;
    ::chmod(dir_.c_str(), 0777);  // the sidecars (UID 1337) write their access logs here
    auto ca = tls::CertificateAuthority::create("cluster.local");
    ASSERT_TRUE(ca.ok()) << ca.error().message;
    ca_ = std::make_unique<tls::CertificateAuthority>(std::move(*ca));
    server_ = network_->addPod("server", &error);
    ASSERT_NE(nullptr, server_) << error;
    client_ = network_->addPod("client", &error);
    ASSERT_NE(nullptr, client_) << error;
    startSidecar(*server_, "server");
    startSidecar(*client_, "client");
    PodProcess* app = network_->start(*server_, kAppUid, kAppUid, {kProbe, "serve", "8080"}, &error);
    ASSERT_NE(nullptr, app) << error;
    ASSERT_TRUE(app->waitForOutput("LISTENING", 5s)) << app->output();
  }

  void TearDown() override {
    network_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void startSidecar(const Pod& pod, const std::string& who) {
    std::string certs = dir_ + "/certs-" + who;
    std::filesystem::create_directories(certs);
    tls::IssueOptions options;
    options.uri_sans = {"spiffe://cluster.local/ns/e2e/sa/" + who};
    auto issued = ca_->issue(options);
    ASSERT_TRUE(issued.ok()) << issued.error().message;
    ASSERT_TRUE(tls::saveIssued(certs, *issued, *ca_).ok());
    // The sidecar runs as 1337 and must read its key.
    ::chmod((certs + "/key.pem").c_str(), 0644);
    remoractl::SidecarOptions sidecar;
    sidecar.identity = "spiffe://cluster.local/ns/e2e/sa/" + who;
    sidecar.cert_dir = certs;
    // The mesh is these two pods; every other address is outside it.
    sidecar.mesh_cidrs = {server_->ipv4 + "/32", client_->ipv4 + "/32"};
    sidecar.access_log = dir_ + "/" + who + "-access.log";
    auto yaml = remoractl::renderSidecarConfig(sidecar);
    ASSERT_TRUE(yaml.ok()) << yaml.error().message;
    std::string config = dir_ + "/" + who + ".yaml";
    std::ofstream(config) << *yaml;
    auto rules = network_->exec(pod, {kIptables, "-p", "15001", "-z", "15006", "-u", "1337", "-g", "1337",
                                      "-m", "REDIRECT", "-i", "*", "-b", "*", "-d", "15000,15021,15090"});
    ASSERT_EQ(0, rules.exit_code) << rules.output;
    std::string error;
    PodProcess* proxy = network_->start(pod, kProxyUid, kProxyUid,
                                        {kRemora, "-c", config, "--concurrency", "1"}, &error);
    ASSERT_NE(nullptr, proxy) << error;
    ASSERT_TRUE(proxy->waitForOutput("remora is live", 10s)) << proxy->output();
    proxies_[who] = proxy;
  }

  std::string connect(const Pod& from, const std::string& host, int port) {
    std::string error;
    PodProcess* client = network_->start(from, kAppUid, kAppUid,
                                         {kProbe, "connect", host, std::to_string(port), "--timeout-ms", "3000"},
                                         &error);
    if (client == nullptr) return "start failed: " + error;
    if (!client->waitForExit(6s)) return "client did not finish: " + client->output();
    return client->output();
  }

  // A stat from the sidecar's admin port (inside the pod), -1 if absent.
  long stat(const Pod& pod, const std::string& name) {
    auto result = network_->exec(pod, {"curl", "-s", "--max-time", "5", "http://127.0.0.1:15000/stats"});
    std::string key = "\n" + name + ": ";
    std::string body = "\n" + result.output;
    size_t pos = body.find(key);
    return pos == std::string::npos ? -1 : std::atol(body.c_str() + pos + key.size());
  }

  std::string readLog(const std::string& who) {
    std::ifstream in(dir_ + "/" + who + "-access.log");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  std::unique_ptr<PodNetwork> network_;
  std::unique_ptr<tls::CertificateAuthority> ca_;
  std::string dir_;
  const Pod* server_ = nullptr;
  const Pod* client_ = nullptr;
  std::map<std::string, PodProcess*> proxies_;
};

TEST_F(SidecarMeshTest, AppTrafficIsCapturedAtBothEndsAndTheHopIsMutuallyAuthenticated) {
  std::string reply = connect(*client_, server_->ipv4, 8080);
  // The server app was reached by its own pod's sidecar (source 127.0.0.6).
  EXPECT_TRUE(contains(reply, "port=8080")) << reply;
  EXPECT_TRUE(contains(reply, "peer=127.0.0.6:")) << reply;
  EXPECT_EQ(1, stat(*client_, "tcp.outbound_mesh.downstream_cx_total"));
  EXPECT_EQ(1, stat(*client_, "cluster.outbound-mesh-mtls.ssl.handshake"));
  EXPECT_EQ(1, stat(*server_, "tcp.inbound_mtls.downstream_cx_total"));
  EXPECT_EQ(1, stat(*server_, "inbound_mtls.rbac.allowed"));
  std::string log = readLog("server");
  EXPECT_TRUE(contains(log, "inbound-mtls")) << log;
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

}  // namespace
}  // namespace remora::e2e
