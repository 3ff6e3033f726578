#include "proxy/remoractl/sidecar_config.h"

#include <cstdio>
#include <sstream>

#include "common/network/address.h"

namespace remora::remoractl {

namespace {

constexpr const char* kUsage =
    "usage: remoractl sidecar-config --identity spiffe://DOMAIN/ns/NS/sa/SA --cert-dir DIR\n"
    "         [--mtls strict|permissive] [--mesh-cidr CIDR]... [--allow-principal-prefix P]...\n"
    "         [--admin-port 15000] [--outbound-port 15001] [--inbound-port 15006]\n"
    "         [--ip-families dual|ipv4|ipv6] [--access-log PATH]\n"
    "Prints the sidecar's bootstrap YAML (see docs/sidecar.md).\n";

// The access log line of both virtual listeners: who talked to whom, as whom.
constexpr const char* kLogFormat =
    "[%START_TIME%] %FILTER_CHAIN_NAME% %DOWNSTREAM_REMOTE_ADDRESS% -> %DOWNSTREAM_LOCAL_ADDRESS% "
    "upstream=%UPSTREAM_HOST% flags=%RESPONSE_FLAGS% rx=%BYTES_RECEIVED% tx=%BYTES_SENT% "
    "ms=%DURATION% peer=%DOWNSTREAM_PEER_URI_SAN% upstream_peer=%UPSTREAM_PEER_URI_SAN%\\n";

std::string cidrYaml(const network::CidrRange& range, const std::string& indent) {
  std::string ip = range.toString().substr(0, range.toString().find('/'));
  return indent + "- {address_prefix: \"" + ip + "\", prefix_len: " +
         std::to_string(range.prefixLength()) + "}\n";
}

std::string tcpProxy(const std::string& stat_prefix, const std::string& cluster, const std::string& log) {
  return "      - name: envoy.filters.network.tcp_proxy\n"
         "        typed_config:\n"
         "          stat_prefix: " + stat_prefix + "\n"
         "          cluster: " + cluster + "\n"
         "          access_log:\n"
         "          - name: envoy.access_loggers.file\n"
         "            typed_config:\n"
         "              path: " + log + "\n"
         "              log_format: {text_format_source: {inline_string: \"" + kLogFormat + "\"}}\n";
}

std::string commonTls(const SidecarOptions& o, const std::string& trust_domain) {
  return "            common_tls_context:\n"
         "              alpn_protocols: [\"istio-peer-exchange\", \"istio\"]\n"
         "              tls_certificates:\n"
         "              - certificate_chain: {filename: " + o.cert_dir + "/cert-chain.pem}\n"
         "                private_key: {filename: " + o.cert_dir + "/key.pem}\n"
         "              validation_context:\n"
         "                trusted_ca: {filename: " + o.cert_dir + "/root-cert.pem}\n"
         "                match_typed_subject_alt_names:\n"
         "                - san_type: URI\n"
         "                  matcher: {prefix: \"spiffe://" + trust_domain + "/\"}\n";
}

}  // namespace

Result<std::string> trustDomainOf(const std::string& spiffe_id) {
  const std::string scheme = "spiffe://";
  if (spiffe_id.rfind(scheme, 0) != 0) return makeError("identity must start with spiffe://: " + spiffe_id);
  size_t slash = spiffe_id.find('/', scheme.size());
  std::string domain = spiffe_id.substr(scheme.size(), slash == std::string::npos ? std::string::npos
                                                                                 : slash - scheme.size());
  if (domain.empty()) return makeError("identity has no trust domain: " + spiffe_id);
  return domain;
}

namespace {

// One address family's half of the sidecar: the listener address, the listener and cluster
// name suffix, and the source the inbound hop binds (Istio: "6 is the magical number for
// inbound": 15006, 127.0.0.6, ::6).
struct FamilyLayout {
  const char* any_address;
  const char* name_suffix;
  const char* inbound_source;
};

constexpr FamilyLayout kIpv4{"0.0.0.0", "", "127.0.0.6"};
constexpr FamilyLayout kIpv6{"\"::\"", "Ipv6", "\"::6\""};

std::vector<FamilyLayout> layoutsFor(IpFamilies families) {
  switch (families) {
    case IpFamilies::Ipv4: return {kIpv4};
    case IpFamilies::Ipv6: return {kIpv6};
    case IpFamilies::Dual: break;
  }
  return {kIpv4, kIpv6};
}

std::string inboundCluster(const FamilyLayout& f) {
  return std::string("inbound-passthrough") + (f.name_suffix[0] != '\0' ? "-ipv6" : "");
}

// Outbound: the app's connections, redirected to 15001.
void renderOutbound(std::ostringstream& y, const SidecarOptions& o, const FamilyLayout& f,
                    const std::vector<network::CidrRange>& mesh) {
  y << "  - name: virtualOutbound" << f.name_suffix << "\n"
       "    address: {socket_address: {address: " << f.any_address << ", port_value: " << o.outbound_port << "}}\n"
       "    use_original_dst: true\n"
       "    listener_filters:\n"
       "    - name: envoy.filters.listener.original_dst\n"
       "    filter_chains:\n"
       "    - name: outbound-mesh-mtls\n"
       "      filter_chain_match:\n"
       "        prefix_ranges:\n";
  for (const auto& r : mesh) y << cidrYaml(r, "        ");
  y << "      filters:\n" << tcpProxy("outbound_mesh", "outbound-mesh-mtls", o.access_log);
  y << "    default_filter_chain:\n"
       "      name: outbound-passthrough\n"
       "      filters:\n" << tcpProxy("outbound_passthrough", "PassthroughCluster", o.access_log);
}

// Inbound: connections to the app, redirected to 15006.
void renderInbound(std::ostringstream& y, const SidecarOptions& o, const FamilyLayout& f,
                   const std::vector<std::string>& principals) {
  y << "  - name: virtualInbound" << f.name_suffix << "\n"
       "    address: {socket_address: {address: " << f.any_address << ", port_value: " << o.inbound_port << "}}\n"
       "    listener_filters:\n"
       "    - name: envoy.filters.listener.original_dst\n"
       "    - name: envoy.filters.listener.tls_inspector\n"
       "    filter_chains:\n"
       "    - name: inbound-mtls\n"
       "      filter_chain_match: {transport_protocol: tls}\n"
       "      transport_socket:\n"
       "        name: envoy.transport_sockets.tls\n"
       "        typed_config:\n"
       "          \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext\n"
       "          require_client_certificate: true\n"
       "          common_tls_context:\n"
       "            tls_certificates:\n"
       "            - certificate_chain: {filename: " << o.cert_dir << "/cert-chain.pem}\n"
       "              private_key: {filename: " << o.cert_dir << "/key.pem}\n"
       "            validation_context:\n"
       "              trusted_ca: {filename: " << o.cert_dir << "/root-cert.pem}\n"
       "      filters:\n"
       "      - name: envoy.filters.network.rbac\n"
       "        typed_config:\n"
       "          stat_prefix: inbound_mtls.\n"
       "          rules:\n"
       "            action: ALLOW\n"
       "            policies:\n"
       "              mesh-peers:\n"
       "                permissions: [{any: true}]\n"
       "                principals:\n";
  for (const auto& p : principals) {
    y << "                - {authenticated: {principal_name: {prefix: \"" << p << "\"}}}\n";
  }
  y << tcpProxy("inbound_mtls", inboundCluster(f), o.access_log);
  if (o.mtls == MtlsMode::Permissive) {
    y << "    - name: inbound-plaintext\n"
         "      filter_chain_match: {transport_protocol: raw_buffer}\n"
         "      filters:\n" << tcpProxy("inbound_plaintext", inboundCluster(f), o.access_log);
  }
}

}  // namespace

Result<std::string> renderSidecarConfig(const SidecarOptions& o) {
  auto trust_domain = trustDomainOf(o.identity);
  if (!trust_domain) return trust_domain.error();
  if (o.cert_dir.empty()) return makeError("--cert-dir is required");
  std::vector<network::CidrRange> mesh;
  for (const auto& c : o.mesh_cidrs) {
    auto range = network::CidrRange::fromString(c);
    if (!range) return makeError("--mesh-cidr " + c + ": " + range.error().message);
    mesh.push_back(*range);
  }
  if (mesh.empty()) return makeError("at least one --mesh-cidr is required");
  std::vector<std::string> principals = o.allowed_principal_prefixes;
  if (principals.empty()) principals.push_back("spiffe://" + *trust_domain + "/");
  const std::vector<FamilyLayout> families = layoutsFor(o.ip_families);

  std::ostringstream y;
  y << "# Remora sidecar for " << o.identity << " (mTLS " << (o.mtls == MtlsMode::Strict ? "STRICT" : "PERMISSIVE")
    << "), generated by remoractl sidecar-config.\n";
  y << "admin:\n  address: {socket_address: {address: 127.0.0.1, port_value: " << o.admin_port << "}}\n";
  y << "static_resources:\n  listeners:\n";
  // One listener per family and direction: a "::" listener is IPv6-only (Envoy's default,
  // ipv4_compat false), so each family's connections reach a socket of their own family and
  // SO_ORIGINAL_DST / IP6T_SO_ORIGINAL_DST report the right destination.
  for (const auto& f : families) renderOutbound(y, o, f, mesh);
  for (const auto& f : families) renderInbound(y, o, f, principals);
  y << "  clusters:\n";
  y << "  - name: outbound-mesh-mtls\n"
       "    type: ORIGINAL_DST\n"
       "    lb_policy: CLUSTER_PROVIDED\n"
       "    connect_timeout: 5s\n"
       "    transport_socket:\n"
       "      name: envoy.transport_sockets.tls\n"
       "      typed_config:\n"
       "        \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext\n";
  std::string common = commonTls(o, *trust_domain);
  // UpstreamTlsContext's common_tls_context sits one level less deep.
  std::istringstream lines(common);
  for (std::string line; std::getline(lines, line);) y << line.substr(4) << "\n";
  y << "  - name: PassthroughCluster\n"
       "    type: ORIGINAL_DST\n"
       "    lb_policy: CLUSTER_PROVIDED\n"
       "    connect_timeout: 5s\n";
  for (const auto& f : families) {
    y << "  - name: " << inboundCluster(f) << "\n"
         "    type: ORIGINAL_DST\n"
         "    lb_policy: CLUSTER_PROVIDED\n"
         "    connect_timeout: 5s\n"
         "    upstream_bind_config: {source_address: {address: " << f.inbound_source << ", port_value: 0}}\n";
  }
  return y.str();
}

int runSidecarConfigCommand(const std::vector<std::string>& args) {
  SidecarOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (i + 1 >= args.size()) {
      std::fprintf(stderr, "remoractl sidecar-config: %s needs a value\n%s", a.c_str(), kUsage);
      return 2;
    }
    const std::string& v = args[++i];
    if (a == "--identity") {
      o.identity = v;
    } else if (a == "--cert-dir") {
      o.cert_dir = v;
    } else if (a == "--mtls") {
      if (v != "strict" && v != "permissive") {
        std::fprintf(stderr, "remoractl sidecar-config: --mtls must be strict or permissive\n");
        return 2;
      }
      o.mtls = v == "strict" ? MtlsMode::Strict : MtlsMode::Permissive;
    } else if (a == "--mesh-cidr") {
      o.mesh_cidrs.push_back(v);
    } else if (a == "--allow-principal-prefix") {
      o.allowed_principal_prefixes.push_back(v);
    } else if (a == "--admin-port" || a == "--outbound-port" || a == "--inbound-port") {
      int port = std::atoi(v.c_str());
      if (port <= 0 || port > 65535) {
        std::fprintf(stderr, "remoractl sidecar-config: %s: bad port %s\n", a.c_str(), v.c_str());
        return 2;
      }
      (a == "--admin-port" ? o.admin_port : a == "--outbound-port" ? o.outbound_port : o.inbound_port) =
          static_cast<uint16_t>(port);
    } else if (a == "--ip-families") {
      if (v != "dual" && v != "ipv4" && v != "ipv6") {
        std::fprintf(stderr, "remoractl sidecar-config: --ip-families must be dual, ipv4 or ipv6\n");
        return 2;
      }
      o.ip_families = v == "dual" ? IpFamilies::Dual : v == "ipv4" ? IpFamilies::Ipv4 : IpFamilies::Ipv6;
    } else if (a == "--access-log") {
      o.access_log = v;
    } else {
      std::fprintf(stderr, "remoractl sidecar-config: unknown flag %s\n%s", a.c_str(), kUsage);
      return 2;
    }
  }
  auto yaml = renderSidecarConfig(o);
  if (!yaml) {
    std::fprintf(stderr, "remoractl sidecar-config: %s\n%s", yaml.error().message.c_str(), kUsage);
    return 2;
  }
  std::fputs(yaml->c_str(), stdout);
  return 0;
}

}  // namespace remora::remoractl
