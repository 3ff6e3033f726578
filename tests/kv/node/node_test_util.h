#pragma once

// Helpers shared by the node's tests: a NodeContext over fake engines, and
// request/response helpers around RequestHandler.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/stats/store.h"
#include "kv/config/kvd_config.h"
#include "kv/node/node_context.h"
#include "kv/node/request_handler.h"
#include "kv/protocol/as_msg_codec.h"
#include "kv/protocol/batch_codec.h"
#include "kv/protocol/digest.h"
#include "kv/protocol/particle.h"
#include "kv/protocol/proto_header.h"
#include "kv/protocol/request_builder.h"
#include "tests/kv/node/fake_engine.h"

namespace remora::kv::node::testing {

struct TestNode {
  explicit TestNode(uint32_t default_ttl = 0)
      : store(1), stats(store), clock(std::make_shared<ManualClock>()) {
    config::KvdConfig cfg = config::defaultKvdConfig();
    cfg.namespaces[0].default_ttl_s = default_ttl;
    context = std::make_unique<NodeContext>(cfg, stats, clock);
    context->node_id = "BB9000000000001";
    auto e = std::make_unique<FakeEngine>();
    engine = e.get();
    context->namespaces.push_back(std::make_unique<Namespace>(cfg.namespaces[0], std::move(e)));
    handler = std::make_unique<RequestHandler>(*context);
  }

  stats::Store store;
  NodeStats stats;
  std::shared_ptr<ManualClock> clock;
  std::unique_ptr<NodeContext> context;
  FakeEngine* engine = nullptr;
  std::unique_ptr<RequestHandler> handler;
};

// A decoded reply record with owned bins.
struct Reply {
  protocol::AsMsgHeader header;
  std::vector<protocol::Field> fields;  // views into `bytes` of the holder
  std::vector<std::pair<std::string, std::string>> bins;  // name → value
  std::vector<uint8_t> bin_types;
};

inline protocol::Digest digestOf(const std::string& set, const std::string& key) {
  return *protocol::digestForString(set, key);
}

inline protocol::RequestBuilder keyed(const std::string& set, const std::string& key,
                                      const std::string& ns = "test") {
  protocol::RequestBuilder b;
  b.key(ns, set, digestOf(set, key));
  return b;
}

// A request addressed by `digest` alone in namespace "test", with a SET field
// holding `set`, or none at all when `set` is nullopt.
inline protocol::RequestBuilder digestOnly(const protocol::Digest& digest,
                                           const std::optional<std::string>& set) {
  protocol::RequestBuilder b;
  b.field(protocol::FieldType::kNamespace, "test");
  if (set) b.field(protocol::FieldType::kSet, *set);
  b.field(protocol::FieldType::kDigest,
          std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  return b;
}

// A batch-index read of all bins of `keys` (namespace "test", set `set`) as
// one frame; row i carries index i. `flags`: protocol::batch_flags.
inline std::string batchReadFrame(const std::string& set, const std::vector<std::string>& keys,
                                  uint8_t flags = 0) {
  protocol::BatchRequest req;
  req.flags = flags;
  for (size_t i = 0; i < keys.size(); ++i) {
    protocol::BatchRow r;
    r.index = static_cast<uint32_t>(i);
    r.digest = digestOf(set, keys[i]);
    r.header.info1 = protocol::info1::kRead | protocol::info1::kGetAll;
    r.fields.push_back({protocol::FieldType::kNamespace, "test"});
    r.fields.push_back({protocol::FieldType::kSet, set});
    req.rows.push_back(r);
  }
  std::string field;
  protocol::appendBatchIndex(field, req);
  protocol::RequestBuilder b;
  b.info1(protocol::info1::kBatch).field(protocol::FieldType::kBatchIndex, field);
  return b.frame();
}

// Splits whole frames into records (for streams, every record of every frame).
inline std::vector<Reply> parseFrames(const std::string& bytes) {
  std::vector<Reply> out;
  size_t pos = 0;
  while (pos + protocol::kProtoHeaderSize <= bytes.size()) {
    auto h = protocol::decodeProtoHeader(reinterpret_cast<const uint8_t*>(bytes.data() + pos));
    if (!h) break;
    std::string_view body(bytes.data() + pos + 8, h->size);
    pos += 8 + h->size;
    size_t at = 0;
    while (at < body.size()) {
      size_t used = 0;
      auto msg = protocol::decodeAsMsg(body.substr(at), &used);
      if (!msg) break;
      at += used;
      Reply r;
      r.header = msg->header;
      r.fields = msg->fields;
      for (const auto& op : msg->ops) {
        r.bins.emplace_back(std::string(op.name), std::string(op.value));
        r.bin_types.push_back(static_cast<uint8_t>(op.particle_type));
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

// Runs a single request (draining any job) and returns the replies.
inline std::vector<Reply> roundTrip(TestNode& node, const std::string& frame) {
  auto h = protocol::decodeProtoHeader(reinterpret_cast<const uint8_t*>(frame.data()));
  HandleResult r = node.handler->handle(h->type, frame.substr(8));
  std::string bytes = r.reply;
  while (r.job) {
    if (r.job->produce(bytes, 1 << 16)) break;
  }
  return parseFrames(bytes);
}

inline Reply single(TestNode& node, const protocol::RequestBuilder& b) {
  auto replies = roundTrip(node, b.frame());
  return replies.empty() ? Reply{} : replies[0];
}

inline int rc(const Reply& r) { return r.header.result_code; }

inline std::string value(const Reply& r, const std::string& bin) {
  for (const auto& [name, v] : r.bins) {
    if (name == bin) return v;
  }
  return "<absent>";
}

}  // namespace remora::kv::node::testing
