#include "filters/network/tcp_proxy/tcp_proxy.h"

#include <random>

#include "common/logging/logger.h"

namespace remora::filters::tcp_proxy {

namespace {
// Keeps a closed upstream connection alive until the end of the loop
// iteration in which its own callbacks may still be on the stack.
struct UpstreamHolder : public event::DeferredDeletable {
  explicit UpstreamHolder(upstream::UpstreamConnectionPtr c) : connection(std::move(c)) {}
  upstream::UpstreamConnectionPtr connection;
};

uint64_t randomDraw(uint64_t bound) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return bound == 0 ? 0 : rng() % bound;
}
}  // namespace

TcpProxyFilter::TcpProxyFilter(TcpProxyConfigConstSharedPtr config) : config_(std::move(config)) {}

TcpProxyFilter::~TcpProxyFilter() {
  if (upstream_) releaseUpstream(network::ConnectionCloseType::NoFlush);
}

void TcpProxyFilter::initializeReadFilterCallbacks(ReadFilterCallbacks& callbacks) {
  callbacks_ = &callbacks;
  callbacks_->connection().enableHalfClose(true);
  callbacks_->connection().addConnectionCallbacks(*this);
}

FilterStatus TcpProxyFilter::onNewConnection() {
  config_->stats->downstream_cx_total.inc();
  cluster_name_ = &config_->pickCluster(randomDraw(config_->total_weight));
  callbacks_->streamInfo().upstream_cluster = *cluster_name_;
  lb_context_ = std::make_unique<upstream::LoadBalancerContext>();
  lb_context_->original_destination = callbacks_->connection().info().original_destination;
  connectUpstream();
  // Downstream bytes wait (reading paused) until the upstream is connected.
  return upstream_ && !upstream_connected_ ? FilterStatus::StopIteration : FilterStatus::Continue;
}

void TcpProxyFilter::connectUpstream() {
  auto* cluster = callbacks_->clusterManager().getThreadLocalCluster(*cluster_name_);
  if (cluster == nullptr) {
    config_->stats->downstream_cx_no_route.inc();
    callbacks_->streamInfo().setFlag(ResponseFlag::NoClusterFound);
    closeDownstream(network::ConnectionCloseType::NoFlush);
    return;
  }
  ++connect_attempts_;
  auto result = cluster->createConnection(callbacks_->connection().dispatcher(), *lb_context_, {});
  if (!result.connection) {
    callbacks_->streamInfo().setFlag(result.failure == upstream::ConnectFailure::ConnectionOverflow
                                         ? ResponseFlag::UpstreamOverflow
                                         : ResponseFlag::NoHealthyUpstream);
    closeDownstream(network::ConnectionCloseType::NoFlush);
    return;
  }
  upstream_ = std::move(result.connection);
  lb_context_->attempted_hosts.push_back(upstream_->host());
  callbacks_->streamInfo().upstream_host = upstream_->host()->address();
  network::ClientConnection& conn = upstream_->connection();
  conn.addConnectionCallbacks(upstream_callbacks_);
  conn.setReadSink(&upstream_callbacks_);
  conn.enableHalfClose(true);
  // The cluster has set the connect timeout and buffer limits.
  conn.connect();
}

FilterStatus TcpProxyFilter::onData(buffer::Buffer& data, bool end_stream) {
  countDownstreamBytes(data.length());
  if (upstream_ && upstream_connected_) {
    bool bulk = data.length() >= kSpliceThreshold && !end_stream && !downstream_splice_tried_;
    upstream_->connection().write(data, end_stream);
    if (bulk && callbacks_->earlierFiltersIgnoreData(*this)) {
      trySplice(callbacks_->connection(), upstream_->connection(), *this, downstream_splice_tried_);
    }
  } else {
    data.drain(data.length());
  }
  return FilterStatus::StopIteration;
}

void TcpProxyFilter::onUpstreamData(buffer::Buffer& data, bool end_stream) {
  countUpstreamBytes(data.length());
  bool bulk = data.length() >= kSpliceThreshold && !end_stream && !upstream_splice_tried_;
  callbacks_->connection().write(data, end_stream);
  if (bulk) {
    trySplice(upstream_->connection(), callbacks_->connection(), upstream_callbacks_,
              upstream_splice_tried_);
  }
}

void TcpProxyFilter::onSpliced(uint64_t bytes) { countDownstreamBytes(bytes); }

void TcpProxyFilter::countDownstreamBytes(uint64_t bytes) {
  config_->stats->downstream_cx_rx_bytes_total.inc(bytes);
  callbacks_->streamInfo().bytes_received += bytes;
  resetIdleTimer();
}

void TcpProxyFilter::countUpstreamBytes(uint64_t bytes) {
  config_->stats->downstream_cx_tx_bytes_total.inc(bytes);
  callbacks_->streamInfo().bytes_sent += bytes;
  resetIdleTimer();
}

void TcpProxyFilter::trySplice(network::Connection& from, network::Connection& to,
                               network::SpliceCallbacks& cb, bool& tried) {
  tried = true;
  if (from.startSplicing(to, cb)) config_->stats->splice_total.inc();
}

void TcpProxyFilter::onUpstreamEvent(network::ConnectionEvent event) {
  if (event == network::ConnectionEvent::Connected) {
    upstream_connected_ = true;
    upstream_->markConnected();
    lb_context_.reset();  // no more attempts: the connection does not keep it
    auto& info = callbacks_->streamInfo();
    if (config_->log_upstream_local_address) {
      upstream_->connection().readLocalAddress();
      info.upstream_local_address = upstream_->connection().info().local_address;
    }
    if (const auto* peer = upstream_->connection().transportSocket().peerSecurity()) {
      info.details().upstream_peer_uri_san = peer->uri_san;
    }
    resetIdleTimer();
    callbacks_->continueReading();
    return;
  }
  // Closed (RemoteClose, LocalClose or ConnectTimeout).
  if (!upstream_connected_) {
    onConnectFailure(event == network::ConnectionEvent::ConnectTimeout);
    return;
  }
  auto reason = upstream_->connection().transportFailureReason();
  if (!reason.empty()) callbacks_->streamInfo().details().upstream_transport_failure_reason = reason;
  releaseUpstream(network::ConnectionCloseType::NoFlush);
  closeDownstream(network::ConnectionCloseType::FlushWrite);
}

void TcpProxyFilter::onConnectFailure(bool timeout) {
  upstream_->markConnectFailed(timeout);
  auto reason = upstream_->connection().transportFailureReason();
  if (!reason.empty()) callbacks_->streamInfo().details().upstream_transport_failure_reason = reason;
  releaseUpstream(network::ConnectionCloseType::NoFlush);
  if (callbacks_->connection().state() != network::ConnectionState::Open) return;
  if (connect_attempts_ < config_->max_connect_attempts) {
    connectUpstream();
    return;
  }
  auto& info = callbacks_->streamInfo();
  info.setFlag(timeout ? ResponseFlag::UpstreamRequestTimeout : ResponseFlag::UpstreamConnectionFailure);
  if (config_->max_connect_attempts > 1) {
    info.setFlag(ResponseFlag::UpstreamRetryLimitExceeded);
    config_->stats->max_connect_attempts_exceeded.inc();
  }
  closeDownstream(network::ConnectionCloseType::NoFlush);
}

void TcpProxyFilter::onEvent(network::ConnectionEvent event) {
  if (event == network::ConnectionEvent::Connected) return;
  // The downstream connection closed.
  event::TimeoutList::Entry::cancel();
  if (upstream_) {
    if (!upstream_connected_) callbacks_->streamInfo().setFlag(ResponseFlag::DownstreamConnectionTermination);
    releaseUpstream(upstream_connected_ ? network::ConnectionCloseType::FlushWrite
                                        : network::ConnectionCloseType::NoFlush);
  }
  logAccess();
}

void TcpProxyFilter::onAboveWriteBufferHighWatermark() {
  // Downstream cannot take more: stop reading the upstream.
  if (upstream_) upstream_->connection().readDisable(true);
}

void TcpProxyFilter::onBelowWriteBufferLowWatermark() {
  if (upstream_) upstream_->connection().readDisable(false);
}

void TcpProxyFilter::pauseDownstream(bool pause) {
  if (pause == downstream_paused_) return;
  downstream_paused_ = pause;
  if (pause) {
    config_->stats->downstream_flow_control_paused_reading_total.inc();
  } else {
    config_->stats->downstream_flow_control_resumed_reading_total.inc();
  }
  callbacks_->connection().readDisable(pause);
}

void TcpProxyFilter::releaseUpstream(network::ConnectionCloseType close_type) {
  if (!upstream_) return;
  network::ClientConnection& conn = upstream_->connection();
  conn.removeConnectionCallbacks(upstream_callbacks_);
  conn.setReadSink(nullptr);
  if (close_type == network::ConnectionCloseType::FlushWrite && conn.state() == network::ConnectionState::Open) {
    config_->stats->upstream_flush_total.inc();
  }
  conn.close(close_type);
  if (downstream_paused_) pauseDownstream(false);
  if (conn.state() == network::ConnectionState::Closing) {
    // Still flushing: the worker keeps it until its last bytes are out.
    callbacks_->clusterManager().drainUpstream(std::move(upstream_));
    return;
  }
  event::Dispatcher& dispatcher = callbacks_->connection().dispatcher();
  dispatcher.deferredDelete(std::make_unique<UpstreamHolder>(std::move(upstream_)));
}

void TcpProxyFilter::resetIdleTimer() {
  if (config_->idle_timeout.count() == 0) return;
  if (idle_list_ == nullptr) {
    idle_list_ = &callbacks_->connection().dispatcher().timeoutList(config_->idle_timeout);
  }
  event::TimeoutList::Entry::restart(*idle_list_);
}

void TcpProxyFilter::onTimeout() {
  config_->stats->idle_timeout.inc();
  callbacks_->streamInfo().setFlag(ResponseFlag::StreamIdleTimeout);
  callbacks_->streamInfo().details().connection_termination_details = "idle_timeout";
  releaseUpstream(network::ConnectionCloseType::NoFlush);
  closeDownstream(network::ConnectionCloseType::NoFlush);
}

void TcpProxyFilter::closeDownstream(network::ConnectionCloseType type) {
  callbacks_->connection().close(type);
}

void TcpProxyFilter::logAccess() {
  if (logged_) return;
  logged_ = true;
  for (const auto& log : config_->access_logs) log->log(callbacks_->streamInfo());
}

}  // namespace remora::filters::tcp_proxy
