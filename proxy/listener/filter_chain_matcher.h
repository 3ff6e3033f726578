#pragma once

// Envoy's filter-chain selection: criteria applied in a fixed order
// (destination port, destination IP, server name, transport protocol,
// application protocols, source IP, source port); at each step the most
// specific matching chains survive, and chains that leave a criterion unset
// survive only when no chain matches it explicitly.

#include <vector>

#include "common/network/connection.h"
#include "config/listener_config.h"

namespace remora::listener {

// Returns the index of the selected chain in `chains`, or -1 (the caller
// then uses the default chain, if any).
int selectFilterChain(const std::vector<const config::FilterChainMatch*>& chains,
                      const network::ConnectionInfo& info);

}  // namespace remora::listener
