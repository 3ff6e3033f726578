#pragma once

// Splitting a request target into path and query, and decoding
// application/x-www-form-urlencoded pairs (the admin's ?filter=...&format=json
// and POST bodies sent by `curl -d`). Pure functions, any thread.

#include <map>
#include <string>
#include <string_view>

namespace remora::admin {

struct RequestTarget {
  std::string path;   // as sent, never percent-decoded ("/stats")
  std::string query;  // after '?', before any '#', still encoded
};

// Accepts origin form ("/stats?x=1") and absolute form
// ("http://host:15000/stats?x=1", as proxies send it); a fragment is dropped.
// An absolute form without a path yields "/".
RequestTarget splitRequestTarget(std::string_view target);

// Decodes %XX escapes and '+' (as a space). A '%' not followed by two hex
// digits is kept literally, as browsers do, so no input is an error.
std::string percentDecode(std::string_view encoded);

// "a=1&b=x%20y&flag" -> {a: "1", b: "x y", flag: ""}. Empty pieces ("a=1&&b")
// are skipped; when a key repeats, the first value wins (Envoy's
// parseQueryString keeps the first too).
std::map<std::string, std::string> parseQueryString(std::string_view query);

}  // namespace remora::admin
