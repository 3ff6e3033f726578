#pragma once

// The Connection implementation shared by accepted (server) and outbound
// (client) connections. Edge-triggered: the fd is registered for reads and
// writes once; pausing and resuming are bookkeeping, not epoll changes.

#include <memory>
#include <vector>

#include "common/buffer/watermark_buffer.h"
#include "common/event/libevent_events.h"
#include "common/small_ptr_vector.h"
#include "common/network/connection.h"
#include "common/network/socket.h"
#include "common/network/splice_pipe.h"

namespace remora::network {

class ConnectionImpl : public virtual Connection,
                       protected TransportSocketCallbacks,
                       private buffer::WatermarkCallbacks,
                       private event::FileReadyHandler {
 public:
  ConnectionImpl(event::Dispatcher& dispatcher, SocketFd&& socket, TransportSocketPtr transport,
                 bool connected);
  ~ConnectionImpl() override;

  // Connection
  uint64_t id() const override { return id_; }
  event::Dispatcher& dispatcher() override { return dispatcher_; }
  void addConnectionCallbacks(ConnectionCallbacks& callbacks) override;
  void removeConnectionCallbacks(ConnectionCallbacks& callbacks) override;
  void setReadSink(ReadSink* sink) override;
  void write(buffer::Buffer& data, bool end_stream) override;
  void close(ConnectionCloseType type) override;
  ConnectionState state() const override { return state_; }
  void readDisable(bool disable) override;
  bool readEnabled() const override { return read_disable_count_ == 0; }
  void enableHalfClose(bool enabled) override { half_close_ = enabled; }
  void setBufferLimits(uint32_t limit) override;
  uint32_t bufferLimit() const override { return buffer_limit_; }
  bool aboveHighWatermark() const override { return write_buffer_.aboveHighWatermark(); }
  void noDelay(bool enable) override;
  ConnectionInfo& info() override { return info_; }
  const ConnectionInfo& info() const override { return info_; }
  const TransportSocket& transportSocket() const override { return *transport_; }
  std::string nextProtocol() const override { return transport_->protocol(); }
  uint64_t bytesReceived() const override { return bytes_received_; }
  uint64_t bytesSent() const override { return bytes_sent_; }
  std::string_view transportFailureReason() const override { return transport_->failureReason(); }
  int fd() const override { return socket_.fd(); }
  bool startSplicing(Connection& peer, SpliceCallbacks& callbacks) override;

 protected:
  // TransportSocketCallbacks (fd() is shared with Connection)
  Connection& connection() override { return *this; }
  bool shouldDrainReadBuffer() override;
  void setTransportSocketIsReadable() override;
  void raiseEvent(ConnectionEvent event) override;
  void flushWriteBuffer() override;
  bool shortReadDrainsSocket() const override;

  // event::FileReadyHandler, for socket_event_.
  void onFileReady(uint32_t events) override;
  // `events`: what the first edge after connect() reported (FileReady bits).
  virtual void onConnectReady(uint32_t /*events*/) {}
  void onReadReady();
  void onWriteReady();
  void closeSocket(ConnectionEvent event);
  // Starts watching the socket (accepted: at once; outbound: after connect()).
  void watchSocket();

  event::Dispatcher& dispatcher_;
  SocketFd socket_;
  bool connecting_ = false;  // beside the fd, in what would be padding
  TransportSocketPtr transport_;
  event::SocketEvent socket_event_;

 private:
  // buffer::WatermarkCallbacks, for the read and the write buffer.
  void onAboveHighWatermark(buffer::WatermarkBuffer& buffer) override;
  void onBelowLowWatermark(buffer::WatermarkBuffer& buffer) override;
  void onReadBufferHigh();
  void onReadBufferLow();
  void onWriteBufferHigh();
  void onWriteBufferLow();
  void deliverReadData();
  // The read side of a splicing connection: socket -> pipe -> peer's socket.
  void onSpliceReady();
  void detachSplice();

  // While this connection splices into `peer` (see startSplicing()).
  struct Splice {
    ConnectionImpl* peer;
    SpliceCallbacks* callbacks;
    SplicePipe pipe;
  };

  const uint64_t id_;
  ConnectionInfo info_;
  buffer::WatermarkBuffer read_buffer_;
  buffer::WatermarkBuffer write_buffer_;
  SmallPtrVector<ConnectionCallbacks, 2> callbacks_;
  ReadSink* sink_ = nullptr;
  event::TimerPtr delayed_close_timer_;
  std::unique_ptr<Splice> splice_;
  ConnectionImpl* splice_source_ = nullptr;  // a connection splicing into this one
  ConnectionState state_ = ConnectionState::Open;
  uint32_t buffer_limit_ = 0;
  uint32_t read_disable_count_ = 0;
  uint64_t bytes_received_ = 0;
  uint64_t bytes_sent_ = 0;
  bool half_close_ = false;
  bool read_end_stream_ = false;
  bool read_end_stream_delivered_ = false;
  bool write_end_stream_ = false;
  bool write_end_stream_flushed_ = false;
  bool read_buffer_disabled_ = false;
  // An edge said kClosed (FIN, reset or hang-up): reads go to EAGAIN from now on.
  bool peer_closed_seen_ = false;
  bool dispatching_callbacks_ = false;
};

class ServerConnectionImpl : public ConnectionImpl {
 public:
  ServerConnectionImpl(event::Dispatcher& dispatcher, SocketFd&& socket, const Address& local,
                       const Address& remote, TransportSocketPtr transport);
};

}  // namespace remora::network
