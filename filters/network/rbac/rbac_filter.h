#pragma once

// envoy.filters.network.rbac: allows or denies a connection by its peer's
// identity (SPIFFE ID), addresses and destination port. Decides when the
// connection starts — filters on a TLS chain start after the handshake, so
// the peer identity is known — and closes a denied connection before a later
// filter (tcp_proxy) opens anything upstream. With enforcement_type
// CONTINUOUS it decides again on every chunk of data.

#include <memory>

#include "filters/common/rbac/rbac_filter_config.h"
#include "filters/filter_registry.h"
#include "filters/network/network_filter.h"

namespace remora::filters::rbac {

struct RbacNetworkConfig {
  RbacFilterConfig config;
  std::unique_ptr<RbacStats> stats;
};

class RbacNetworkFilter : public ReadFilter {
 public:
  explicit RbacNetworkFilter(std::shared_ptr<const RbacNetworkConfig> config) : config_(std::move(config)) {}
  void initializeReadFilterCallbacks(ReadFilterCallbacks& callbacks) override { callbacks_ = &callbacks; }
  FilterStatus onNewConnection() override;
  FilterStatus onData(buffer::Buffer& data, bool end_stream) override;
  // Only CONTINUOUS enforcement re-checks on data; ONE_TIME_ON_FIRST_BYTE decided at the start.
  bool inspectsData() const override;

 private:
  std::shared_ptr<const RbacNetworkConfig> config_;
  // Checks the policies; closes the connection and returns false on deny.
  bool allow();

  ReadFilterCallbacks* callbacks_ = nullptr;
};

class RbacNetworkFilterFactory : public NetworkFilterFactory {
 public:
  std::string name() const override { return "rbac"; }
  bool isTerminal() const override { return false; }
  std::optional<NetworkFilterFactoryCb> createFilterFactory(const config::FilterConfig& config,
                                                            FactoryContext& context,
                                                            config::ErrorList& errors) override;
};

}  // namespace remora::filters::rbac
