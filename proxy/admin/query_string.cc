#include "proxy/admin/query_string.h"

namespace remora::admin {

namespace {
int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

RequestTarget splitRequestTarget(std::string_view target) {
  if (size_t hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  // Absolute form: skip "scheme://authority" so routing sees only the path.
  if (size_t scheme = target.find("://");
      scheme != std::string_view::npos && !target.empty() && target.front() != '/') {
    std::string_view rest = target.substr(scheme + 3);
    size_t path_start = rest.find_first_of("/?");
    target = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
  }
  RequestTarget out;
  size_t question = target.find('?');
  out.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) out.query = std::string(target.substr(question + 1));
  if (out.path.empty()) out.path = "/";
  return out;
}

std::string percentDecode(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < encoded.size() && hexValue(encoded[i + 1]) >= 0 &&
               hexValue(encoded[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(encoded[i + 1]) * 16 + hexValue(encoded[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::map<std::string, std::string> parseQueryString(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string key = percentDecode(piece.substr(0, eq));
    std::string value =
        eq == std::string_view::npos ? std::string() : percentDecode(piece.substr(eq + 1));
    out.emplace(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace remora::admin
