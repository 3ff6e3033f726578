#include "proxy/admin/http1_response.h"

namespace remora::admin {

namespace {
bool safeHeaderText(std::string_view text) {
  return text.find_first_of("\r\n") == std::string_view::npos;
}
}  // namespace

std::string_view reasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string serializeResponse(const AdminResponse& response, const ResponseFraming& framing) {
  int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  std::string out;
  out.reserve(256 + (framing.head ? 0 : response.body.size()));
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reasonPhrase(status);
  out += "\r\n";
  if (safeHeaderText(response.content_type) && !response.content_type.empty()) {
    out += "content-type: " + response.content_type + "\r\n";
  }
  out += "content-length: " + std::to_string(response.body.size()) + "\r\n";
  // Envoy's admin marks every answer uncacheable and not to be sniffed.
  out += "cache-control: no-cache, max-age=0\r\n";
  out += "x-content-type-options: nosniff\r\n";
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || !safeHeaderText(name) || !safeHeaderText(value) ||
        name.find(':') != std::string::npos) {
      continue;
    }
    out += name + ": " + value + "\r\n";
  }
  if (!framing.keep_alive) {
    out += "connection: close\r\n";
  } else if (framing.http10) {
    out += "connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!framing.head) out += response.body;
  return out;
}

}  // namespace remora::admin
