#pragma once

// The L4 proxy: one upstream connection per downstream connection, bytes
// copied both ways with backpressure (a full write buffer on one side pauses
// reading on the other), half-close propagated, connect retries on other
// hosts, an idle timeout, and an access log line at close.

#include <memory>

#include "common/event/dispatcher.h"
#include "common/event/timeout_list.h"
#include "filters/network/network_filter.h"
#include "filters/network/tcp_proxy/config.h"
#include "proxy/upstream/upstream.h"

namespace remora::filters::tcp_proxy {

class TcpProxyFilter : public ReadFilter,
                       public network::ConnectionCallbacks,
                       public network::SpliceCallbacks,
                       private event::TimeoutList::Entry {
 public:
  explicit TcpProxyFilter(TcpProxyConfigConstSharedPtr config);
  ~TcpProxyFilter() override;

  // ReadFilter
  void initializeReadFilterCallbacks(ReadFilterCallbacks& callbacks) override;
  FilterStatus onNewConnection() override;
  FilterStatus onData(buffer::Buffer& data, bool end_stream) override;

  // network::ConnectionCallbacks for the downstream connection.
  void onEvent(network::ConnectionEvent event) override;
  void onAboveWriteBufferHighWatermark() override;
  void onBelowWriteBufferLowWatermark() override;

  // network::SpliceCallbacks: downstream bytes spliced to the upstream.
  void onSpliced(uint64_t bytes) override;

  // One read of at least this many bytes marks a bulk transfer: that
  // direction switches to splice(2) between two raw sockets.
  static constexpr size_t kSpliceThreshold = 32 * 1024;

 private:
  // Callbacks and read sink of the upstream connection.
  class UpstreamCallbacks : public network::ConnectionCallbacks,
                            public network::ReadSink,
                            public network::SpliceCallbacks {
   public:
    explicit UpstreamCallbacks(TcpProxyFilter& parent) : parent_(parent) {}
    void onEvent(network::ConnectionEvent event) override { parent_.onUpstreamEvent(event); }
    void onAboveWriteBufferHighWatermark() override { parent_.pauseDownstream(true); }
    void onBelowWriteBufferLowWatermark() override { parent_.pauseDownstream(false); }
    void onData(buffer::Buffer& data, bool end_stream) override {
      parent_.onUpstreamData(data, end_stream);
    }
    void onSpliced(uint64_t bytes) override { parent_.countUpstreamBytes(bytes); }

   private:
    TcpProxyFilter& parent_;
  };

  void connectUpstream();
  void onUpstreamEvent(network::ConnectionEvent event);
  void onUpstreamData(buffer::Buffer& data, bool end_stream);
  void countDownstreamBytes(uint64_t bytes);
  void countUpstreamBytes(uint64_t bytes);
  // Moves `from`'s further bytes to `to` with splice(2), if both can. Tried
  // once per direction: a TLS side can never splice, so a refusal stands.
  void trySplice(network::Connection& from, network::Connection& to, network::SpliceCallbacks& cb,
                 bool& tried);
  void onConnectFailure(bool timeout);
  void pauseDownstream(bool pause);
  void releaseUpstream(network::ConnectionCloseType close_type);
  void resetIdleTimer();
  void onTimeout() override;  // the idle timeout
  void closeDownstream(network::ConnectionCloseType type);
  void logAccess();

  TcpProxyConfigConstSharedPtr config_;
  ReadFilterCallbacks* callbacks_ = nullptr;
  UpstreamCallbacks upstream_callbacks_{*this};
  upstream::UpstreamConnectionPtr upstream_;
  // The attempts so far (hosts tried), only until the upstream is connected.
  std::unique_ptr<upstream::LoadBalancerContext> lb_context_;
  const std::string* cluster_name_ = nullptr;  // in config_'s cluster list
  // The worker's shared list for this idle_timeout (set on first use); the
  // session is its entry (TimeoutList::Entry::onTimeout is the idle timeout).
  event::TimeoutList* idle_list_ = nullptr;
  uint32_t connect_attempts_ = 0;
  bool upstream_connected_ = false;
  bool downstream_paused_ = false;
  bool logged_ = false;
  bool downstream_splice_tried_ = false;
  bool upstream_splice_tried_ = false;
};

}  // namespace remora::filters::tcp_proxy
