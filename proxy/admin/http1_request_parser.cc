#include "proxy/admin/http1_request_parser.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "proxy/admin/query_string.h"

namespace remora::admin {

namespace {
std::string toLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && toLower(a) == toLower(b);
}

std::string_view headerValue(const AdminRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return {};
}
}  // namespace

Http1RequestParser::Http1RequestParser(const RequestLimits& limits) : limits_(limits) {
  llhttp_settings_init(&settings_);
  settings_.on_message_begin = &Http1RequestParser::onMessageBegin;
  settings_.on_url = &Http1RequestParser::onUrl;
  settings_.on_header_field = &Http1RequestParser::onHeaderField;
  settings_.on_header_value = &Http1RequestParser::onHeaderValue;
  settings_.on_header_value_complete = &Http1RequestParser::onHeaderValueComplete;
  settings_.on_headers_complete = &Http1RequestParser::onHeadersComplete;
  settings_.on_body = &Http1RequestParser::onBody;
  settings_.on_message_complete = &Http1RequestParser::onMessageComplete;
  llhttp_init(&parser_, HTTP_REQUEST, &settings_);
  parser_.data = this;
}

Http1RequestParser& Http1RequestParser::self(llhttp_t* parser) {
  return *static_cast<Http1RequestParser*>(parser->data);
}

ParseResult Http1RequestParser::parse(std::string_view data) {
  if (error_status_ != 0) return {ParseStatus::Error, 0};
  if (paused_) {
    llhttp_resume(&parser_);
    paused_ = false;
  }
  llhttp_errno_t err = llhttp_execute(&parser_, data.data(), data.size());
  if (err == HPE_OK) return {ParseStatus::NeedMoreData, data.size()};
  if (err == HPE_PAUSED) {
    paused_ = true;
    size_t consumed = static_cast<size_t>(llhttp_get_error_pos(&parser_) - data.data());
    return {ParseStatus::RequestComplete, consumed};
  }
  if (err == HPE_PAUSED_UPGRADE) {
    // CONNECT or an Upgrade request (curl's h2c try): llhttp stops here after
    // the request we already handed out. What follows is not HTTP/1, and the
    // answer to that request closes the connection (keep_alive is false), so
    // the rest is dropped.
    return {ParseStatus::NeedMoreData, data.size()};
  }
  if (error_status_ == 0) {
    // A syntax error found by llhttp itself (or the HTTP/2 preface).
    error_status_ = 400;
    const char* reason = llhttp_get_error_reason(&parser_);
    error_reason_ = reason != nullptr && *reason != '\0' ? reason : llhttp_errno_name(err);
  }
  return {ParseStatus::Error, 0};
}

bool Http1RequestParser::finish() {
  if (error_status_ != 0 || paused_) return in_message_;
  return llhttp_finish(&parser_) != HPE_OK || in_message_;
}

ParsedRequest Http1RequestParser::takeRequest() { return std::move(complete_); }

bool Http1RequestParser::takeContinueExpected() { return std::exchange(continue_expected_, false); }

int Http1RequestParser::fail(int status, std::string reason) {
  error_status_ = status;
  error_reason_ = std::move(reason);
  return -1;
}

bool Http1RequestParser::countHeaderBytes(size_t length) {
  header_bytes_ += length;
  return header_bytes_ <= limits_.max_headers_bytes;
}

int Http1RequestParser::onMessageBegin(llhttp_t* parser) {
  auto& p = self(parser);
  p.in_message_ = true;
  p.url_.clear();
  p.field_.clear();
  p.value_.clear();
  p.header_bytes_ = 0;
  p.current_ = ParsedRequest{};
  return 0;
}

int Http1RequestParser::onUrl(llhttp_t* parser, const char* at, size_t length) {
  auto& p = self(parser);
  if (!p.countHeaderBytes(length)) return p.fail(431, "request line too long");
  p.url_.append(at, length);
  return 0;
}

int Http1RequestParser::onHeaderField(llhttp_t* parser, const char* at, size_t length) {
  auto& p = self(parser);
  if (!p.countHeaderBytes(length)) return p.fail(431, "request headers too large");
  p.field_.append(at, length);
  return 0;
}

int Http1RequestParser::onHeaderValue(llhttp_t* parser, const char* at, size_t length) {
  auto& p = self(parser);
  if (!p.countHeaderBytes(length)) return p.fail(431, "request headers too large");
  p.value_.append(at, length);
  return 0;
}

int Http1RequestParser::onHeaderValueComplete(llhttp_t* parser) {
  auto& p = self(parser);
  auto& headers = p.current_.request.headers;
  if (headers.size() >= p.limits_.max_headers_count) {
    return p.fail(431, "too many request headers");
  }
  headers.emplace_back(toLower(p.field_), std::move(p.value_));
  p.field_.clear();
  p.value_.clear();
  return 0;
}

int Http1RequestParser::onHeadersComplete(llhttp_t* parser) {
  auto& p = self(parser);
  if (llhttp_get_http_major(parser) != 1) return p.fail(505, "only HTTP/1.x is supported");
  ParsedRequest& current = p.current_;
  current.http10 = llhttp_get_http_minor(parser) == 0;
  current.request.method =
      llhttp_method_name(static_cast<llhttp_method_t>(llhttp_get_method(parser)));
  current.head = current.request.method == "HEAD";
  RequestTarget target = splitRequestTarget(p.url_);
  current.request.path = std::move(target.path);
  current.request.query = parseQueryString(target.query);
  // Refuse a declared body before it is sent, rather than after reading it.
  if ((parser->flags & F_CONTENT_LENGTH) != 0 &&
      parser->content_length > p.limits_.max_body_bytes) {
    return p.fail(413, "request body too large");
  }
  if (!current.http10 && equalsIgnoreCase(headerValue(current.request, "expect"), "100-continue")) {
    p.continue_expected_ = true;
  }
  return 0;
}

int Http1RequestParser::onBody(llhttp_t* parser, const char* at, size_t length) {
  auto& p = self(parser);
  std::string& body = p.current_.request.body;
  if (length > p.limits_.max_body_bytes - body.size()) {
    return p.fail(413, "request body too large");
  }
  body.append(at, length);
  return 0;
}

int Http1RequestParser::onMessageComplete(llhttp_t* parser) {
  auto& p = self(parser);
  ParsedRequest& current = p.current_;
  current.keep_alive = llhttp_should_keep_alive(parser) != 0 && llhttp_get_upgrade(parser) == 0;
  // A form-encoded POST (curl -d level=debug) carries its parameters in the
  // body; the query string's values win when both name one.
  std::string_view content_type = headerValue(current.request, "content-type");
  if (toLower(content_type).starts_with("application/x-www-form-urlencoded")) {
    for (auto& [key, value] : parseQueryString(current.request.body)) {
      current.request.query.emplace(key, std::move(value));
    }
  }
  p.complete_ = std::move(current);
  p.in_message_ = false;
  p.continue_expected_ = false;
  return HPE_PAUSED;
}

}  // namespace remora::admin
