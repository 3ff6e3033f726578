// Fuzzes the node's request handling end to end (minus sockets): the input
// is a byte stream of frames, handled as a session would (framing, info,
// admin, single-record, batch and scan against an in-memory fake engine).
#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/kv/node/node_test_util.h"

using namespace remora::kv;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static node::testing::TestNode* node = new node::testing::TestNode();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  int requests = 0;
  while (in.size() >= protocol::kProtoHeaderSize && requests++ < 64) {
    auto h = protocol::decodeProtoHeader(reinterpret_cast<const uint8_t*>(in.data()), 1 << 20);
    if (!h || h->size > in.size() - protocol::kProtoHeaderSize) break;
    node::HandleResult r = node->handler->handle(
        h->type, std::string(in.substr(protocol::kProtoHeaderSize, h->size)));
    std::string out = r.reply;
    for (int steps = 0; r.job && steps < 10000; ++steps) {
      out.clear();
      if (r.job->produce(out, 1 << 16)) break;
    }
    if (r.close) break;
    in.remove_prefix(protocol::kProtoHeaderSize + h->size);
  }
  return 0;
}
