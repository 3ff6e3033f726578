#include "config/bootstrap.h"

#include <fstream>
#include <map>
#include <sstream>

namespace remora::config {

namespace {

AdminConfig parseAdmin(const YamlNode& node, ErrorList& errors) {
  AdminConfig admin;
  admin.address = *network::Address::fromIp("127.0.0.1", 15000);
  MapReader r(node, errors);
  if (auto address = r.child("address")) {
    MapReader a(*address, errors);
    if (auto socket = a.child("socket_address", true)) {
      MapReader s(*socket, errors);
      auto ip = s.string("address", true);
      auto port = s.integer("port_value", 0, 65535, true);
      s.finish();
      if (ip && port) {
        auto parsed = network::Address::fromIp(*ip, static_cast<uint16_t>(*port));
        if (parsed) {
          admin.address = *parsed;
        } else {
          socket->error(errors, parsed.error().message);
        }
      }
    }
    a.finish();
  }
  admin.access_log_path = r.string("access_log_path").value_or("");
  r.finish();
  return admin;
}

}  // namespace

std::optional<Bootstrap> parseBootstrap(const YamlNode& root, ErrorList& errors) {
  Bootstrap bootstrap;
  bootstrap.admin.address = *network::Address::fromIp("127.0.0.1", 15000);
  MapReader r(root, errors);
  if (!r.valid()) return std::nullopt;
  if (auto admin = r.child("admin")) bootstrap.admin = parseAdmin(*admin, errors);
  r.ignore("node");  // identity metadata, informational only
  if (auto resources = r.child("static_resources", true)) {
    MapReader s(*resources, errors);
    std::map<std::string, int> listener_names;
    std::map<std::string, int> listener_addresses;
    for (const auto& l : s.sequence("listeners")) {
      auto listener = parseListener(l, errors);
      if (!listener) continue;
      if (!listener_names.emplace(listener->name, l.line()).second) {
        l.error(errors, "duplicate listener name '" + listener->name + "'");
      }
      if (listener->bind_to_port &&
          !listener_addresses.emplace(listener->address.toString(), l.line()).second) {
        l.error(errors, "two listeners bind " + listener->address.toString());
      }
      bootstrap.listeners.push_back(std::move(*listener));
    }
    std::map<std::string, int> cluster_names;
    for (const auto& c : s.sequence("clusters")) {
      auto cluster = parseCluster(c, errors);
      if (!cluster) continue;
      if (!cluster_names.emplace(cluster->name, c.line()).second) {
        c.error(errors, "duplicate cluster name '" + cluster->name + "'");
      }
      bootstrap.clusters.push_back(std::move(*cluster));
    }
    s.finish();
  }
  r.finish();
  // Returned even with errors, so later passes (filters, TLS) can report theirs too.
  return bootstrap;
}

std::optional<Bootstrap> loadBootstrapFile(const std::string& path, ErrorList& errors) {
  std::ifstream in(path);
  if (!in) {
    errors.add(path, 0, 0, "cannot read the configuration file");
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto root = loadYamlString(text.str(), errors, path);
  if (!root) return std::nullopt;
  auto bootstrap = parseBootstrap(*root, errors);
  if (!bootstrap) return std::nullopt;
  bootstrap->path = path;
  bootstrap->text = text.str();
  return bootstrap;
}

}  // namespace remora::config
