#include "filters/common/rbac/matchers.h"

namespace remora::filters::rbac {

bool AndMatcher::matches(const Attributes& attributes) const {
  for (const auto& child : children_) {
    if (!child->matches(attributes)) return false;
  }
  return true;
}

bool OrMatcher::matches(const Attributes& attributes) const {
  for (const auto& child : children_) {
    if (child->matches(attributes)) return true;
  }
  return false;
}

bool AuthenticatedMatcher::matches(const Attributes& attributes) const {
  const network::PeerSecurityInfo* peer = attributes.peerSecurity();
  // An unverified certificate proves nothing about who the peer is.
  if (peer == nullptr || !peer->peer_certificate_validated) return false;
  if (!principal_name_) return true;
  if (peer->uri_sans.empty()) return principal_name_->match(peer->subject);
  for (const auto& san : peer->uri_sans) {
    if (principal_name_->match(san)) return true;
  }
  return false;
}

bool IpMatcher::matches(const Attributes& attributes) const {
  const network::Address* address = nullptr;
  switch (source_) {
    case Source::Remote: address = attributes.remoteAddress(); break;
    case Source::DirectRemote: address = attributes.directRemoteAddress(); break;
    case Source::Destination: address = attributes.destinationAddress(); break;
  }
  if (address == nullptr || !address->valid()) return false;
  // A dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d.
  return range_.contains(address->unmapped());
}

bool PortRangeMatcher::matches(const Attributes& attributes) const {
  const network::Address* address = attributes.destinationAddress();
  if (address == nullptr || !address->valid()) return false;
  uint32_t port = address->port();
  return port >= start_ && port < end_;
}

bool HeaderMatcher::matches(const Attributes& attributes) const {
  std::optional<std::string_view> value = attributes.header(name_);
  bool matched = value.has_value() && (!value_ || value_->match(*value));
  return matched != invert_;
}

bool PathMatcher::matches(const Attributes& attributes) const {
  std::optional<std::string_view> path = attributes.urlPath();
  if (!path) return false;
  std::string_view p = *path;
  size_t query = p.find_first_of("?#");
  return matcher_.match(p.substr(0, query));
}

}  // namespace remora::filters::rbac
