#pragma once

// Executes one single-record command (read, exists, write, delete, touch,
// operate) against a namespace and appends the as_msg reply. Used for plain
// requests and for each row of a batch. Stateless apart from the context;
// any worker thread may call it concurrently: it takes the key's partition
// lock around the engine calls, which makes read-modify-write atomic.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kv/node/node_context.h"
#include "kv/node/node_stats.h"
#include "kv/protocol/as_msg.h"
#include "kv/protocol/digest.h"
#include "kv/protocol/result_code.h"

namespace remora::kv::node {

struct RecordCommand {
  protocol::AsMsgHeader header;
  std::string_view ns;
  std::string_view set;
  protocol::Digest digest{};
  std::string_view key;  // KEY field (particle type byte + value), empty if not sent
  const std::vector<protocol::Op>* ops = nullptr;
};

// Builds a RecordCommand from a message's fields. Errors (as a result code)
// when the namespace or the digest (and no KEY to compute it from) is missing.
protocol::ResultCode recordCommandFromFields(const protocol::AsMsgHeader& header,
                                             const std::vector<protocol::Field>& fields,
                                             const std::vector<protocol::Op>& ops,
                                             std::optional<protocol::Digest> digest,
                                             RecordCommand& out);

class RecordExecutor {
 public:
  explicit RecordExecutor(NodeContext& context) : context_(context) {}

  // Appends the reply (an as_msg without proto header) to `out`, with
  // transaction_ttl = `reply_index` (the row index in batches, else 0).
  // Returns the result code that was sent.
  protocol::ResultCode execute(const RecordCommand& cmd, uint32_t reply_index, bool in_batch,
                               std::string& out);

  static OpKind classify(const RecordCommand& cmd, bool in_batch);

 private:
  struct Reply;
  protocol::ResultCode executeRead(Namespace& ns, uint32_t pid, const RecordCommand& cmd,
                                   Reply& reply);
  protocol::ResultCode executeWrite(Namespace& ns, uint32_t pid, const RecordCommand& cmd,
                                    Reply& reply);
  uint32_t voidTimeFor(const Namespace& ns, uint32_t record_ttl,
                       std::optional<uint32_t> current_void_time) const;

  NodeContext& context_;
};

// Appends a reply as_msg. `bins` are (name, particle type, value) triples.
struct ReplyBin {
  std::string_view name;
  uint8_t particle_type = 0;
  std::string_view value;
};
void appendRecordReply(std::string& out, protocol::ResultCode code, uint32_t generation,
                       uint32_t void_time, uint32_t index, const std::vector<ReplyBin>& bins);

}  // namespace remora::kv::node
