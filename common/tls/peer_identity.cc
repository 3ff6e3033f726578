#include "common/tls/peer_identity.h"

namespace remora::tls {
namespace {
constexpr std::string_view kSpiffeScheme = "spiffe://";

std::string orDash(const std::string& s) { return s.empty() ? "-" : s; }
}  // namespace

std::string formatPeerUriSan(const network::PeerSecurityInfo* peer) {
  if (peer == nullptr || peer->uri_sans.empty()) return "-";
  std::string out;
  for (const auto& san : peer->uri_sans) {
    if (!out.empty()) out += ',';
    out += san;
  }
  return out;
}

std::string formatPeerSubject(const network::PeerSecurityInfo* peer) {
  return peer == nullptr ? "-" : orDash(peer->subject);
}

std::string formatPeerSerial(const network::PeerSecurityInfo* peer) {
  return peer == nullptr ? "-" : orDash(peer->serial);
}

std::string formatTlsVersion(const network::PeerSecurityInfo* peer) {
  return peer == nullptr ? "-" : orDash(peer->tls_version);
}

std::string_view principalFromSpiffeId(std::string_view uri) {
  return uri.starts_with(kSpiffeScheme) ? uri.substr(kSpiffeScheme.size()) : uri;
}

SpiffeId parseSpiffeId(std::string_view uri) {
  SpiffeId out;
  if (!uri.starts_with(kSpiffeScheme)) return out;
  std::string_view rest = uri.substr(kSpiffeScheme.size());
  size_t slash = rest.find('/');
  out.trust_domain = std::string(rest.substr(0, slash));
  if (slash == std::string_view::npos) return out;
  std::string_view path = rest.substr(slash);  // "/ns/<ns>/sa/<sa>"
  constexpr std::string_view kNs = "/ns/";
  constexpr std::string_view kSa = "/sa/";
  if (!path.starts_with(kNs)) return out;
  path.remove_prefix(kNs.size());
  size_t sa = path.find(kSa);
  if (sa == std::string_view::npos || sa == 0) return out;
  std::string_view account = path.substr(sa + kSa.size());
  if (account.empty() || account.find('/') != std::string_view::npos) return out;
  out.ns = std::string(path.substr(0, sa));
  out.service_account = std::string(account);
  return out;
}

}  // namespace remora::tls
