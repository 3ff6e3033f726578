#pragma once

// One client connection on a worker: frames requests out of the byte
// stream, hands each to the RequestHandler and writes the replies in request
// order (so pipelined requests are answered in order). Multi-frame replies
// are produced as the client reads them (a batch job also waits for the rows it
// forwarded to other nodes); a request relayed to another node
// (ProxyPool) holds back the ones behind it until its reply is sent: while the connection's output
// is above its buffer limit, neither new requests are read nor job frames produced, so a client
// that stops reading costs at most about the limit plus one reply. Framing errors (bad version or
// type, a size above the configured maximum) are counted and close the connection after the replies
// already queued. Lives and dies on its worker's thread.

#include <cstdint>
#include <functional>
#include <memory>

#include "common/buffer/buffer.h"
#include "common/event/dispatcher.h"
#include "common/network/connection.h"
#include "kv/node/node_stats.h"
#include "kv/node/proxy_pool.h"
#include "kv/node/request_handler.h"

namespace remora::kv::node {

struct SessionLimits {
  uint64_t max_message_size = 8u << 20;
  uint32_t buffer_limit = 1u << 20;
  // A job produces about this much per step, then yields to other
  // connections on the worker.
  size_t job_step_bytes = 256u << 10;
};

class ClientSession : public event::DeferredDeletable,
                      public network::ReadSink,
                      public network::ConnectionCallbacks {
 public:
  // `on_closed` runs once, on the worker thread, when the connection closes;
  // the owner then hands the session to deferredDelete().
  // `proxy` relays requests for partitions other nodes master (null on a
  // node that is not part of a static cluster).
  ClientSession(network::ConnectionPtr connection, RequestHandler& handler, NodeStats& stats,
                const SessionLimits& limits, std::function<void(ClientSession&)> on_closed,
                ProxyPool* proxy = nullptr);
  ~ClientSession() override;

  uint64_t id() const { return connection_->id(); }
  // Drain: close once no request is in progress (now, if idle).
  void closeWhenIdle();
  // Shutdown: close now, dropping unsent bytes.
  void closeNow();

  // network::ReadSink
  void onData(buffer::Buffer& data, bool end_stream) override;
  // network::ConnectionCallbacks
  void onEvent(network::ConnectionEvent event) override;
  void onAboveWriteBufferHighWatermark() override;
  void onBelowWriteBufferLowWatermark() override;

 private:
  void process();
  void runJob();
  void send(const std::string& bytes);
  void scheduleResume();
  void startForward(ForwardRequest forward);
  // Sends the job's forwards; their replies resume it.
  void startJobForwards();
  bool idle() const { return !job_ && !forwarding_ && pending_.length() == 0; }

  network::ConnectionPtr connection_;
  RequestHandler& handler_;
  NodeStats& stats_;
  const SessionLimits limits_;
  std::function<void(ClientSession&)> on_closed_;
  ProxyPool* proxy_;
  buffer::Buffer pending_;
  StreamingJobPtr job_;
  bool output_blocked_ = false;
  bool peer_done_ = false;
  bool close_when_idle_ = false;
  bool closed_ = false;
  bool resume_scheduled_ = false;
  bool proxied_ = false;     // the peer is another node's proxy
  bool forwarding_ = false;  // waiting for an owner's reply; later requests wait too
  uint64_t job_serial_ = 0;  // tells a late forward reply which job it was for
  // Posted callbacks check this token, as the session may be gone by then.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace remora::kv::node
