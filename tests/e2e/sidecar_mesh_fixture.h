#pragma once

// The fixture of the sidecar mesh e2e tests: two pods ("server", "client") on a private
// bridge, remora-iptables capturing every TCP connection in each, a Remora sidecar per pod (UID
// 1337, config from `remoractl sidecar-config`, both address families, STRICT mTLS with SPIFFE
// identities), and applications that know nothing of the mesh (remora-e2e-probe, UID 1000).

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/tls/certificate_authority.h"
#include "proxy/remoractl/sidecar_config.h"
#include "tests/e2e/lib/pod_network.h"

namespace remora::e2e {

using namespace std::chrono_literals;

constexpr uid_t kAppUid = 1000;
constexpr uid_t kProxyUid = 1337;
inline const std::string kIptables = REMORA_IPTABLES_BIN;
inline const std::string kProbe = REMORA_E2E_PROBE_BIN;
inline const std::string kRemora = REMORA_PROXY_BIN;
// A "service VIP" routed out of the pods (not on the bridge's /24): part of the mesh CIDRs, and
// tests that need it DNAT it in the router namespace the way kube-proxy does on a node.
inline const std::string kServiceVip = "10.96.0.10";

inline bool contains(const std::string& haystack, const std::string& needle) {
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
    PodProcess* app =
        network_->start(*server_, kAppUid, kAppUid, {kProbe, "serve", "8080", "--echo"}, &error);
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
    sidecar.mesh_cidrs = {server_->ipv4 + "/32", client_->ipv4 + "/32", server_->ipv6 + "/128",
                          client_->ipv6 + "/128", kServiceVip + "/32"};
    sidecar.access_log = dir_ + "/" + who + "-access.log";
    auto yaml = remoractl::renderSidecarConfig(sidecar);
    ASSERT_TRUE(yaml.ok()) << yaml.error().message;
    std::string config = dir_ + "/" + who + ".yaml";
    std::ofstream(config) << *yaml;
    installRules(pod, {});
    std::string error;
    PodProcess* proxy = network_->start(pod, kProxyUid, kProxyUid,
                                        {kRemora, "-c", config, "--concurrency", "1"}, &error);
    ASSERT_NE(nullptr, proxy) << error;
    ASSERT_TRUE(proxy->waitForOutput("remora is live", 10s)) << proxy->output();
    proxies_[who] = proxy;
  }

  // (Re)installs the injector's capture rules in `pod`, plus `extra` flags.
  void installRules(const Pod& pod, const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {kIptables,
                                     "-p",
                                     "15001",
                                     "-z",
                                     "15006",
                                     "-u",
                                     "1337",
                                     "-g",
                                     "1337",
                                     "-m",
                                     "REDIRECT",
                                     "-i",
                                     "*",
                                     "-b",
                                     "*",
                                     "-d",
                                     "15000,15021,15090"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto rules = network_->exec(pod, argv);
    ASSERT_EQ(0, rules.exit_code) << rules.output;
  }

  // Runs `remora-e2e-probe connect` in `from` as the app user; with `send` > 0 the server must
  // be an --echo one and the output ends in ECHO_OK when every byte came back intact.
  std::string connect(const Pod& from, const std::string& host, int port, size_t send = 0,
                      uid_t uid = kAppUid) {
    std::string error;
    PodProcess* client = network_->start(from, uid, uid,
                                         {kProbe, "connect", host, std::to_string(port),
                                          "--timeout-ms", "3000", "--send", std::to_string(send)},
                                         &error);
    if (client == nullptr) return "start failed: " + error;
    if (!client->waitForExit(6s)) return "client did not finish: " + client->output();
    return client->output();
  }

  // A stat from the sidecar's admin port (inside the pod), -1 if absent.
  long stat(const Pod& pod, const std::string& name) {
    auto result =
        network_->exec(pod, {"curl", "-s", "--max-time", "5", "http://127.0.0.1:15000/stats"});
    std::string key = "\n" + name + ": ";
    std::string body = "\n" + result.output;
    size_t pos = body.find(key);
    return pos == std::string::npos ? -1 : std::atol(body.c_str() + pos + key.size());
  }

  // The packet counter of the first nat rule of `pod` whose saved form contains `rule`
  // (`iptables-save -c`), -1 if there is none. The nat table sees the first packet of each
  // connection only, so this counts connections.
  long natPackets(const Pod& pod, const std::string& rule, bool v6 = false) {
    auto saved = network_->exec(pod, {v6 ? "ip6tables-save" : "iptables-save", "-c", "-t", "nat"});
    size_t at = saved.output.find(rule);
    if (at == std::string::npos) return -1;
    size_t line = saved.output.rfind('\n', at);
    line = line == std::string::npos ? 0 : line + 1;
    if (saved.output[line] != '[') return -1;
    return std::atol(saved.output.c_str() + line + 1);
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

}  // namespace remora::e2e
