#include "proxy/listener/filter_chain_matcher.h"

#include <gtest/gtest.h>

namespace remora::listener {
namespace {

config::FilterChainMatch match() { return {}; }

// `transport` is "raw_buffer" or "tls": ConnectionInfo keeps a view of it.
network::ConnectionInfo conn(const std::string& local, const std::string& remote,
                             std::string_view transport = network::kRawBufferProtocol,
                             const std::string& sni = "", std::vector<std::string> alpn = {}) {
  network::ConnectionInfo info;
  info.local_address = *network::Address::fromString(local);
  info.remote_address = *network::Address::fromString(remote);
  info.transport_protocol = transport == network::kTlsProtocol ? network::kTlsProtocol
                                                              : network::kRawBufferProtocol;
  if (!sni.empty() || !alpn.empty()) {
    info.client_hello = std::make_shared<const network::ClientHelloInfo>(
        network::ClientHelloInfo{sni, std::move(alpn)});
  }
  return info;
}

struct Case {
  const char* name;
  network::ConnectionInfo info;
  int expected;
};

class FilterChainMatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto port_3000 = match();
    port_3000.destination_port = 3000;                                   // 0
    auto port_3000_tls = match();
    port_3000_tls.destination_port = 3000;
    port_3000_tls.transport_protocol = "tls";                            // 1
    auto mesh = match();
    mesh.prefix_ranges = {*network::CidrRange::fromString("10.0.0.0/8")};  // 2
    auto mesh_narrow = match();
    mesh_narrow.prefix_ranges = {*network::CidrRange::fromString("10.1.0.0/16")};  // 3
    auto sni_exact = match();
    sni_exact.server_names = {"api.example.com"};                        // 4
    auto sni_wild = match();
    sni_wild.server_names = {"*.example.com"};                           // 5
    auto h2 = match();
    h2.transport_protocol = "tls";
    h2.application_protocols = {"h2"};                                   // 6
    auto from_lan = match();
    from_lan.source_prefix_ranges = {*network::CidrRange::fromString("192.168.0.0/16")};  // 7
    owned_ = {port_3000, port_3000_tls, mesh, mesh_narrow, sni_exact, sni_wild, h2, from_lan};
    for (const auto& m : owned_) chains_.push_back(&m);
  }
  std::vector<config::FilterChainMatch> owned_;
  std::vector<const config::FilterChainMatch*> chains_;
};

TEST_F(FilterChainMatcherTest, FollowsEnvoysOrderAndPrefersTheMostSpecificChain) {
  std::vector<Case> cases = {
      {"destination port beats everything after it", conn("10.1.2.3:3000", "1.1.1.1:5"), 0},
      {"port then transport protocol", conn("10.1.2.3:3000", "1.1.1.1:5", "tls"), 1},
      {"longest destination prefix wins", conn("10.1.2.3:80", "1.1.1.1:5"), 3},
      {"shorter prefix when the longer does not contain it", conn("10.2.2.3:80", "1.1.1.1:5"), 2},
      {"exact server name beats wildcard", conn("8.8.8.8:443", "1.1.1.1:5", "tls", "api.example.com"), 4},
      {"wildcard server name", conn("8.8.8.8:443", "1.1.1.1:5", "tls", "www.example.com"), 5},
      {"alpn among tls chains without server names",
       conn("8.8.8.8:443", "1.1.1.1:5", "tls", "other.org", {"http/1.1", "h2"}), 6},
      {"source prefix", conn("8.8.8.8:80", "192.168.1.1:5"), 7},
      {"nothing matches", conn("8.8.8.8:80", "1.1.1.1:5"), -1},
      {"restored destination is used for matching",
       [] {
         auto i = conn("127.0.0.1:15001", "1.1.1.1:5");
         i.original_destination = *network::Address::fromString("10.9.9.9:3000");
         return i;
       }(),
       0},
  };
  for (const auto& c : cases) EXPECT_EQ(selectFilterChain(chains_, c.info), c.expected) << c.name;
}

TEST_F(FilterChainMatcherTest, ChainsWithoutACriterionSurviveOnlyWhenNoChainMatchesIt) {
  auto any = match();
  auto tls = match();
  tls.transport_protocol = "tls";
  std::vector<const config::FilterChainMatch*> two = {&any, &tls};
  EXPECT_EQ(selectFilterChain(two, conn("1.2.3.4:1", "5.6.7.8:9", "tls")), 1);
  EXPECT_EQ(selectFilterChain(two, conn("1.2.3.4:1", "5.6.7.8:9", "raw_buffer")), 0);
}

}  // namespace
}  // namespace remora::listener
