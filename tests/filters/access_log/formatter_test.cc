#include "filters/common/access_log/formatter.h"

#include <gtest/gtest.h>

#include <memory>

namespace remora::filters::access_log {
namespace {

std::string render(const std::string& format, const StreamInfo& info) {
  auto formatter = Formatter::parse(format);
  EXPECT_TRUE(formatter.ok()) << format;
  return formatter.ok() ? formatter->format(info) : std::string();
}

network::ConnectionInfo downstreamInfo() {
  network::ConnectionInfo info;
  info.local_address = *network::Address::fromString("10.0.0.2:15006");
  info.remote_address = *network::Address::fromString("10.0.0.1:40000");
  info.original_destination = *network::Address::fromString("10.0.0.2:8080");
  info.transport_protocol = network::kTlsProtocol;
  info.client_hello = std::make_shared<const network::ClientHelloInfo>(
      network::ClientHelloInfo{"reviews.default.svc", {"istio-peer-exchange"}});
  return info;
}

TEST(AccessLogFormatterTest, DownstreamFieldsComeFromTheConnection) {
  network::ConnectionInfo downstream = downstreamInfo();
  StreamInfo info;
  info.downstream = &downstream;
  EXPECT_EQ(render("%DOWNSTREAM_REMOTE_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", info),
            "10.0.0.1:40000 10.0.0.1");
  // The local address is the restored original destination; the direct one is the listener's.
  EXPECT_EQ(render("%DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%", info),
            "10.0.0.2:8080 10.0.0.2");
  EXPECT_EQ(render("%DOWNSTREAM_DIRECT_LOCAL_ADDRESS%", info), "10.0.0.2:15006");
  EXPECT_EQ(render("%REQUESTED_SERVER_NAME%", info), "reviews.default.svc");
}

TEST(AccessLogFormatterTest, MissingValuesPrintDashes) {
  StreamInfo info;  // no downstream connection, no details
  EXPECT_EQ(render("%DOWNSTREAM_REMOTE_ADDRESS%|%DOWNSTREAM_LOCAL_ADDRESS%|%REQUESTED_SERVER_NAME%|"
                   "%DOWNSTREAM_PEER_URI_SAN%|%UPSTREAM_PEER_URI_SAN%|"
                   "%UPSTREAM_TRANSPORT_FAILURE_REASON%|%CONNECTION_TERMINATION_DETAILS%|"
                   "%UPSTREAM_CLUSTER%|%FILTER_CHAIN_NAME%|%UPSTREAM_HOST%",
                   info),
            "-|-|-|-|-|-|-|-|-|-");
  network::ConnectionInfo plaintext;  // no ClientHello seen
  info.downstream = &plaintext;
  EXPECT_EQ(render("%REQUESTED_SERVER_NAME%", info), "-");
}

TEST(AccessLogFormatterTest, DetailsAndNamesAreFormatted) {
  StreamInfo info;
  info.upstream_cluster = "outbound|9080||reviews.default.svc.cluster.local";
  info.filter_chain_name = "virtualInbound-mtls";
  info.details().downstream_peer_uri_san = "spiffe://cluster.local/ns/default/sa/productpage";
  info.details().connection_termination_details = "idle_timeout";
  info.setFlag(ResponseFlag::StreamIdleTimeout);
  info.setFlag(ResponseFlag::UpstreamConnectionFailure);
  EXPECT_EQ(render("%UPSTREAM_CLUSTER% %FILTER_CHAIN_NAME% %DOWNSTREAM_PEER_URI_SAN% "
                   "%CONNECTION_TERMINATION_DETAILS% %RESPONSE_FLAGS%",
                   info),
            "outbound|9080||reviews.default.svc.cluster.local virtualInbound-mtls "
            "spiffe://cluster.local/ns/default/sa/productpage idle_timeout UF,SI");
}

TEST(AccessLogFormatterTest, UnknownOperatorIsRejected) {
  EXPECT_FALSE(Formatter::parse("%NOT_AN_OPERATOR%").ok());
}

}  // namespace
}  // namespace remora::filters::access_log
