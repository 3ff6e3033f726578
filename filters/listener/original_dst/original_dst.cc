#include "filters/listener/original_dst/original_dst.h"

#include "common/network/socket.h"

namespace remora::filters::original_dst {

ListenerFilterStatus OriginalDstFilter::onAccept(ListenerFilterCallbacks& callbacks) {
  if (auto original = network::originalDestination(callbacks.fd())) {
    callbacks.info().original_destination = original->unmapped();
  }
  return ListenerFilterStatus::Continue;
}

std::optional<ListenerFilterFactoryCb> OriginalDstFactory::createFilterFactory(
    const config::FilterConfig& config, FactoryContext&, config::ErrorList& errors) {
  if (config.typed_config) {
    config::MapReader r(*config.typed_config, errors);
    r.ignore("@type");
    r.finish();
  }
  return ListenerFilterFactoryCb([] { return std::make_unique<OriginalDstFilter>(); });
}

}  // namespace remora::filters::original_dst
