#pragma once

// YAML -> TLS context structs, with Envoy's v3 field names. Every error is
// added to `errors` with its YAML path and line; the functions return nullopt
// when any error was found under the node. Main thread (config loading).
//
//   transport_socket:
//     name: envoy.transport_sockets.tls          # or "tls"; raw_buffer = plaintext
//     typed_config:
//       "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
//       require_client_certificate: true
//       common_tls_context:
//         tls_certificates:
//         - certificate_chain: {filename: /etc/certs/cert-chain.pem}
//           private_key: {filename: /etc/certs/key.pem}
//         validation_context:
//           trusted_ca: {filename: /etc/certs/root-cert.pem}
//           match_typed_subject_alt_names:
//           - san_type: URI
//             matcher: {prefix: "spiffe://cluster.local/"}
//         alpn_protocols: [istio-peer-exchange, istio]
//         tls_params: {tls_minimum_protocol_version: TLSv1_2}

#include <optional>

#include "config/yaml_reader.h"
#include "common/tls/string_matcher.h"
#include "common/tls/tls_context_config.h"

namespace remora::tls {

// A transport_socket block: plaintext (raw_buffer) or TLS with its context.
template <class Context>
struct TransportSocketConfig {
  bool tls = false;
  Context context;  // meaningful when tls
};
using DownstreamTransportSocketConfig = TransportSocketConfig<DownstreamTlsContextConfig>;
using UpstreamTransportSocketConfig = TransportSocketConfig<UpstreamTlsContextConfig>;

std::optional<DownstreamTransportSocketConfig> parseDownstreamTransportSocket(
    const config::YamlNode& node, config::ErrorList& errors);
std::optional<UpstreamTransportSocketConfig> parseUpstreamTransportSocket(
    const config::YamlNode& node, config::ErrorList& errors);

// The typed_config bodies themselves (an "@type" key is accepted and checked).
std::optional<DownstreamTlsContextConfig> parseDownstreamTlsContext(const config::YamlNode& node,
                                                                    config::ErrorList& errors);
std::optional<UpstreamTlsContextConfig> parseUpstreamTlsContext(const config::YamlNode& node,
                                                                config::ErrorList& errors);

// Envoy's StringMatcher: exactly one of exact/prefix/suffix/contains, plus
// optional ignore_case. Shared with the RBAC parser.
std::optional<StringMatcher> parseStringMatcher(const config::YamlNode& node,
                                                config::ErrorList& errors);

}  // namespace remora::tls
