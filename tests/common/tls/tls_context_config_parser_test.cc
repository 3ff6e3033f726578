#include "common/tls/tls_context_config_parser.h"

#include <gtest/gtest.h>

namespace remora::tls {
namespace {

using config::ErrorList;

std::optional<config::YamlNode> load(const std::string& text, ErrorList& errors) {
  return config::loadYamlString(text, errors);
}

bool hasError(const ErrorList& errors, const std::string& path, int line, const std::string& text) {
  for (const auto& e : errors.errors()) {
    if (e.path == path && (line == 0 || e.line == line) &&
        e.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(TlsContextConfigParserTest, ParsesADownstreamContextInsideTheTransportSocketWrapper) {
  ErrorList errors;
  auto doc = load(R"(
name: envoy.transport_sockets.tls
typed_config:
  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
  require_client_certificate: true
  session_timeout: 600s
  disable_stateless_session_resumption: true
  common_tls_context:
    tls_params:
      tls_minimum_protocol_version: TLSv1_2
      tls_maximum_protocol_version: TLSv1_3
      cipher_suites: [ECDHE-ECDSA-AES128-GCM-SHA256, TLS_AES_128_GCM_SHA256]
    tls_certificates:
    - certificate_chain: {filename: /etc/certs/cert-chain.pem}
      private_key: {filename: /etc/certs/key.pem}
    validation_context:
      trusted_ca: {filename: /etc/certs/root-cert.pem}
      match_typed_subject_alt_names:
      - san_type: URI
        matcher: {prefix: "spiffe://cluster.local/"}
      - san_type: DNS
        matcher: {exact: "kv.default.svc", ignore_case: true}
    alpn_protocols: [istio-peer-exchange, istio]
)", errors);
  ASSERT_TRUE(doc);
  auto ts = parseDownstreamTransportSocket(*doc, errors);
  ASSERT_TRUE(ts) << errors.toString();
  EXPECT_TRUE(ts->tls);
  const auto& c = ts->context;
  EXPECT_TRUE(c.require_client_certificate);
  EXPECT_EQ(c.session_timeout, std::chrono::seconds(600));
  EXPECT_TRUE(c.disable_stateless_session_resumption);
  EXPECT_FALSE(c.disable_stateful_session_resumption);
  const auto& common = c.common_tls_context;
  EXPECT_EQ(common.tls_params.minimum_protocol_version, TlsVersion::Tls1_2);
  EXPECT_EQ(common.tls_params.maximum_protocol_version, TlsVersion::Tls1_3);
  EXPECT_EQ(common.tls_params.cipher_suites.size(), 2u);
  ASSERT_EQ(common.tls_certificates.size(), 1u);
  EXPECT_EQ(common.tls_certificates[0].certificate_chain.filename, "/etc/certs/cert-chain.pem");
  EXPECT_EQ(common.tls_certificates[0].private_key.filename, "/etc/certs/key.pem");
  EXPECT_EQ(common.validation_context.trusted_ca.filename, "/etc/certs/root-cert.pem");
  ASSERT_EQ(common.validation_context.match_typed_subject_alt_names.size(), 2u);
  const auto& m0 = common.validation_context.match_typed_subject_alt_names[0];
  EXPECT_EQ(m0.san_type, SanMatcher::SanType::Uri);
  EXPECT_EQ(m0.matcher, StringMatcher::prefix("spiffe://cluster.local/"));
  EXPECT_TRUE(common.validation_context.match_typed_subject_alt_names[1].matcher.ignoreCase());
  EXPECT_EQ(common.alpn_protocols, (std::vector<std::string>{"istio-peer-exchange", "istio"}));
}

TEST(TlsContextConfigParserTest, ParsesAnUpstreamContextWithoutTypeAndWithShortName) {
  ErrorList errors;
  auto doc = load(R"(
name: tls
typed_config:
  sni: outbound_.3000_._.kv.default.svc.cluster.local
  max_session_keys: 4
  common_tls_context:
    tls_certificates:
    - certificate_chain: {inline_string: "PEM"}
      private_key: {filename: /k.pem}
)", errors);
  ASSERT_TRUE(doc);
  auto ts = parseUpstreamTransportSocket(*doc, errors);
  ASSERT_TRUE(ts) << errors.toString();
  EXPECT_EQ(ts->context.sni, "outbound_.3000_._.kv.default.svc.cluster.local");
  EXPECT_EQ(ts->context.max_session_keys, 4u);
  EXPECT_EQ(ts->context.common_tls_context.tls_certificates[0].certificate_chain.inline_string, "PEM");
}

TEST(TlsContextConfigParserTest, RawBufferIsPlaintext) {
  ErrorList errors;
  auto doc = load("name: envoy.transport_sockets.raw_buffer\n", errors);
  auto ts = parseUpstreamTransportSocket(*doc, errors);
  ASSERT_TRUE(ts) << errors.toString();
  EXPECT_FALSE(ts->tls);
}

TEST(TlsContextConfigParserTest, ReportsEveryErrorWithItsPathAndLine) {
  ErrorList errors;
  auto doc = load(R"(name: envoy.transport_sockets.tls
typed_config:
  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
  require_client_certificate: yes_please
  common_tls_context:
    tls_params:
      tls_minimum_protocol_version: TLSv1_0
    tls_certificates:
    - certificate_chain: {filename: /a.pem, inline_string: "x"}
    validation_context:
      trusted_ca: {filename: /ca.pem}
      match_typed_subject_alt_names:
      - san_type: EMAIL
        matcher: {prefix: "a"}
      - san_type: URI
        matcher: {safe_regex: {regex: ".*"}}
    tls_certificate_sds_secret_configs: []
)", errors);
  ASSERT_TRUE(doc);
  EXPECT_FALSE(parseDownstreamTransportSocket(*doc, errors));
  const std::string t = "typed_config.";
  const std::string c = t + "common_tls_context.";
  EXPECT_TRUE(hasError(errors, t + "@type", 3, "expected @type")) << errors.toString();
  EXPECT_TRUE(hasError(errors, t + "require_client_certificate", 4, "")) << errors.toString();
  EXPECT_TRUE(hasError(errors, c + "tls_params.tls_minimum_protocol_version", 7, "TLSv1_0"))
      << errors.toString();
  EXPECT_TRUE(hasError(errors, c + "tls_certificates[0].certificate_chain", 9, "exactly one"))
      << errors.toString();
  EXPECT_TRUE(hasError(errors, c + "tls_certificates[0].private_key", 0, "required"))
      << errors.toString();
  EXPECT_TRUE(hasError(errors, c + "validation_context.match_typed_subject_alt_names[0].san_type",
                       13, "EMAIL"))
      << errors.toString();
  EXPECT_TRUE(hasError(errors,
                       c + "validation_context.match_typed_subject_alt_names[1].matcher.safe_regex",
                       16, "unknown"))
      << errors.toString();
  EXPECT_TRUE(hasError(errors, c + "tls_certificate_sds_secret_configs", 17, "unknown"))
      << errors.toString();
}

TEST(TlsContextConfigParserTest, RequireClientCertificateNeedsATrustedCa) {
  ErrorList errors;
  auto doc = load(R"(
require_client_certificate: true
common_tls_context:
  tls_certificates:
  - certificate_chain: {filename: /a.pem}
    private_key: {filename: /k.pem}
)", errors);
  EXPECT_FALSE(parseDownstreamTlsContext(*doc, errors));
  EXPECT_NE(errors.toString().find("trusted_ca"), std::string::npos) << errors.toString();
}

TEST(TlsContextConfigParserTest, StringMatcherNeedsExactlyOneKind) {
  ErrorList errors;
  auto doc = load("{exact: a, prefix: b}", errors);
  EXPECT_FALSE(parseStringMatcher(*doc, errors));
  ErrorList errors2;
  auto doc2 = load("{ignore_case: true}", errors2);
  EXPECT_FALSE(parseStringMatcher(*doc2, errors2));
  ErrorList errors3;
  auto doc3 = load("{suffix: /sa/web}", errors3);
  auto m = parseStringMatcher(*doc3, errors3);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->match("spiffe://td/ns/a/sa/web"));
}

}  // namespace
}  // namespace remora::tls
