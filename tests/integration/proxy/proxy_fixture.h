#pragma once

// Runs the real `remora` binary against a config written by the test, with
// fresh ports, and talks to it through real sockets and its admin port.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/test_support/process.h"
#include "tests/test_support/tcp_client.h"
#include "tests/test_support/wait.h"

namespace remora::testing {

class ProxyFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = makeTempDir();
    admin_port_ = freePort();
  }
  void TearDown() override {
    if (proxy_ && proxy_->running()) {
      proxy_->signal(SIGKILL);
      proxy_->wait(std::chrono::seconds(5));
    }
    if (HasFailure() && proxy_) std::fprintf(stderr, "--- remora log ---\n%s\n", proxy_->output().c_str());
    proxy_.reset();
    removeTree(dir_);
  }

  std::string adminYaml() const {
    return "admin:\n  address:\n    socket_address: {address: 127.0.0.1, port_value: " +
           std::to_string(admin_port_) + "}\n";
  }
  std::string configPath() const { return dir_ + "/remora.yaml"; }

  // Writes `yaml` and starts remora on it; waits until /ready says LIVE.
  void startProxy(const std::string& yaml, std::vector<std::string> extra = {}) {
    writeFile(configPath(), yaml);
    std::vector<std::string> argv = {binaryDir() + "/proxy/remora", "-c", configPath(),
                                     "--concurrency", "2", "--drain-time-s", "30"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proxy_ = std::make_unique<ChildProcess>(argv, dir_ + "/remora.log");
    ASSERT_TRUE(waitFor([&] { return !proxy_->running() || httpRequest(admin_port_, "GET", "/ready").status == 200; },
                        std::chrono::seconds(20)))
        << proxy_->output();
    ASSERT_TRUE(proxy_->running()) << proxy_->output();
  }

  // The value of a stat from /stats, or -1 if absent.
  int64_t stat(const std::string& name) {
    auto reply = httpRequest(admin_port_, "GET", "/stats?filter=" + name);
    std::string key = name + ": ";
    size_t pos = 0;
    while ((pos = reply.body.find(key, pos)) != std::string::npos) {
      if (pos == 0 || reply.body[pos - 1] == '\n') return std::atoll(reply.body.c_str() + pos + key.size());
      pos += key.size();
    }
    return -1;
  }

  bool waitForStat(const std::string& name, int64_t value,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return waitFor([&] { return stat(name) == value; }, timeout);
  }

  std::string dir_;
  uint16_t admin_port_ = 0;
  std::unique_ptr<ChildProcess> proxy_;
};

// A static cluster YAML entry.
inline std::string staticCluster(const std::string& name, const std::vector<uint16_t>& ports,
                                 const std::string& extra = "") {
  std::string y = "  - name: " + name + "\n    type: STATIC\n    connect_timeout: 1s\n" + extra +
                  "    load_assignment:\n      cluster_name: " + name + "\n      endpoints:\n      - lb_endpoints:\n";
  for (auto p : ports) {
    y += "        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: " +
         std::to_string(p) + "}}}\n";
  }
  return y;
}

// A listener with one tcp_proxy chain.
inline std::string tcpProxyListener(const std::string& name, uint16_t port, const std::string& cluster,
                                    const std::string& tcp_proxy_extra = "") {
  return "  - name: " + name + "\n    address: {socket_address: {address: 127.0.0.1, port_value: " +
         std::to_string(port) + "}}\n    filter_chains:\n    - filters:\n      - name: envoy.filters.network.tcp_proxy\n" +
         "        typed_config:\n          \"@type\": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy\n" +
         "          stat_prefix: " + name + "\n          cluster: " + cluster + "\n" + tcp_proxy_extra;
}

}  // namespace remora::testing
