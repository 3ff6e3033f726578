#include "proxy/listener/filter_chain_matcher.h"

#include <algorithm>

namespace remora::listener {

namespace {

using Candidates = std::vector<int>;
using Chains = std::vector<const config::FilterChainMatch*>;

// Keeps the candidates with the highest positive score; if none scores, keeps
// those for which `unset` holds. In place: selecting a chain allocates only
// the candidate list, once per connection.
template <typename Score, typename Unset>
void narrow(const Chains& chains, Candidates& c, Score score, Unset unset) {
  int best = 0;
  for (int i : c) best = std::max(best, score(*chains[i]));
  std::erase_if(c, [&](int i) {
    const auto& m = *chains[i];
    return !(best > 0 ? score(m) == best : unset(m));
  });
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
      std::string_view suffix = std::string_view(n).substr(1);  // ".example.com"
      if (sni.size() > suffix.size() && sni.ends_with(suffix)) {
        best = std::max(best, static_cast<int>(suffix.size()));
      }
    }
  }
  return best;
}

}  // namespace

int selectFilterChain(const Chains& chains, const network::ConnectionInfo& info) {
  Candidates c(chains.size());
  for (size_t i = 0; i < chains.size(); ++i) c[i] = static_cast<int>(i);
  const network::Address& local = info.effectiveLocalAddress();
  const network::Address remote = info.remote_address.unmapped();

  narrow(chains, c,
             [&](const auto& m) { return m.destination_port && *m.destination_port == local.port() ? 1 : 0; },
             [](const auto& m) { return !m.destination_port.has_value(); });
  narrow(chains, c, [&](const auto& m) { return cidrScore(m.prefix_ranges, local.unmapped()); },
             [](const auto& m) { return m.prefix_ranges.empty(); });
  narrow(chains, c,
             [&](const auto& m) { return serverNameScore(m.server_names, info.requestedServerName()); },
             [](const auto& m) { return m.server_names.empty(); });
  narrow(chains, c,
             [&](const auto& m) {
               return !m.transport_protocol.empty() && m.transport_protocol == info.transport_protocol ? 1 : 0;
             },
             [](const auto& m) { return m.transport_protocol.empty(); });
  narrow(chains, c,
             [&](const auto& m) {
               for (const auto& p : m.application_protocols) {
                 for (const auto& offered : info.applicationProtocols()) {
                   if (p == offered) return 1;
                 }
               }
               return 0;
             },
             [](const auto& m) { return m.application_protocols.empty(); });
  narrow(chains, c, [&](const auto& m) { return cidrScore(m.source_prefix_ranges, remote); },
             [](const auto& m) { return m.source_prefix_ranges.empty(); });
  narrow(chains, c,
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
