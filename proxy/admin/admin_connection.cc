#include "proxy/admin/admin_connection.h"

#include <string>
#include <utility>

#include "common/buffer/buffer.h"
#include "common/logging/logger.h"

namespace remora::admin {

namespace {
// How often a connection paused for a slow reader checks whether its
// responses have drained (the connection offers no flush callback without
// buffer limits).
constexpr std::chrono::milliseconds kResumePollInterval{5};

uint64_t millisecondsSince(std::chrono::steady_clock::time_point start) {
  auto elapsed = std::chrono::steady_clock::now() - start;
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
}
}  // namespace

AdminConnection::AdminConnection(network::ConnectionPtr connection, const AdminRouter& router,
                                 AdminHttpStats& stats, const AdminConnectionConfig& config,
                                 ClosedCb on_closed)
    : connection_(std::move(connection)),
      router_(router),
      stats_(stats),
      config_(config),
      on_closed_(std::move(on_closed)),
      parser_(config.limits),
      start_time_(std::chrono::steady_clock::now()) {
  stats_.downstream_cx_total.inc();
  stats_.downstream_cx_http1_total.inc();
  stats_.downstream_cx_active.inc();
  stats_.downstream_cx_http1_active.inc();
  event::Dispatcher& dispatcher = connection_->dispatcher();
  idle_timer_ = dispatcher.createTimer([this] {
    stats_.downstream_cx_idle_timeout.inc();
    connection_->close(network::ConnectionCloseType::FlushWrite);
  });
  idle_timer_->enableTimer(config_.idle_timeout);
  // Half-close lets a client that sends its requests and then FIN (nc, a
  // shell's printf | socat) still read every answer.
  connection_->enableHalfClose(true);
  // No connection buffer limits: ConnectionImpl stops delivering reads once
  // one read overfills its read buffer (the read-side watermark disables
  // reading and nothing drains the buffer), which stalls a large request.
  // The write side is bounded here instead, by counting unsent bytes.
  connection_->addConnectionCallbacks(*this);
  connection_->setReadSink(this);
}

AdminConnection::~AdminConnection() {
  connection_->setReadSink(nullptr);
  connection_->removeConnectionCallbacks(*this);
}

void AdminConnection::abort() { connection_->close(network::ConnectionCloseType::NoFlush); }

void AdminConnection::onEvent(network::ConnectionEvent event) {
  if (event != network::ConnectionEvent::RemoteClose &&
      event != network::ConnectionEvent::LocalClose) {
    return;
  }
  if (closed_) return;
  closed_ = true;
  idle_timer_->disableTimer();
  if (linger_timer_) linger_timer_->disableTimer();
  if (resume_timer_) resume_timer_->disableTimer();
  countReceivedBytes();
  stats_.downstream_cx_active.dec();
  stats_.downstream_cx_http1_active.dec();
  stats_.downstream_cx_destroy.inc();
  if (event == network::ConnectionEvent::RemoteClose) {
    stats_.downstream_cx_destroy_remote.inc();
  } else {
    stats_.downstream_cx_destroy_local.inc();
  }
  stats_.downstream_cx_length_ms.record(millisecondsSince(start_time_));
  // Last: the owner schedules this object's deletion.
  on_closed_(*this);
}

void AdminConnection::pauseReading() {
  REMORA_LOG(debug, logging::Component::Admin,
             "admin connection {}: {} response bytes unsent, pausing reads", connection_->id(),
             unsentBytes());
  write_paused_ = true;
  connection_->readDisable(true);
  if (!resume_timer_) {
    resume_timer_ = connection_->dispatcher().createTimer([this] { maybeResumeReading(); });
  }
  resume_timer_->enableTimer(kResumePollInterval);
}

void AdminConnection::maybeResumeReading() {
  if (closed_ || !write_paused_) return;
  if (unsentBytes() > config_.buffer_limit_bytes / 2) {
    resume_timer_->enableTimer(kResumePollInterval);
    return;
  }
  write_paused_ = false;
  // Requests left in the read buffer are delivered again by the connection,
  // and onData() then handles a FIN that came with them (peer_ended_).
  connection_->readDisable(false);
}

void AdminConnection::onData(buffer::Buffer& data, bool end_stream) {
  countReceivedBytes();
  if (end_stream) peer_ended_ = true;
  if (closing_) {
    data.drain(data.length());
    return;
  }
  idle_timer_->enableTimer(config_.idle_timeout);
  while (!closing_ && data.length() > 0) {
    if (unsentBytes() > config_.buffer_limit_bytes) {
      pauseReading();
      break;
    }
    size_t length = data.length();
    const char* bytes = reinterpret_cast<const char*>(data.linearize(length));
    ParseResult result = parser_.parse(std::string_view(bytes, length));
    data.drain(result.consumed);
    if (parser_.takeContinueExpected()) write(std::string(kContinueResponse), false);
    if (result.status == ParseStatus::Error) {
      sendError(parser_.errorStatus(), parser_.errorReason());
      break;
    }
    if (result.status == ParseStatus::NeedMoreData) break;
    if (!dispatch(parser_.takeRequest())) break;
  }
  if (closing_) {
    data.drain(data.length());
    return;
  }
  if (peer_ended_ && data.length() == 0 && !write_paused_) onPeerEnded();
}

bool AdminConnection::dispatch(ParsedRequest parsed) {
  stats_.downstream_rq_total.inc();
  stats_.downstream_rq_http1_total.inc();
  auto start = std::chrono::steady_clock::now();
  AdminResponse response = router_.route(parsed.request);
  REMORA_LOG(debug, logging::Component::Admin, "admin {} {} -> {}", parsed.request.method,
             parsed.request.path, response.status);
  ResponseFraming framing{parsed.keep_alive, parsed.http10, parsed.head};
  write(serializeResponse(response, framing), !parsed.keep_alive);
  stats_.countResponse(response.status);
  stats_.downstream_rq_time.record(millisecondsSince(start));
  if (!parsed.keep_alive) {
    beginClosing();
    return false;
  }
  return true;
}

void AdminConnection::sendError(int status, const std::string& reason) {
  if (status == 413) {
    stats_.downstream_rq_too_large.inc();
  } else {
    stats_.downstream_cx_protocol_error.inc();
  }
  REMORA_LOG(debug, logging::Component::Admin, "admin connection {}: {} ({})", connection_->id(),
             status, reason);
  stats_.downstream_rq_total.inc();
  AdminResponse response;
  response.status = status;
  response.body = reason + "\n";
  write(serializeResponse(response, ResponseFraming{.keep_alive = false}), true);
  stats_.countResponse(status);
  beginClosing();
}

void AdminConnection::write(const std::string& bytes, bool end_stream) {
  buffer::Buffer out;
  out.add(bytes);
  stats_.downstream_cx_tx_bytes_total.inc(bytes.size());
  bytes_written_ += bytes.size();
  connection_->write(out, end_stream);
}

void AdminConnection::beginClosing() {
  closing_ = true;
  if (peer_ended_) return;  // the connection closes itself once the FIN is out
  // The peer normally closes as soon as it has read the answer. One that does
  // not is cut off after the linger, with a last second for unsent bytes.
  linger_timer_ = connection_->dispatcher().createTimer(
      [this] { connection_->close(network::ConnectionCloseType::FlushWrite); });
  linger_timer_->enableTimer(config_.linger_timeout);
}

void AdminConnection::onPeerEnded() {
  if (parser_.finish()) {
    REMORA_LOG(debug, logging::Component::Admin,
               "admin connection {}: peer closed in the middle of a request", connection_->id());
  }
  // Every complete request has been answered; our FIN follows the answers,
  // and the connection closes itself once both directions have ended.
  closing_ = true;
  write(std::string(), true);
}

void AdminConnection::countReceivedBytes() {
  uint64_t received = connection_->bytesReceived();
  stats_.downstream_cx_rx_bytes_total.inc(received - rx_counted_);
  rx_counted_ = received;
}

}  // namespace remora::admin
