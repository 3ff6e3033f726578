#include "kv/node/client_session.h"

#include "common/logging/logger.h"
#include "kv/protocol/proto_header.h"

namespace remora::kv::node {

using network::ConnectionCloseType;
using network::ConnectionEvent;

ClientSession::ClientSession(network::ConnectionPtr connection, RequestHandler& handler,
                             NodeStats& stats, const SessionLimits& limits,
                             std::function<void(ClientSession&)> on_closed, ProxyPool* proxy)
    : connection_(std::move(connection)),
      handler_(handler),
      stats_(stats),
      limits_(limits),
      on_closed_(std::move(on_closed)),
      proxy_(proxy) {
  stats_.client_connections.inc();
  stats_.client_connections_opened.inc();
  connection_->addConnectionCallbacks(*this);
  connection_->setBufferLimits(limits_.buffer_limit);
  // A client may half-close after its last request and still expect replies.
  connection_->enableHalfClose(true);
  connection_->noDelay(true);
  connection_->setReadSink(this);
}

ClientSession::~ClientSession() {
  *alive_ = false;
  stats_.client_connections.dec();
  if (connection_->state() != network::ConnectionState::Closed) {
    connection_->removeConnectionCallbacks(*this);
    connection_->close(ConnectionCloseType::NoFlush);
  }
}

void ClientSession::closeWhenIdle() {
  close_when_idle_ = true;
  if (idle() && !closed_) connection_->close(ConnectionCloseType::FlushWrite);
}

void ClientSession::closeNow() {
  if (!closed_) connection_->close(ConnectionCloseType::NoFlush);
}

void ClientSession::onData(buffer::Buffer& data, bool end_stream) {
  pending_.move(data);
  if (end_stream) peer_done_ = true;
  process();
}

void ClientSession::send(const std::string& bytes) {
  if (bytes.empty() || closed_) return;
  buffer::Buffer out;
  out.add(bytes);
  connection_->write(out, false);
}

void ClientSession::process() {
  while (!closed_ && !output_blocked_ && !job_ && !forwarding_) {
    uint8_t header_bytes[protocol::kProtoHeaderSize];
    if (!pending_.copyOut(0, sizeof(header_bytes), header_bytes)) break;
    auto header = protocol::decodeProtoHeader(header_bytes, limits_.max_message_size);
    if (!header) {
      // Out of sync with the client, or a size we refuse to buffer: the
      // only safe answer is to close (after the replies already queued).
      stats_.proto_errors.inc();
      if (header_bytes[0] == protocol::kProtoVersion && header_bytes[1] >= 1 &&
          header_bytes[1] <= 4) {
        stats_.proto_oversized.inc();
      }
      REMORA_LOG(debug, logging::Component::Kv, "connection {}: {}", id(), header.error().message);
      pending_.drain(pending_.length());
      connection_->close(ConnectionCloseType::FlushWrite);
      return;
    }
    if (pending_.length() < protocol::kProtoHeaderSize + header->size) break;
    std::string body(header->size, '\0');
    pending_.copyOut(protocol::kProtoHeaderSize, header->size, body.data());
    pending_.drain(protocol::kProtoHeaderSize + header->size);

    HandleResult result = handler_.handle(header->type, std::move(body), proxied_);
    if (result.mark_proxied) proxied_ = true;
    send(result.reply);
    if (result.close) {
      pending_.drain(pending_.length());
      connection_->close(ConnectionCloseType::FlushWrite);
      return;
    }
    if (result.job) {
      job_ = std::move(result.job);
      ++job_serial_;
      startJobForwards();
      runJob();
    }
    if (result.forward) startForward(std::move(*result.forward));
  }
  if (closed_ || job_ || forwarding_ || output_blocked_) return;
  if ((peer_done_ || close_when_idle_) && pending_.length() < protocol::kProtoHeaderSize) {
    // Nothing more can arrive (or we are draining) and no request is half
    // read: finish once the replies are out.
    connection_->close(ConnectionCloseType::FlushWrite);
  } else if (peer_done_) {
    // The peer ended in the middle of a frame; that request can never complete.
    stats_.proto_errors.inc();
    connection_->close(ConnectionCloseType::FlushWrite);
  }
}

void ClientSession::startForward(ForwardRequest forward) {
  if (proxy_ == nullptr) {
    send(errorReplyFrame(protocol::ResultCode::kUnavailable));
    return;
  }
  forwarding_ = true;
  std::weak_ptr<bool> alive = alive_;
  proxy_->forward(forward.owner, std::move(forward.frame), [this, alive](std::string reply) {
    if (alive.expired()) return;
    forwarding_ = false;
    send(reply);
    process();
  });
}

void ClientSession::startJobForwards() {
  std::vector<ForwardRequest> forwards = job_->takeForwards();
  std::weak_ptr<bool> alive = alive_;
  for (size_t i = 0; i < forwards.size(); ++i) {
    auto deliver = [this, alive, serial = job_serial_, i](std::string reply) {
      if (alive.expired() || !job_ || serial != job_serial_ || closed_) return;
      job_->deliver(i, std::move(reply));
      if (output_blocked_ || resume_scheduled_) return;  // resumes when writable
      runJob();
      if (!job_) process();
    };
    if (proxy_ == nullptr) {
      // Not reached: only a static cluster routes rows elsewhere.
      connection_->dispatcher().post(
          [deliver] { deliver(errorReplyFrame(protocol::ResultCode::kUnavailable)); });
      continue;
    }
    proxy_->forward(forwards[i].owner, std::move(forwards[i].frame), deliver,
                    forwards[i].until_last);
  }
}

void ClientSession::runJob() {
  size_t produced = 0;
  while (job_ && !closed_ && !output_blocked_) {
    std::string chunk;
    const bool done = job_->produce(chunk, limits_.job_step_bytes);
    produced += chunk.size();
    send(chunk);
    if (done) {
      job_.reset();
      break;
    }
    if (job_->waiting()) return;  // a forwarded reply resumes it
    if (produced >= limits_.job_step_bytes) {
      // Let the worker's other connections run before the next piece.
      scheduleResume();
      return;
    }
  }
}

void ClientSession::scheduleResume() {
  if (resume_scheduled_ || closed_) return;
  resume_scheduled_ = true;
  std::weak_ptr<bool> alive = alive_;
  connection_->dispatcher().post([this, alive] {
    if (alive.expired()) return;
    resume_scheduled_ = false;
    if (job_) runJob();
    if (!job_) process();
  });
}

void ClientSession::onAboveWriteBufferHighWatermark() {
  if (output_blocked_) return;
  output_blocked_ = true;
  stats_.write_paused.inc();
  connection_->readDisable(true);
}

void ClientSession::onBelowWriteBufferLowWatermark() {
  if (!output_blocked_) return;
  output_blocked_ = false;
  connection_->readDisable(false);
  scheduleResume();
}

void ClientSession::onEvent(ConnectionEvent event) {
  if (event != ConnectionEvent::RemoteClose && event != ConnectionEvent::LocalClose) return;
  if (closed_) return;
  closed_ = true;
  job_.reset();
  stats_.client_connections_closed.inc();
  if (on_closed_) on_closed_(*this);
}

}  // namespace remora::kv::node
