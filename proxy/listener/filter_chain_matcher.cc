#include "proxy/listener/filter_chain_matcher.h"

#include <algorithm>
#include <functional>

namespace remora::listener {

namespace {

using Candidates = std::vector<int>;
using Chains = std::vector<const config::FilterChainMatch*>;

// Keeps the candidates with the highest positive score; if none scores, keeps
// those for which `unset` holds.
Candidates narrow(const Chains& chains, const Candidates& in,
                  const std::function<int(const config::FilterChainMatch&)>& score,
                  const std::function<bool(const config::FilterChainMatch&)>& unset) {
  int best = 0;
  for (int i : in) best = std::max(best, score(*chains[i]));
  Candidates out;
  for (int i : in) {
    const auto& m = *chains[i];
    if (best > 0 ? score(m) == best : unset(m)) out.push_back(i);
  }
  return out;
}

// 1 + prefix length of the longest range containing `address`, 0 if none.
int cidrScore(const std::vector<network::CidrRange>& ranges, const network::Address& address) {
  int best = 0;
  for (const auto& r : ranges) {
    if (r.contains(address)) best = std::max(best, static_cast<int>(r.prefixLength()) + 1);
  }
  return best;
}

int serverNameScore(const std::vector<std::string>& names, std::string_view sni) {
  if (sni.empty()) return 0;
  int best = 0;
  for (const auto& n : names) {
    if (n == sni) return 1'000'000;  // exact beats every wildcard
    if (n.size() > 2 && n[0] == '*' && n[1] == '.') {
      std::string suffix = n.substr(1);
      if (sni.size() > suffix.size() &&
          sni.compare(sni.size() - suffix.size(), suffix.size(), suffix) == 0) {
        best = std::max(best, static_cast<int>(suffix.size()));
      }
    }
  }
  return best;
}

}  // namespace

int selectFilterChain(const Chains& chains, const network::ConnectionInfo& info) {
  Candidates c;
  for (size_t i = 0; i < chains.size(); ++i) c.push_back(static_cast<int>(i));
  const network::Address& local = info.effectiveLocalAddress();
  const network::Address remote = info.remote_address.unmapped();

  c = narrow(chains, c,
             [&](const auto& m) { return m.destination_port && *m.destination_port == local.port() ? 1 : 0; },
             [](const auto& m) { return !m.destination_port.has_value(); });
  c = narrow(chains, c, [&](const auto& m) { return cidrScore(m.prefix_ranges, local.unmapped()); },
             [](const auto& m) { return m.prefix_ranges.empty(); });
  c = narrow(chains, c,
             [&](const auto& m) { return serverNameScore(m.server_names, info.requestedServerName()); },
             [](const auto& m) { return m.server_names.empty(); });
  c = narrow(chains, c,
             [&](const auto& m) {
               return !m.transport_protocol.empty() && m.transport_protocol == info.transport_protocol ? 1 : 0;
             },
             [](const auto& m) { return m.transport_protocol.empty(); });
  c = narrow(chains, c,
             [&](const auto& m) {
               for (const auto& p : m.application_protocols) {
                 for (const auto& offered : info.applicationProtocols()) {
                   if (p == offered) return 1;
                 }
               }
               return 0;
             },
             [](const auto& m) { return m.application_protocols.empty(); });
  c = narrow(chains, c, [&](const auto& m) { return cidrScore(m.source_prefix_ranges, remote); },
             [](const auto& m) { return m.source_prefix_ranges.empty(); });
  c = narrow(chains, c,
             [&](const auto& m) {
               return std::find(m.source_ports.begin(), m.source_ports.end(), remote.port()) !=
                              m.source_ports.end()
                          ? 1
                          : 0;
             },
             [](const auto& m) { return m.source_ports.empty(); });
  return c.empty() ? -1 : c.front();
}

}  // namespace remora::listener
