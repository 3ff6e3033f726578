#include "proxy/admin/admin_router.h"

#include <utility>

namespace remora::admin {

AdminRouter::AdminRouter(bool serve_help) {
  if (!serve_help) return;
  AdminHandler help = [this](const AdminRequest&) {
    AdminResponse response;
    response.body = helpText();
    return response;
  };
  addHandler("/", "this list of admin commands", help, false);
  addHandler("/help", "this list of admin commands", help, false);
}

bool AdminRouter::addHandler(const std::string& prefix, const std::string& help,
                             AdminHandler handler, bool mutates_state) {
  if (prefix.empty() || prefix.front() != '/' || !handler) return false;
  return handlers_.emplace(prefix, Entry{help, std::move(handler), mutates_state}).second;
}

AdminResponse AdminRouter::route(const AdminRequest& request) const {
  auto it = handlers_.find(request.path);
  if (it == handlers_.end()) {
    AdminResponse response;
    response.status = 404;
    response.body = "invalid path. " + helpText();
    return response;
  }
  const Entry& entry = it->second;
  const std::string& method = request.method;
  bool read_only_method = method == "GET" || method == "HEAD";
  if (!read_only_method && method != "POST") {
    AdminResponse response;
    response.status = 405;
    response.body = "Method " + method + " not allowed.\n";
    response.headers.emplace_back("allow", entry.mutates_state ? "POST" : "GET, HEAD, POST");
    return response;
  }
  if (entry.mutates_state && read_only_method) {
    // Envoy's wording, so that scripts written against Envoy keep matching.
    AdminResponse response;
    response.status = 405;
    response.body = "Method " + method + " not allowed, POST required.\n";
    response.headers.emplace_back("allow", "POST");
    return response;
  }
  return entry.handler(request);
}

std::string AdminRouter::helpText() const {
  std::string out = "admin commands are:\n";
  for (const auto& [path, entry] : handlers_) {
    out += "  " + path + (entry.mutates_state ? " (POST)" : "") + ": " + entry.help + "\n";
  }
  return out;
}

}  // namespace remora::admin
