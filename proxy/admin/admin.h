#pragma once

// The admin HTTP endpoint registry (Envoy's /stats, /clusters, ... on
// 127.0.0.1:15000). Handlers run on the main thread's dispatcher.
//
// A handler is called synchronously, once per request, on the thread that runs
// the admin server's dispatcher; its response is written before the next
// pipelined request on the same connection is looked at. A handler must not
// destroy the server it runs in (post() that to the dispatcher instead), and
// must not block: it holds up every admin connection.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace remora::admin {

// Every member has a default initializer so that designated initializers
// may name any subset (GCC's -Wmissing-field-initializers stays quiet).
struct AdminRequest {
  std::string method{};                        // "GET", "POST"
  std::string path{};                          // without the query string
  std::map<std::string, std::string> query{};  // decoded ?a=b&c=d
  std::string body{};
  // Request headers in arrival order, names lower-cased, values as sent.
  std::vector<std::pair<std::string, std::string>> headers{};
};

struct AdminResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=UTF-8";
  std::string body{};
  // Extra response headers (lower-case names); content-type and
  // content-length are written by the server.
  std::vector<std::pair<std::string, std::string>> headers{};
};

using AdminHandler = std::function<AdminResponse(const AdminRequest&)>;

class Admin {
 public:
  virtual ~Admin() = default;
  // Registers `handler` for the exact path `prefix` (e.g. "/clusters").
  // `mutates_state` handlers answer only POST (Envoy's rule: GET gets 405).
  // Returns false if the path is taken or does not start with '/'.
  // Main thread only; may be called before or after the server starts.
  virtual bool addHandler(const std::string& prefix, const std::string& help, AdminHandler handler,
                          bool mutates_state) = 0;
};

}  // namespace remora::admin
