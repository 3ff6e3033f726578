#pragma once

// Serialises admin responses as HTTP/1.1 bytes. Pure functions, any thread.

#include <string>
#include <string_view>

#include "proxy/admin/admin.h"

namespace remora::admin {

struct ResponseFraming {
  bool keep_alive = true;  // false adds "connection: close"
  bool http10 = false;     // an HTTP/1.0 client that asked for keep-alive is told so
  bool head = false;       // headers only; content-length still that of the body
};

// "OK", "Not Found", ...; "Unknown" for codes it does not know.
std::string_view reasonPhrase(int status);

// Status line, headers (content-type, content-length, Envoy's admin
// cache-control and nosniff headers, the response's own, connection) and
// body. Header values containing CR or LF are dropped so that a handler
// cannot split the response.
std::string serializeResponse(const AdminResponse& response, const ResponseFraming& framing);

// The interim response for "Expect: 100-continue".
inline constexpr std::string_view kContinueResponse = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace remora::admin
