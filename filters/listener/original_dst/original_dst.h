#pragma once

// envoy.filters.listener.original_dst: restores the destination a connection
// had before iptables REDIRECT (SO_ORIGINAL_DST / IP6T_SO_ORIGINAL_DST), which
// drives use_original_dst hand-off, destination_port/prefix_ranges matching
// and ORIGINAL_DST clusters.

#include "filters/filter_registry.h"
#include "filters/listener/listener_filter.h"

namespace remora::filters::original_dst {

class OriginalDstFilter : public ListenerFilter {
 public:
  ListenerFilterStatus onAccept(ListenerFilterCallbacks& callbacks) override;
};

class OriginalDstFactory : public ListenerFilterFactory {
 public:
  std::string name() const override { return "original_dst"; }
  std::optional<ListenerFilterFactoryCb> createFilterFactory(const config::FilterConfig& config,
                                                             FactoryContext& context,
                                                             config::ErrorList& errors) override;
};

}  // namespace remora::filters::original_dst
