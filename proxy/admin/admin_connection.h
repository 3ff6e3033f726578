#pragma once

// One accepted admin connection: bytes in → Http1RequestParser → AdminRouter →
// serialised response out. Requests are answered one at a time in arrival
// order (pipelining), keep-alive as HTTP/1.1 wants it. Bad input gets its
// error status, then the connection closes gracefully: the answer and a FIN
// are sent, further input is read and dropped until the peer closes or a short
// linger passes, so the peer's kernel never turns the close into a reset that
// would eat the answer.
//
// Single-threaded: lives on the AdminServer's dispatcher. The server owns it;
// once the connection has closed it calls `on_closed` exactly once and the
// server then hands it to deferredDelete().

#include <chrono>
#include <cstdint>
#include <functional>

#include "common/event/dispatcher.h"
#include "common/network/connection.h"
#include "proxy/admin/admin_http_stats.h"
#include "proxy/admin/admin_router.h"
#include "proxy/admin/http1_request_parser.h"
#include "proxy/admin/http1_response.h"

namespace remora::admin {

struct AdminConnectionConfig {
  RequestLimits limits;
  // Closes a connection with nothing received for this long.
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
  // After a closing answer, how long to wait for the peer to close.
  std::chrono::milliseconds linger_timeout{std::chrono::seconds(2)};
  // Unsent response bytes above which no further requests are read, so a
  // client that pipelines without reading cannot make the server buffer
  // more than about this plus one response.
  uint32_t buffer_limit_bytes = 1024 * 1024;
};

class AdminConnection : public event::DeferredDeletable,
                        public network::ConnectionCallbacks,
                        public network::ReadSink {
 public:
  using ClosedCb = std::function<void(AdminConnection&)>;

  // `router`, `stats` and `config` must outlive the connection.
  AdminConnection(network::ConnectionPtr connection, const AdminRouter& router,
                  AdminHttpStats& stats, const AdminConnectionConfig& config, ClosedCb on_closed);
  ~AdminConnection() override;

  uint64_t id() const { return connection_->id(); }
  network::Connection& connection() { return *connection_; }
  // Closes now, dropping unsent bytes (server shutdown).
  void abort();

  // network::ConnectionCallbacks
  void onEvent(network::ConnectionEvent event) override;
  // network::ReadSink
  void onData(buffer::Buffer& data, bool end_stream) override;

 private:
  // Returns false when the connection stops taking requests.
  bool dispatch(ParsedRequest parsed);
  void sendError(int status, const std::string& reason);
  void write(const std::string& bytes, bool end_stream);
  // Answer sent with end of stream: read and drop the rest, close on
  // the peer's FIN or when the linger timer fires.
  void beginClosing();
  void onPeerEnded();
  void countReceivedBytes();
  uint64_t unsentBytes() const { return bytes_written_ - connection_->bytesSent(); }
  void pauseReading();
  void maybeResumeReading();

  network::ConnectionPtr connection_;
  const AdminRouter& router_;
  AdminHttpStats& stats_;
  const AdminConnectionConfig& config_;
  ClosedCb on_closed_;
  Http1RequestParser parser_;
  event::TimerPtr idle_timer_;
  event::TimerPtr linger_timer_;
  event::TimerPtr resume_timer_;
  event::MonotonicTime start_time_;
  uint64_t rx_counted_ = 0;
  uint64_t bytes_written_ = 0;  // handed to the connection, sent or not
  bool closing_ = false;        // the last answer carried connection: close
  bool write_paused_ = false;   // too much unsent: reads disabled
  bool peer_ended_ = false;     // FIN seen while requests were still buffered
  bool closed_ = false;
};

}  // namespace remora::admin
