// Fuzzes the admin request path: bytes → Http1RequestParser (in pieces whose
// size the first input byte picks, as TCP reads would cut them) → AdminRouter
// → serialised response. Checks that the parser never reports more bytes
// consumed than it was given and that every response is well framed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/stats/store.h"
#include "proxy/admin/admin_router.h"
#include "proxy/admin/http1_request_parser.h"
#include "proxy/admin/http1_response.h"
#include "proxy/admin/server_info_handler.h"
#include "proxy/admin/stats_handler.h"

namespace {

using remora::admin::AdminRequest;
using remora::admin::AdminResponse;

struct Fixture {
  Fixture() : store(1) {
    store.counter("cluster.web.upstream_cx_total").inc(3);
    store.gauge("cluster.web.upstream_cx_active").set(1);
    store.histogram("cluster.web.upstream_cx_connect_ms").record(12);
    router.addHandler("/stats", "stats", remora::admin::makeStatsHandler(store), false);
    router.addHandler("/stats/prometheus", "prometheus",
                      remora::admin::makePrometheusHandler(store), false);
    router.addHandler("/ready", "ready", remora::admin::makeReadyHandler({}), false);
    router.addHandler("/server_info", "info", remora::admin::makeServerInfoHandler({}), false);
    router.addHandler(
        "/echo", "echo",
        [](const AdminRequest& request) {
          AdminResponse response;
          response.body = request.body;
          for (const auto& [key, value] : request.query) {
            response.headers.emplace_back(key, value);
          }
          return response;
        },
        true);
  }
  remora::stats::Store store;
  remora::admin::AdminRouter router;
};

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  if (size == 0) return 0;
  size_t chunk = (data[0] % 32) + 1;
  if (data[0] >= 0x80) chunk = size;  // the whole input in one read
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  remora::admin::RequestLimits limits;
  limits.max_headers_bytes = 2048;
  limits.max_headers_count = 32;
  limits.max_body_bytes = 4096;
  remora::admin::Http1RequestParser parser(limits);
  std::string pending;
  bool done = false;
  for (size_t pos = 0; pos < input.size() && !done; pos += chunk) {
    pending.append(input.substr(pos, chunk));
    while (!pending.empty()) {
      auto result = parser.parse(pending);
      check(result.consumed <= pending.size());
      pending.erase(0, result.consumed);
      if (result.status == remora::admin::ParseStatus::Error) {
        int status = parser.errorStatus();
        check(status == 400 || status == 413 || status == 431 || status == 505);
        done = true;
        break;
      }
      if (result.status == remora::admin::ParseStatus::NeedMoreData) break;
      remora::admin::ParsedRequest request = parser.takeRequest();
      AdminResponse response = fixture.router.route(request.request);
      std::string wire = remora::admin::serializeResponse(
          response, {request.keep_alive, request.http10, request.head});
      size_t head_end = wire.find("\r\n\r\n");
      check(head_end != std::string::npos);
      // Handler-supplied header text can never end the header block early.
      check(request.head || wire.size() - head_end - 4 == response.body.size());
      if (!request.keep_alive) {
        done = true;
        break;
      }
    }
  }
  if (!done) (void)parser.finish();
  return 0;
}
