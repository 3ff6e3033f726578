// Fuzzes the ClientHello parser: it must never crash, read out of bounds or
// report Complete for input whose hello does not fit in the bytes given.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "filters/listener/tls_inspector/client_hello_parser.h"

using remora::filters::tls_inspector::ClientHelloStatus;
using remora::filters::tls_inspector::parseClientHello;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (size_t cap : {size_t{64}, size_t{512}, size_t{64 * 1024}}) {
    auto result = parseClientHello(data, size, cap);
    if (result.status == ClientHelloStatus::Complete &&
        (result.hello.bytes_used == 0 || result.hello.bytes_used > size)) {
      std::abort();
    }
    // Every prefix of a complete hello is incomplete, never a different verdict.
    if (result.status == ClientHelloStatus::Complete && result.hello.bytes_used > 5) {
      auto prefix = parseClientHello(data, 5, cap);
      if (prefix.status != ClientHelloStatus::NeedMoreData) std::abort();
    }
  }
  return 0;
}
