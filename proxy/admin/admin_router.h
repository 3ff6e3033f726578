#pragma once

// The handler table behind an admin listener: exact-path routing, Envoy's
// method rule (state-changing endpoints answer only POST), /help, and the 404
// that lists what exists. Knows nothing of sockets, so it is tested and fuzzed
// directly.
//
// Single-threaded: owned by the AdminServer and used on its dispatcher's
// thread.

#include <map>
#include <string>

#include "proxy/admin/admin.h"

namespace remora::admin {

class AdminRouter : public Admin {
 public:
  // With `serve_help`, "/" and "/help" list the endpoints (Envoy's admin
  // port); the Istio-style single-purpose ports leave them out.
  explicit AdminRouter(bool serve_help = true);

  bool addHandler(const std::string& prefix, const std::string& help, AdminHandler handler,
                  bool mutates_state) override;

  // Runs the handler for `request.path`, or answers 404/405 itself. Methods
  // other than GET, HEAD and POST get 405; so do GET and HEAD on a
  // state-changing endpoint.
  AdminResponse route(const AdminRequest& request) const;

  // "admin commands are:\n  /path: help\n..." in path order.
  std::string helpText() const;
  bool hasHandler(const std::string& path) const { return handlers_.count(path) != 0; }

 private:
  struct Entry {
    std::string help;
    AdminHandler handler;
    bool mutates_state = false;
  };
  std::map<std::string, Entry> handlers_;
};

}  // namespace remora::admin
