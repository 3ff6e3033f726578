// The one list of built-in filters. Adding a filter means adding a line here
// (see docs/adding_a_filter.md).

#include "filters/filter_registry.h"
#include "filters/listener/original_dst/original_dst.h"
#include "filters/listener/tls_inspector/tls_inspector.h"
#include "filters/network/rbac/rbac_filter.h"
#include "filters/network/tcp_proxy/config.h"

namespace remora::filters {

void registerBuiltinFilters(FilterRegistry& registry) {
  registry.add(std::make_unique<original_dst::OriginalDstFactory>());
  registry.add(std::make_unique<tls_inspector::TlsInspectorFactory>());
  registry.add(std::make_unique<rbac::RbacNetworkFilterFactory>());
  registry.add(std::make_unique<tcp_proxy::TcpProxyFactory>());
}

}  // namespace remora::filters
