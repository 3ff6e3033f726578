// Fuzzes every decoder a server runs on bytes from the network: the proto
// header, as_msg (single and streamed), the batch-index field, the scan
// PID_ARRAY, info requests and compressed bodies.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kv/protocol/as_msg_codec.h"
#include "kv/protocol/batch_codec.h"
#include "kv/protocol/compression.h"
#include "kv/protocol/info_codec.h"
#include "kv/protocol/partition_map_codec.h"
#include "kv/protocol/proto_header.h"

using namespace remora::kv::protocol;

namespace {

void decodeBody(MessageType type, std::string_view body, int depth) {
  switch (type) {
    case MessageType::kInfo:
      for (const auto& cmd : parseInfoRequest(body)) (void)parseInfoParams(cmd.args);
      break;
    case MessageType::kAsMsg: {
      auto msg = decodeAsMsg(body);
      if (msg.ok()) {
        for (const auto& f : msg->fields) {
          if (f.type == FieldType::kBatchIndex) (void)decodeBatchIndex(f.data, 5000);
          if (f.type == FieldType::kPidArray) (void)decodePidArray(f.data);
        }
      }
      // Streams of records, as a client reads them.
      size_t pos = 0;
      while (pos < body.size()) {
        size_t used = 0;
        auto rec = decodeAsMsg(body.substr(pos), &used);
        if (!rec.ok()) break;
        pos += used;
      }
      break;
    }
    case MessageType::kCompressed: {
      if (depth > 0) break;
      auto inner = decompressBody(body, 1 << 20);
      if (inner.ok() && inner->size() >= kProtoHeaderSize) {
        auto h = decodeProtoHeader(reinterpret_cast<const uint8_t*>(inner->data()));
        if (h.ok() && h->size == inner->size() - kProtoHeaderSize) {
          decodeBody(h->type, std::string_view(*inner).substr(kProtoHeaderSize), depth + 1);
        }
      }
      break;
    }
    case MessageType::kAdmin:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // The raw bytes as each kind of body, then as framed messages.
  (void)decodeAsMsg(in);
  (void)decodeBatchIndex(in, 5000);
  while (in.size() >= kProtoHeaderSize) {
    auto h = decodeProtoHeader(reinterpret_cast<const uint8_t*>(in.data()), 1 << 20);
    if (!h.ok() || h->size > in.size() - kProtoHeaderSize) break;
    decodeBody(h->type, in.substr(kProtoHeaderSize, h->size), 0);
    in.remove_prefix(kProtoHeaderSize + h->size);
  }
  return 0;
}
