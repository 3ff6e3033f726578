#pragma once

// Turns one complete request frame into its reply: an info reply, a
// single-record reply, an admin reply, or a streaming job (batch, scan).
// Stateless apart from the context: every worker may call it concurrently.

#include <optional>
#include <string>

#include "kv/node/info_handler.h"
#include "kv/node/node_context.h"
#include "kv/node/record_executor.h"
#include "kv/node/streaming_job.h"
#include "kv/protocol/proto_header.h"

namespace remora::kv::node {

struct HandleResult {
  std::string reply;     // whole frames to send now (may be empty)
  StreamingJobPtr job;   // further frames, produced as the client reads
  // A single-record request for a partition another node of a static
  // cluster masters: the session relays it (ProxyPool) and sends the reply.
  std::optional<ForwardRequest> forward;
  bool close = false;    // close the connection after `reply` is flushed
  bool mark_proxied = false;  // the peer is another node's proxy (kProxyHelloCommand)
};

class RequestHandler {
 public:
  RequestHandler(NodeContext& context, size_t max_batch_rows = 20000)
      : context_(context), info_(context), executor_(context), max_batch_rows_(max_batch_rows) {}

  // `body` is the frame's body (the proto header already checked and
  // stripped); it is moved into a job when one is returned. `proxied`: the
  // request came from another node's proxy and is never forwarded again.
  HandleResult handle(protocol::MessageType type, std::string body, bool proxied = false);

 private:
  HandleResult handleAsMsg(std::string body, bool proxied);
  // The static cluster's master of `partition` when it is another node.
  std::optional<uint32_t> ownerElsewhere(uint32_t partition) const;

  NodeContext& context_;
  InfoHandler info_;
  RecordExecutor executor_;
  const size_t max_batch_rows_;
};

// A one-record type-3 frame carrying only `code`, with LAST set so a client
// waiting for a batch or scan stream stops too.
std::string errorReplyFrame(protocol::ResultCode code);

}  // namespace remora::kv::node
