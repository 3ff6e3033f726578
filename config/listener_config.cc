#include "config/listener_config.h"

#include <set>

namespace remora::config {

namespace {

std::optional<network::Address> parseSocketAddress(MapReader& parent, std::string_view key,
                                                   ErrorList& errors, bool required) {
  auto address_node = parent.child(key, required);
  if (!address_node) return std::nullopt;
  MapReader address(*address_node, errors);
  auto socket_node = address.child("socket_address", true);
  address.finish();
  if (!socket_node) return std::nullopt;
  MapReader socket(*socket_node, errors);
  auto ip = socket.string("address", true);
  auto port = socket.integer("port_value", 0, 65535, true);
  socket.oneOf("protocol", {"TCP"});
  socket.finish();
  if (!ip || !port) return std::nullopt;
  auto parsed = network::Address::fromIp(*ip, static_cast<uint16_t>(*port));
  if (!parsed) {
    socket_node->error(errors, "address must be an IP literal: " + parsed.error().message);
    return std::nullopt;
  }
  return *parsed;
}

std::vector<network::CidrRange> parseCidrList(MapReader& reader, std::string_view key,
                                              ErrorList& errors) {
  std::vector<network::CidrRange> out;
  for (const auto& element : reader.sequence(key)) {
    MapReader cidr(element, errors);
    auto prefix = cidr.string("address_prefix", true);
    auto len = cidr.integer("prefix_len", 0, 128);
    cidr.finish();
    if (!prefix) continue;
    auto range = len ? network::CidrRange::fromIp(*prefix, static_cast<uint32_t>(*len))
                     : network::CidrRange::fromString(*prefix);
    if (!range) {
      element.error(errors, range.error().message);
      continue;
    }
    out.push_back(*range);
  }
  return out;
}

std::vector<std::string> parseStringList(MapReader& reader, std::string_view key, ErrorList& errors) {
  std::vector<std::string> out;
  for (const auto& element : reader.sequence(key)) {
    if (auto s = element.asString(errors)) out.push_back(*s);
  }
  return out;
}

void validateServerName(const YamlNode& node, const std::string& name, ErrorList& errors) {
  // Envoy accepts exact names and "*.suffix"; partial wildcards and "*" are invalid.
  size_t star = name.find('*');
  if (star == std::string::npos) return;
  if (star != 0 || name.size() < 3 || name[1] != '.' || name.find('*', 1) != std::string::npos) {
    node.error(errors, "server name '" + name + "': only exact names and \"*.suffix\" are supported");
  }
}

std::optional<FilterChainMatch> parseMatch(const YamlNode& node, ErrorList& errors) {
  MapReader r(node, errors);
  FilterChainMatch match;
  if (auto port = r.integer("destination_port", 1, 65535)) {
    match.destination_port = static_cast<uint16_t>(*port);
  }
  match.prefix_ranges = parseCidrList(r, "prefix_ranges", errors);
  match.source_prefix_ranges = parseCidrList(r, "source_prefix_ranges", errors);
  for (const auto& p : r.sequence("source_ports")) {
    if (auto v = p.asInteger(errors, 1, 65535)) match.source_ports.push_back(static_cast<uint16_t>(*v));
  }
  if (auto tp = r.oneOf("transport_protocol", {"raw_buffer", "tls"})) match.transport_protocol = *tp;
  if (auto names = r.child("server_names")) {
    for (const auto& n : names->elements(errors)) {
      if (auto s = n.asString(errors)) {
        validateServerName(n, *s, errors);
        match.server_names.push_back(*s);
      }
    }
  }
  match.application_protocols = parseStringList(r, "application_protocols", errors);
  r.finish();
  return match;
}

std::optional<FilterConfig> parseFilter(const YamlNode& node, ErrorList& errors) {
  MapReader r(node, errors);
  auto name = r.string("name", true);
  auto typed = r.child("typed_config");
  r.finish();
  if (!name) return std::nullopt;
  return FilterConfig{shortFilterName(*name), typed, node};
}

std::optional<FilterChainConfig> parseFilterChain(const YamlNode& node, ErrorList& errors) {
  MapReader r(node, errors);
  FilterChainConfig chain;
  chain.name = r.string("name").value_or("");
  if (auto m = r.child("filter_chain_match")) {
    if (auto match = parseMatch(*m, errors)) chain.match = *match;
  }
  for (const auto& f : r.sequence("filters", true)) {
    if (auto filter = parseFilter(f, errors)) chain.filters.push_back(std::move(*filter));
  }
  chain.transport_socket = r.child("transport_socket");
  r.finish();
  if (chain.filters.empty() && r.valid()) {
    node.error(errors, "a filter chain needs at least one network filter");
  }
  return chain;
}

std::string matchKey(const FilterChainMatch& m) {
  std::string key = std::to_string(m.destination_port.value_or(0)) + "|";
  for (const auto& c : m.prefix_ranges) key += c.toString() + ",";
  key += "|";
  for (const auto& c : m.source_prefix_ranges) key += c.toString() + ",";
  key += "|";
  for (auto p : m.source_ports) key += std::to_string(p) + ",";
  key += "|" + m.transport_protocol + "|";
  for (const auto& s : m.server_names) key += s + ",";
  key += "|";
  for (const auto& s : m.application_protocols) key += s + ",";
  return key;
}

}  // namespace

std::string shortFilterName(const std::string& name) {
  for (const char* prefix : {"envoy.filters.network.", "envoy.filters.listener.",
                             "envoy.filters.http.", "envoy.transport_sockets.", "envoy."}) {
    std::string p(prefix);
    if (name.compare(0, p.size(), p) == 0) return name.substr(p.size());
  }
  return name;
}

std::optional<ListenerConfig> parseListener(const YamlNode& node, ErrorList& errors) {
  MapReader r(node, errors);
  if (!r.valid()) return std::nullopt;
  ListenerConfig listener;
  listener.name = r.string("name", true).value_or("");
  if (auto address = parseSocketAddress(r, "address", errors, true)) listener.address = *address;
  listener.use_original_dst = r.boolean("use_original_dst").value_or(false);
  listener.bind_to_port = r.boolean("bind_to_port").value_or(true);
  listener.per_connection_buffer_limit_bytes = static_cast<uint32_t>(
      r.integer("per_connection_buffer_limit_bytes", 1, 1ll << 30).value_or(1024 * 1024));
  listener.listener_filters_timeout =
      r.duration("listener_filters_timeout").value_or(std::chrono::milliseconds(15'000));
  listener.continue_on_listener_filters_timeout =
      r.boolean("continue_on_listener_filters_timeout").value_or(false);
  if (auto balance = r.child("connection_balance_config")) {
    MapReader b(*balance, errors);
    if (b.child("exact_balance") || b.has("exact_balance")) listener.exact_balance = true;
    b.finish();
  }
  r.ignore("@type");
  for (const auto& f : r.sequence("listener_filters")) {
    if (auto filter = parseFilter(f, errors)) listener.listener_filters.push_back(std::move(*filter));
  }
  std::set<std::string> seen_matches;
  auto chains = r.sequence("filter_chains");
  for (const auto& c : chains) {
    auto chain = parseFilterChain(c, errors);
    if (!chain) continue;
    if (!seen_matches.insert(matchKey(chain->match)).second) {
      c.error(errors, "two filter chains of this listener have the same filter_chain_match");
    }
    listener.filter_chains.push_back(std::move(*chain));
  }
  if (auto d = r.child("default_filter_chain")) {
    auto chain = parseFilterChain(*d, errors);
    if (chain) {
      if (d->raw()["filter_chain_match"].IsDefined()) {
        d->error(errors, "default_filter_chain cannot have a filter_chain_match");
      }
      listener.default_filter_chain = std::move(*chain);
    }
  }
  r.finish();
  if (listener.filter_chains.empty() && !listener.default_filter_chain && r.valid()) {
    node.error(errors, "a listener needs filter_chains or a default_filter_chain");
  }
  listener.source_text = YAML::Dump(node.raw());
  return listener;
}

}  // namespace remora::config
