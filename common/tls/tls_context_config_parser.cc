#include "common/tls/tls_context_config_parser.h"

#include <array>

namespace remora::tls {

using config::ErrorList;
using config::MapReader;
using config::YamlNode;

namespace {

constexpr char kDownstreamType[] =
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";
constexpr char kUpstreamType[] =
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
constexpr char kRawBufferType[] =
    "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer";

void checkType(MapReader& r, const char* expected, ErrorList& errors) {
  auto type = r.child("@type");
  if (!type) return;
  auto value = type->asString(errors);
  if (value && *value != expected) {
    type->error(errors, "expected @type " + std::string(expected) + ", got '" + *value + "'");
  }
}

std::optional<DataSource> parseDataSource(const YamlNode& node, ErrorList& errors) {
  MapReader r(node, errors);
  if (!r.valid()) return std::nullopt;
  DataSource out;
  out.filename = r.string("filename").value_or("");
  out.inline_string = r.string("inline_string").value_or("");
  if (out.filename.empty() == out.inline_string.empty()) {
    node.error(errors, "exactly one of filename or inline_string is required");
    return std::nullopt;
  }
  return out;
}

std::optional<TlsVersion> parseVersion(MapReader& r, std::string_view key) {
  // Envoy also accepts TLSv1_0 and TLSv1_1; they are insecure and refused.
  auto v = r.oneOf(key, {"TLS_AUTO", "TLSv1_2", "TLSv1_3"});
  if (!v) return std::nullopt;
  if (*v == "TLSv1_2") return TlsVersion::Tls1_2;
  if (*v == "TLSv1_3") return TlsVersion::Tls1_3;
  return TlsVersion::Auto;
}

std::vector<std::string> parseStringList(MapReader& r, std::string_view key, ErrorList& errors) {
  std::vector<std::string> out;
  for (const YamlNode& item : r.sequence(key)) {
    if (auto s = item.asString(errors)) {
      if (s->empty()) {
        item.error(errors, "must not be empty");
      } else {
        out.push_back(*s);
      }
    }
  }
  return out;
}

void parseTlsParams(const YamlNode& node, TlsParamsConfig& out, ErrorList& errors) {
  MapReader r(node, errors);
  if (!r.valid()) return;
  if (auto v = parseVersion(r, "tls_minimum_protocol_version")) out.minimum_protocol_version = *v;
  if (auto v = parseVersion(r, "tls_maximum_protocol_version")) out.maximum_protocol_version = *v;
  out.cipher_suites = parseStringList(r, "cipher_suites", errors);
  for (const auto& suite : out.cipher_suites) {
    if (suite.find_first_of("[|]") != std::string::npos) {
      node.error(errors, "cipher_suites: equal-preference groups ('[A|B]') are not supported");
    }
  }
  out.ecdh_curves = parseStringList(r, "ecdh_curves", errors);
  if (out.minimum_protocol_version == TlsVersion::Tls1_3 &&
      out.maximum_protocol_version == TlsVersion::Tls1_2) {
    node.error(errors, "tls_minimum_protocol_version is above tls_maximum_protocol_version");
  }
}

std::optional<SanMatcher> parseSanMatcher(const YamlNode& node, ErrorList& errors) {
  MapReader r(node, errors);
  if (!r.valid()) return std::nullopt;
  SanMatcher out;
  auto type = r.oneOf("san_type", {"URI", "DNS"}, true);
  auto matcher_node = r.child("matcher", true);
  if (!type || !matcher_node) return std::nullopt;
  out.san_type = *type == "URI" ? SanMatcher::SanType::Uri : SanMatcher::SanType::Dns;
  auto matcher = parseStringMatcher(*matcher_node, errors);
  if (!matcher) return std::nullopt;
  out.matcher = std::move(*matcher);
  return out;
}

void parseValidationContext(const YamlNode& node, CertificateValidationContextConfig& out,
                            ErrorList& errors) {
  MapReader r(node, errors);
  if (!r.valid()) return;
  if (auto ca = r.child("trusted_ca", true)) {
    if (auto source = parseDataSource(*ca, errors)) out.trusted_ca = *source;
  }
  for (const YamlNode& item : r.sequence("match_typed_subject_alt_names")) {
    if (auto m = parseSanMatcher(item, errors)) out.match_typed_subject_alt_names.push_back(*m);
  }
}

void parseCommon(const YamlNode& node, CommonTlsContextConfig& out, ErrorList& errors) {
  MapReader r(node, errors);
  if (!r.valid()) return;
  if (auto params = r.child("tls_params")) parseTlsParams(*params, out.tls_params, errors);
  std::vector<YamlNode> certs = r.sequence("tls_certificates");
  if (certs.size() > 1) {
    certs[1].error(errors, "only one entry in tls_certificates is supported");
  }
  for (const YamlNode& item : certs) {
    MapReader cr(item, errors);
    if (!cr.valid()) continue;
    TlsCertificateConfig cert;
    auto chain = cr.child("certificate_chain", true);
    auto key = cr.child("private_key", true);
    auto chain_source = chain ? parseDataSource(*chain, errors) : std::nullopt;
    auto key_source = key ? parseDataSource(*key, errors) : std::nullopt;
    if (chain_source && key_source) {
      out.tls_certificates.push_back({*chain_source, *key_source});
    }
  }
  if (auto vc = r.child("validation_context")) {
    out.has_validation_context = true;
    parseValidationContext(*vc, out.validation_context, errors);
  }
  out.alpn_protocols = parseStringList(r, "alpn_protocols", errors);
  for (const auto& p : out.alpn_protocols) {
    if (p.size() > 255) node.error(errors, "alpn_protocols: '" + p + "' is longer than 255 bytes");
  }
}

template <class Context, Context (*Parse)(const YamlNode&, ErrorList&)>
std::optional<TransportSocketConfig<Context>> parseTransportSocket(const YamlNode& node,
                                                                   ErrorList& errors) {
  size_t before = errors.size();
  MapReader r(node, errors);
  if (!r.valid()) return std::nullopt;
  TransportSocketConfig<Context> out;
  auto name = r.oneOf("name", {"envoy.transport_sockets.tls", "tls",
                               "envoy.transport_sockets.raw_buffer", "raw_buffer"},
                      true);
  auto typed = r.child("typed_config");
  if (!name) return std::nullopt;
  out.tls = *name == "envoy.transport_sockets.tls" || *name == "tls";
  if (out.tls) {
    if (!typed) {
      node.error(errors, "typed_config is required for a TLS transport socket");
      return std::nullopt;
    }
    out.context = Parse(*typed, errors);
  } else if (typed) {
    MapReader tr(*typed, errors);
    checkType(tr, kRawBufferType, errors);
  }
  r.finish();
  if (errors.size() != before) return std::nullopt;
  return out;
}

DownstreamTlsContextConfig parseDownstreamBody(const YamlNode& node, ErrorList& errors) {
  DownstreamTlsContextConfig out;
  MapReader r(node, errors);
  if (!r.valid()) return out;
  checkType(r, kDownstreamType, errors);
  if (auto common = r.child("common_tls_context", true)) {
    parseCommon(*common, out.common_tls_context, errors);
    if (out.common_tls_context.tls_certificates.empty()) {
      common->error(errors, "tls_certificates: a downstream TLS context needs a certificate");
    }
  }
  out.require_client_certificate = r.boolean("require_client_certificate").value_or(false);
  out.disable_stateless_session_resumption =
      r.boolean("disable_stateless_session_resumption").value_or(false);
  out.disable_stateful_session_resumption =
      r.boolean("disable_stateful_session_resumption").value_or(false);
  if (auto timeout = r.duration("session_timeout")) {
    out.session_timeout = std::chrono::duration_cast<std::chrono::seconds>(*timeout);
  }
  if (out.require_client_certificate &&
      (!out.common_tls_context.has_validation_context ||
       out.common_tls_context.validation_context.trusted_ca.empty())) {
    node.error(errors,
               "require_client_certificate needs common_tls_context.validation_context.trusted_ca");
  }
  return out;
}

UpstreamTlsContextConfig parseUpstreamBody(const YamlNode& node, ErrorList& errors) {
  UpstreamTlsContextConfig out;
  MapReader r(node, errors);
  if (!r.valid()) return out;
  checkType(r, kUpstreamType, errors);
  if (auto common = r.child("common_tls_context")) parseCommon(*common, out.common_tls_context, errors);
  out.sni = r.string("sni").value_or("");
  if (out.sni.size() > 255) node.error(errors, "sni: longer than 255 bytes");
  if (auto keys = r.integer("max_session_keys", 0, 1024)) {
    out.max_session_keys = static_cast<uint32_t>(*keys);
  }
  return out;
}

}  // namespace

std::optional<StringMatcher> parseStringMatcher(const YamlNode& node, ErrorList& errors) {
  MapReader r(node, errors);
  if (!r.valid()) return std::nullopt;
  static constexpr std::array<std::pair<const char*, StringMatcher::Kind>, 4> kKinds = {{
      {"exact", StringMatcher::Kind::Exact},
      {"prefix", StringMatcher::Kind::Prefix},
      {"suffix", StringMatcher::Kind::Suffix},
      {"contains", StringMatcher::Kind::Contains},
  }};
  std::optional<StringMatcher> out;
  int found = 0;
  bool ignore_case = r.boolean("ignore_case").value_or(false);
  for (const auto& [key, kind] : kKinds) {
    if (!r.has(key)) continue;
    ++found;
    auto value = r.string(key);
    if (!value) continue;
    if (kind != StringMatcher::Kind::Exact && value->empty()) {
      node.error(errors, std::string(key) + " must not be empty");
      continue;
    }
    out = StringMatcher(kind, *value, ignore_case);
  }
  if (found != 1) {
    node.error(errors, "exactly one of exact, prefix, suffix or contains is required");
    return std::nullopt;
  }
  return out;
}

std::optional<DownstreamTlsContextConfig> parseDownstreamTlsContext(const YamlNode& node,
                                                                    ErrorList& errors) {
  size_t before = errors.size();
  auto out = parseDownstreamBody(node, errors);
  if (errors.size() != before) return std::nullopt;
  return out;
}

std::optional<UpstreamTlsContextConfig> parseUpstreamTlsContext(const YamlNode& node,
                                                                ErrorList& errors) {
  size_t before = errors.size();
  auto out = parseUpstreamBody(node, errors);
  if (errors.size() != before) return std::nullopt;
  return out;
}

std::optional<DownstreamTransportSocketConfig> parseDownstreamTransportSocket(
    const YamlNode& node, ErrorList& errors) {
  return parseTransportSocket<DownstreamTlsContextConfig, parseDownstreamBody>(node, errors);
}

std::optional<UpstreamTransportSocketConfig> parseUpstreamTransportSocket(const YamlNode& node,
                                                                          ErrorList& errors) {
  return parseTransportSocket<UpstreamTlsContextConfig, parseUpstreamBody>(node, errors);
}

}  // namespace remora::tls
