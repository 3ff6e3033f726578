#pragma once

// One HTTP/1.1 request at a time out of a byte stream, with llhttp doing the
// parsing (strict mode: no lenient flags, so request-smuggling shapes such as
// Transfer-Encoding plus Content-Length are errors). The parser stops after
// each complete request so that pipelined requests are answered strictly in
// order and a connection that must close stops reading at the right byte.
//
// Single-threaded: one parser per connection, used on the connection's thread.
// Not copyable or movable (llhttp keeps a pointer back to it).

#include <llhttp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proxy/admin/admin.h"

namespace remora::admin {

// Caps on what one request may hold; exceeding them is answered with the
// status in parentheses and the connection is closed.
struct RequestLimits {
  // Request line plus header names and values (431). Envoy's
  // max_request_headers_kb defaults to 60 KiB.
  size_t max_headers_bytes = 60 * 1024;
  // Number of header lines (431); Envoy's max_headers_count default.
  uint32_t max_headers_count = 100;
  // Decoded body bytes (413).
  size_t max_body_bytes = 1024 * 1024;
};

struct ParsedRequest {
  AdminRequest request;    // query and form bodies already decoded
  bool keep_alive = true;  // false: answer with connection: close, then close
  bool head = false;       // HEAD: answer with the GET headers and no body
  bool http10 = false;     // HTTP/1.0: keep-alive only when asked for
};

enum class ParseStatus {
  NeedMoreData,     // all input consumed, no complete request yet
  RequestComplete,  // takeRequest() holds a request; input past `consumed` is not yet parsed
  Error             // errorStatus() is the response to send before closing
};

struct ParseResult {
  ParseStatus status = ParseStatus::NeedMoreData;
  size_t consumed = 0;  // bytes of the input used; the caller drops them
};

class Http1RequestParser {
 public:
  explicit Http1RequestParser(const RequestLimits& limits);
  Http1RequestParser(const Http1RequestParser&) = delete;
  Http1RequestParser& operator=(const Http1RequestParser&) = delete;

  // Feeds bytes that follow those already consumed. After RequestComplete,
  // call takeRequest() and then parse() again with the unconsumed rest. After
  // Error the parser stays failed.
  ParseResult parse(std::string_view data);
  // The peer sent FIN: returns true when it cut a request short.
  bool finish();

  // The request announced by the last RequestComplete; moved out.
  ParsedRequest takeRequest();
  // After Error: 400 (malformed), 413 (body too large), 431 (headers too
  // large), 505 (not HTTP/1.x).
  int errorStatus() const { return error_status_; }
  // After Error: a short human-readable cause, for logs and the reply body.
  const std::string& errorReason() const { return error_reason_; }
  // True once per request that sent "Expect: 100-continue" and whose headers
  // have been accepted: the caller writes an interim 100 response.
  bool takeContinueExpected();
  // True between the first byte of a request and its completion.
  bool midRequest() const { return in_message_; }

 private:
  static int onMessageBegin(llhttp_t* parser);
  static int onUrl(llhttp_t* parser, const char* at, size_t length);
  static int onHeaderField(llhttp_t* parser, const char* at, size_t length);
  static int onHeaderValue(llhttp_t* parser, const char* at, size_t length);
  static int onHeaderValueComplete(llhttp_t* parser);
  static int onHeadersComplete(llhttp_t* parser);
  static int onBody(llhttp_t* parser, const char* at, size_t length);
  static int onMessageComplete(llhttp_t* parser);
  static Http1RequestParser& self(llhttp_t* parser);

  // Records a limit violation; the callback then fails the parse with it.
  int fail(int status, std::string reason);
  bool countHeaderBytes(size_t length);

  const RequestLimits limits_;
  llhttp_settings_t settings_;
  llhttp_t parser_;
  bool paused_ = false;
  bool in_message_ = false;
  bool continue_expected_ = false;
  int error_status_ = 0;
  std::string error_reason_;

  // The request being parsed.
  std::string url_;
  std::string field_;
  std::string value_;
  size_t header_bytes_ = 0;
  ParsedRequest current_;
  ParsedRequest complete_;
};

}  // namespace remora::admin
