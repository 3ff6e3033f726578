#include "kv/client/peers_parser.h"

#include <charconv>

#include "kv/client/status.h"

namespace remora::kv::client {

namespace {

Error bad(const std::string& why) { return makeError("bad peers reply: " + why, status::kClientError); }

// Splits on commas at bracket depth 0.
std::vector<std::string_view> splitTop(std::string_view s) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '[') ++depth;
    if (s[i] == ']') --depth;
    if (s[i] == ',' && depth == 0) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(s.substr(start));
  return out;
}

std::string_view stripBrackets(std::string_view s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') return s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

Result<PeersReply> parsePeers(std::string_view value) {
  auto top = splitTop(value);
  if (top.size() != 3) return bad("expected 3 parts");
  PeersReply out;
  if (std::from_chars(top[0].data(), top[0].data() + top[0].size(), out.generation).ec !=
      std::errc()) {
    return bad("generation");
  }
  const std::string default_port = top[1].empty() ? "3000" : std::string(top[1]);
  std::string_view list = stripBrackets(top[2]);
  if (list.empty()) return out;
  for (auto entry : splitTop(list)) {
    auto parts = splitTop(stripBrackets(entry));
    if (parts.size() != 3) return bad("peer entry");
    Peer peer;
    peer.node_name = std::string(parts[0]);
    std::string_view hosts = stripBrackets(parts[2]);
    if (!hosts.empty()) {
      for (auto host : splitTop(hosts)) {
        std::string h(host);
        // "[v6]:port", "[v6]", "v4:port" or "v4".
        const bool has_port = h.front() == '[' ? h.find("]:") != std::string::npos
                                               : h.find(':') != std::string::npos;
        if (!has_port) h += ":" + default_port;
        peer.hosts.push_back(h);
      }
    }
    out.peers.push_back(std::move(peer));
  }
  return out;
}

}  // namespace remora::kv::client
