#include "proxy/upstream/upstream_connection_impl.h"

namespace remora::upstream {

UpstreamConnectionImpl::UpstreamConnectionImpl(ClusterInfoImplConstSharedPtr info,
                                               HostImplConstSharedPtr host,
                                               network::ClientConnectionPtr connection)
    : info_(std::move(info)), host_(std::move(host)), connection_(std::move(connection)) {
  info_->stats().upstream_cx_total.inc();
  info_->stats().upstream_cx_active.inc();
  hostImpl().onConnectionOpened();
}

UpstreamConnectionImpl::~UpstreamConnectionImpl() {
  releasePending();
  info_->releaseConnection();
  info_->stats().upstream_cx_active.dec();
  info_->stats().upstream_cx_rx_bytes_total.inc(connection_->bytesReceived());
  info_->stats().upstream_cx_tx_bytes_total.inc(connection_->bytesSent());
  hostImpl().onConnectionClosed();
  if (connection_->state() != network::ConnectionState::Closed) {
    connection_->close(network::ConnectionCloseType::NoFlush);
  }
  event::Dispatcher& dispatcher = connection_->dispatcher();
  dispatcher.deferredDelete(std::move(connection_));
}

void UpstreamConnectionImpl::markConnected() {
  if (!pending_) return;
  releasePending();
  hostImpl().reportConnectResult(true);
}

void UpstreamConnectionImpl::markConnectFailed(bool timeout) {
  if (!pending_) return;
  releasePending();
  // As in Envoy, a timeout is also a connect failure.
  info_->stats().upstream_cx_connect_fail.inc();
  if (timeout) info_->stats().upstream_cx_connect_timeout.inc();
  hostImpl().onConnectFailed();
  hostImpl().reportConnectResult(false);
}

void UpstreamConnectionImpl::releasePending() {
  if (!pending_) return;
  pending_ = false;
  info_->releasePending();
}

}  // namespace remora::upstream
