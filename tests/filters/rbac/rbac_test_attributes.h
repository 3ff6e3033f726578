#pragma once

// Plain-struct RBAC attributes for tests.

#include <map>
#include <optional>
#include <string>

#include "filters/common/rbac/rbac_attributes.h"

namespace remora::filters::rbac::test {

struct FakeAttributes : public Attributes {
  std::optional<network::Address> remote;
  std::optional<network::Address> direct_remote;
  std::optional<network::Address> destination;
  std::optional<network::PeerSecurityInfo> peer;
  std::string sni;
  std::map<std::string, std::string> headers;
  std::optional<std::string> path;

  const network::Address* remoteAddress() const override { return remote ? &*remote : nullptr; }
  const network::Address* directRemoteAddress() const override {
    return direct_remote ? &*direct_remote : nullptr;
  }
  const network::Address* destinationAddress() const override {
    return destination ? &*destination : nullptr;
  }
  const network::PeerSecurityInfo* peerSecurity() const override { return peer ? &*peer : nullptr; }
  std::string_view requestedServerName() const override { return sni; }
  std::optional<std::string_view> header(std::string_view name) const override {
    auto it = headers.find(std::string(name));
    if (it == headers.end()) return std::nullopt;
    return std::string_view(it->second);
  }
  std::optional<std::string_view> urlPath() const override {
    if (!path) return std::nullopt;
    return std::string_view(*path);
  }

  // A verified mTLS peer with `uri` as its SPIFFE ID.
  void setPeer(const std::string& uri, bool validated = true) {
    network::PeerSecurityInfo info;
    info.uri_san = uri;
    info.uri_sans = {uri};
    info.peer_certificate_presented = true;
    info.peer_certificate_validated = validated;
    peer = info;
  }
};

}  // namespace remora::filters::rbac::test
