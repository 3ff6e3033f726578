#pragma once

// `remoractl sidecar-config`: renders the bootstrap a Remora sidecar runs
// with in a pod whose traffic remora-iptables captures (Istio's layout):
// Per address family (both by default; the IPv6 names end in "Ipv6"/"-ipv6"):
//   virtualOutbound 0.0.0.0:15001  original_dst hand-off; mTLS (client cert,
//                                  peer SAN in the trust domain) to mesh CIDRs,
//                                  plain passthrough to everything else
//   virtualInbound  0.0.0.0:15006  original_dst + tls_inspector; STRICT (mTLS
//                                  only, plaintext refused) or PERMISSIVE (mTLS
//                                  and plaintext chains); RBAC on the peer's
//                                  SPIFFE ID; forwards to the app on the
//                                  original port from 127.0.0.6 (IPv6: ::6)
//   admin 127.0.0.1:15000 (readiness 15021 and Prometheus 15090 are flags of remora)

#include <string>
#include <vector>

#include "common/result.h"

namespace remora::remoractl {

enum class MtlsMode { Strict, Permissive };
// Which address families get listeners: both by default (a listener and an inbound cluster per
// family; see docs/sidecar.md "IPv4 and IPv6").
enum class IpFamilies { Dual, Ipv4, Ipv6 };

struct SidecarOptions {
  std::string identity;        // spiffe://<trust-domain>/ns/<ns>/sa/<sa>
  std::string cert_dir;        // cert-chain.pem, key.pem, root-cert.pem
  MtlsMode mtls = MtlsMode::Strict;
  IpFamilies ip_families = IpFamilies::Dual;
  std::vector<std::string> mesh_cidrs;        // destinations reached with mTLS
  std::vector<std::string> allowed_principal_prefixes;  // default: the trust domain
  uint16_t admin_port = 15000;
  uint16_t outbound_port = 15001;
  uint16_t inbound_port = 15006;
  std::string access_log = "/dev/stdout";
};

// The trust domain of a SPIFFE ID ("cluster.local"), or an error.
Result<std::string> trustDomainOf(const std::string& spiffe_id);
Result<std::string> renderSidecarConfig(const SidecarOptions& options);
int runSidecarConfigCommand(const std::vector<std::string>& args);

}  // namespace remora::remoractl
