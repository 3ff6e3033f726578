#include "filters/network/rbac/rbac_filter.h"

#include "common/logging/logger.h"
#include "filters/common/rbac/connection_attributes.h"
#include "filters/common/rbac/rbac_config_parser.h"

namespace remora::filters::rbac {

FilterStatus RbacNetworkFilter::onNewConnection() {
  return allow() ? FilterStatus::Continue : FilterStatus::StopIteration;
}

FilterStatus RbacNetworkFilter::onData(buffer::Buffer& data, bool) {
  if (config_->config.enforcement_type != EnforcementType::Continuous) return FilterStatus::Continue;
  if (allow()) return FilterStatus::Continue;
  data.drain(data.length());
  return FilterStatus::StopIteration;
}

bool RbacNetworkFilter::inspectsData() const {
  return config_->config.enforcement_type == EnforcementType::Continuous;
}

bool RbacNetworkFilter::allow() {
  ConnectionAttributes attributes(callbacks_->connection());
  CheckResult result = check(config_->config, *config_->stats, attributes);
  if (result.allowed) return true;
  const auto* peer = attributes.peerSecurity();
  REMORA_LOG(debug, logging::Component::Filter, "rbac: denied connection from {} ({}) by policy '{}'",
             callbacks_->connection().info().remote_address.toString(),
             peer != nullptr ? peer->uri_san : std::string("no peer identity"), result.enforced_policy);
  callbacks_->streamInfo().setFlag(ResponseFlag::UnauthorizedExternalService);
  callbacks_->streamInfo().details().connection_termination_details =
      "rbac_access_denied_matched_policy[" + result.enforced_policy + "]";
  callbacks_->connection().close(network::ConnectionCloseType::NoFlush);
  return false;
}

std::optional<NetworkFilterFactoryCb> RbacNetworkFilterFactory::createFilterFactory(
    const config::FilterConfig& filter, FactoryContext& context, config::ErrorList& errors) {
  if (!filter.typed_config) {
    filter.node.error(errors, "rbac needs a typed_config");
    return std::nullopt;
  }
  auto parsed = parseRbacFilterConfig(*filter.typed_config, errors);
  if (!parsed) return std::nullopt;
  auto config = std::make_shared<RbacNetworkConfig>();
  config->config = std::move(*parsed);
  stats::Scope scope(context.stats, "");
  config->stats = std::make_unique<RbacStats>(scope, config->config);
  std::shared_ptr<const RbacNetworkConfig> shared = config;
  return NetworkFilterFactoryCb([shared](FilterManager& manager) {
    manager.addReadFilter(std::make_unique<RbacNetworkFilter>(shared));
  });
}

}  // namespace remora::filters::rbac
