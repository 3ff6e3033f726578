#include "common/network/connection_impl.h"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "common/assert.h"
#include "common/event/epoll_wrap.h"
#include "common/logging/logger.h"

namespace remora::network {

namespace {
std::atomic<uint64_t> next_connection_id{1};
// Bytes a splicing connection moves per readiness event before yielding.
constexpr uint64_t kMaxSplicePerEvent = 1024 * 1024;
// How long a FlushWrite close waits for the peer to take the bytes.
constexpr std::chrono::milliseconds kDelayedCloseTimeout{1000};
}  // namespace

ConnectionImpl::ConnectionImpl(event::Dispatcher& dispatcher, SocketFd&& socket,
                               TransportSocketPtr transport, bool connected)
    : dispatcher_(dispatcher),
      socket_(std::move(socket)),
      transport_(std::move(transport)),
      id_(next_connection_id.fetch_add(1, std::memory_order_relaxed)),
      read_buffer_(*this),
      write_buffer_(*this) {
  transport_->setTransportSocketCallbacks(*this);
  connecting_ = !connected;
  // A client connection starts watching its socket once connect() was called.
  if (connected) watchSocket();
}

void ConnectionImpl::watchSocket() {
  if (!socket_.valid()) return;
  // Edge-triggered for reads and writes at once: the socket is registered
  // with epoll once and leaves it when closed (stopBeforeClose()), whatever
  // the connection does in between. Pausing reads or waiting for writability
  // changes no kernel state; a lost edge is made up for with activate() (see
  // readDisable()).
  // kClosed (EPOLLRDHUP, and resets and hang-ups too: event/epoll_wrap.h)
  // tells an end of stream from data, so a short read may end a read event.
  socket_event_.watch(
      dispatcher_, socket_.fd(), *this, event::FileTriggerType::Edge,
      event::FileReady::kRead | event::FileReady::kWrite | event::FileReady::kClosed);
}

ConnectionImpl::~ConnectionImpl() {
  detachSplice();
  socket_event_.stopBeforeClose();  // socket_ closes with this object
  if (socket_.valid()) transport_->closeSocket(ConnectionEvent::LocalClose);
}

void ConnectionImpl::addConnectionCallbacks(ConnectionCallbacks& callbacks) {
  callbacks_.push_back(&callbacks);
}

void ConnectionImpl::removeConnectionCallbacks(ConnectionCallbacks& callbacks) {
  // Removal during a dispatch only blanks the slot, so iteration stays valid.
  callbacks_.nullOut(&callbacks);
  if (!dispatching_callbacks_) callbacks_.removeNulls();
}

void ConnectionImpl::setReadSink(ReadSink* sink) {
  sink_ = sink;
  // Bytes that arrived while there was no sink raised no edge we acted on.
  if (sink_ != nullptr && !connecting_) socket_event_.activate(event::FileReady::kRead);
}

void ConnectionImpl::write(buffer::Buffer& data, bool end_stream) {
  if (state_ != ConnectionState::Open || write_end_stream_) {
    data.drain(data.length());
    return;
  }
  write_buffer_.move(data);
  if (end_stream) write_end_stream_ = true;
  // Activation alone (no epoll change): most writes complete at once, and
  // onWriteReady() watches for writability only when the kernel pushed back.
  if (!connecting_ && !transport_->writeBlockedOnRead()) {
    socket_event_.activate(event::FileReady::kWrite);
  }
}

void ConnectionImpl::close(ConnectionCloseType type) {
  if (state_ == ConnectionState::Closed) return;
  if (type == ConnectionCloseType::Abort) {
    linger lin{1, 0};
    ::setsockopt(socket_.fd(), SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
    closeSocket(ConnectionEvent::LocalClose);
    return;
  }
  bool has_pending = write_buffer_.length() > 0 || !transport_->canFlushClose();
  if (type == ConnectionCloseType::NoFlush || !has_pending || connecting_) {
    closeSocket(ConnectionEvent::LocalClose);
    return;
  }
  if (state_ == ConnectionState::Closing) return;
  state_ = ConnectionState::Closing;
  delayed_close_timer_ = dispatcher_.createTimer([this] { closeSocket(ConnectionEvent::LocalClose); });
  delayed_close_timer_->enableTimer(kDelayedCloseTimeout);
  socket_event_.activate(event::FileReady::kWrite);
}

void ConnectionImpl::closeSocket(ConnectionEvent event) {
  if (state_ == ConnectionState::Closed) return;
  state_ = ConnectionState::Closed;
  detachSplice();
  if (delayed_close_timer_) delayed_close_timer_->disableTimer();
  socket_event_.stopBeforeClose();
  transport_->closeSocket(event);
  socket_.close();
  // Buffers are released now: a closed connection may linger until deferred
  // deletion, and its bytes are of no use to anyone.
  read_buffer_.setWatermarks(0);
  write_buffer_.setWatermarks(0);
  read_buffer_.drain(read_buffer_.length());
  write_buffer_.drain(write_buffer_.length());
  raiseEvent(event);
}

void ConnectionImpl::raiseEvent(ConnectionEvent event) {
  bool outer = !dispatching_callbacks_;
  dispatching_callbacks_ = true;
  for (size_t i = 0; i < callbacks_.size(); ++i) {
    if (callbacks_[i] != nullptr) callbacks_[i]->onEvent(event);
  }
  if (outer) {
    dispatching_callbacks_ = false;
    callbacks_.removeNulls();
  }
}

void ConnectionImpl::readDisable(bool disable) {
  if (state_ == ConnectionState::Closed) return;
  if (disable) {
    // Nothing to tell the kernel: read edges that arrive while paused are
    // ignored, and resuming reads the socket once unconditionally.
    ++read_disable_count_;
    return;
  }
  REMORA_ASSERT(read_disable_count_ > 0, "unbalanced readDisable");
  if (read_disable_count_ == 0) return;
  if (--read_disable_count_ == 0 && !connecting_) {
    // Delivers bytes (or an end of stream) read before the pause, and reads
    // what arrived during it.
    socket_event_.activate(event::FileReady::kRead);
  }
}

void ConnectionImpl::setBufferLimits(uint32_t limit) {
  buffer_limit_ = limit;
  // Like Envoy, the read side is allowed one extra chunk before pausing.
  read_buffer_.setWatermarks(limit == 0 ? 0 : limit + 1);
  write_buffer_.setWatermarks(limit == 0 ? 0 : limit + 1);
}

void ConnectionImpl::noDelay(bool enable) {
  if (socket_.valid()) (void)setNoDelay(socket_.fd(), enable);
}

bool ConnectionImpl::shouldDrainReadBuffer() {
  return buffer_limit_ > 0 && read_buffer_.length() >= buffer_limit_;
}

void ConnectionImpl::setTransportSocketIsReadable() {
  socket_event_.activate(event::FileReady::kRead);
}

void ConnectionImpl::flushWriteBuffer() {
  socket_event_.activate(event::FileReady::kWrite);  // nothing once closed
}

bool ConnectionImpl::shortReadDrainsSocket() const {
  return !peer_closed_seen_ && event::hangupsReportedAsClosed();
}

void ConnectionImpl::onFileReady(uint32_t events) {
  // Noted even when reads are paused: that edge will not come again.
  if (events & event::FileReady::kClosed) peer_closed_seen_ = true;
  if (connecting_) {
    onConnectReady(events);
    // The edge that announced the connection may also carry the first bytes.
    if (connecting_ || state_ == ConnectionState::Closed) return;
  }
  if ((events & event::FileReady::kWrite) && state_ != ConnectionState::Closed) onWriteReady();
  if ((events & event::FileReady::kRead) && state_ != ConnectionState::Closed) onReadReady();
}

void ConnectionImpl::onReadReady() {
  if (read_disable_count_ > 0 || state_ != ConnectionState::Open) return;
  if (splice_) {
    onSpliceReady();
    return;
  }
  if (!read_end_stream_) {
    IoResult result = transport_->doRead(read_buffer_);
    bytes_received_ += result.bytes_processed;
    if (result.end_stream_read) read_end_stream_ = true;
    if (result.action == PostIoAction::Close) {
      // Deliver what arrived before the error, then close.
      deliverReadData();
      closeSocket(ConnectionEvent::RemoteClose);
      return;
    }
  }
  deliverReadData();
  if (state_ != ConnectionState::Open) return;
  bool write_done = write_end_stream_ && write_buffer_.length() == 0;
  if (read_end_stream_ && (!half_close_ || write_done)) {
    closeSocket(ConnectionEvent::RemoteClose);
  }
}

void ConnectionImpl::deliverReadData() {
  // A pause that only the read buffer's own watermark caused must still let
  // the sink drain that buffer, or the connection would wait forever.
  bool only_watermark = read_disable_count_ == 1 && read_buffer_disabled_;
  if (sink_ == nullptr || (read_disable_count_ > 0 && !only_watermark)) return;
  bool end = read_end_stream_ && !read_end_stream_delivered_;
  if (read_buffer_.length() == 0 && !end) return;
  if (end) read_end_stream_delivered_ = true;
  sink_->onData(read_buffer_, end);
}

void ConnectionImpl::onWriteReady() {
  IoResult result = transport_->doWrite(write_buffer_, write_end_stream_);
  bytes_sent_ += result.bytes_processed;
  if (result.action == PostIoAction::Close) {
    closeSocket(ConnectionEvent::RemoteClose);
    return;
  }
  if (write_buffer_.length() == 0 && splice_source_ != nullptr && !write_end_stream_ &&
      splice_source_->splice_->pipe.pending() > 0) {
    // Buffered bytes are out: the splicing connection may move its pipe in.
    splice_source_->socket_event_.activate(event::FileReady::kRead);
  }
  if (write_buffer_.length() == 0 && transport_->canFlushClose()) {
    if (write_end_stream_) write_end_stream_flushed_ = true;
    if (state_ == ConnectionState::Closing) {
      closeSocket(ConnectionEvent::LocalClose);
      return;
    }
    if (write_end_stream_ && read_end_stream_delivered_) {
      // Both directions have ended: nothing more can happen on this socket.
      closeSocket(ConnectionEvent::LocalClose);
      return;
    }
  }
}

void ConnectionImpl::onAboveHighWatermark(buffer::WatermarkBuffer& buffer) {
  if (&buffer == &read_buffer_) {
    onReadBufferHigh();
  } else {
    onWriteBufferHigh();
  }
}

void ConnectionImpl::onBelowLowWatermark(buffer::WatermarkBuffer& buffer) {
  if (&buffer == &read_buffer_) {
    onReadBufferLow();
  } else {
    onWriteBufferLow();
  }
}

bool ConnectionImpl::startSplicing(Connection& peer, SpliceCallbacks& callbacks) {
  auto* target = dynamic_cast<ConnectionImpl*>(&peer);
  if (target == nullptr || target == this || splice_ || target->splice_source_ != nullptr ||
      state_ != ConnectionState::Open || target->state_ != ConnectionState::Open ||
      connecting_ || target->connecting_ || !transport_->canSplice() ||
      !target->transport_->canSplice() || read_buffer_.length() > 0 || read_end_stream_ ||
      target->write_end_stream_) {
    return false;
  }
  auto pipe = SplicePipe::create();
  if (!pipe) {
    REMORA_LOG(debug, logging::Component::Connection, "[C{}] no splice: {}", id_,
               pipe.error().message);
    return false;
  }
  if (!SplicePipe::capSinkUnsent(target->socket_.fd())) {
    // Only where the bytes get transmitted changes; splicing still works.
    REMORA_LOG(debug, logging::Component::Connection, "[C{}] TCP_NOTSENT_LOWAT: {}", target->id_,
               std::strerror(errno));
  }
  splice_ = std::make_unique<Splice>(Splice{target, &callbacks, std::move(*pipe)});
  target->splice_source_ = this;
  socket_event_.activate(event::FileReady::kRead);
  return true;
}

void ConnectionImpl::detachSplice() {
  if (splice_) {
    splice_->peer->splice_source_ = nullptr;
    splice_.reset();
  }
  if (splice_source_ != nullptr) {
    // Bytes still in the source's pipe can no longer go anywhere.
    splice_source_->splice_.reset();
    splice_source_ = nullptr;
  }
}

void ConnectionImpl::onSpliceReady() {
  ConnectionImpl& peer = *splice_->peer;
  SplicePipe& pipe = splice_->pipe;
  uint64_t moved = 0;
  bool progress = true;
  while (progress && moved < kMaxSplicePerEvent) {
    progress = false;
    // Out first, and only once the peer's own buffered bytes have gone.
    if (pipe.pending() > 0 && peer.write_buffer_.length() == 0) {
      buffer::IoCallResult out = pipe.drain(peer.socket_.fd());
      if (out.err != 0 && !out.wouldBlock()) {
        peer.closeSocket(ConnectionEvent::RemoteClose);
        return;
      }
      peer.bytes_sent_ += static_cast<uint64_t>(out.bytes);
      progress = out.bytes > 0;
    }
    if (read_end_stream_ || pipe.full()) continue;
    buffer::IoCallResult in = pipe.fill(socket_.fd());
    if (in.err != 0) {
      if (!in.wouldBlock()) {
        closeSocket(ConnectionEvent::RemoteClose);
        return;
      }
      continue;  // the socket is empty, or the pipe has no free slot
    }
    if (in.bytes == 0) {
      read_end_stream_ = true;
      continue;
    }
    bytes_received_ += static_cast<uint64_t>(in.bytes);
    moved += static_cast<uint64_t>(in.bytes);
    progress = true;
  }
  if (moved > 0) splice_->callbacks->onSpliced(moved);
  if (state_ != ConnectionState::Open || !splice_) return;
  if (moved >= kMaxSplicePerEvent) {
    // Yielding with bytes possibly left in the socket: no edge will say so.
    socket_event_.activate(event::FileReady::kRead);
    return;
  }
  // The end of stream goes to the sink only behind the last spliced byte.
  if (read_end_stream_ && splice_->pipe.pending() == 0) {
    deliverReadData();
    if (state_ != ConnectionState::Open) return;
    bool write_done = write_end_stream_ && write_buffer_.length() == 0;
    if (!half_close_ || write_done) closeSocket(ConnectionEvent::RemoteClose);
  }
}

void ConnectionImpl::onReadBufferHigh() {
  read_buffer_disabled_ = true;
  readDisable(true);
}

void ConnectionImpl::onReadBufferLow() {
  if (!read_buffer_disabled_) return;
  read_buffer_disabled_ = false;
  readDisable(false);
}

void ConnectionImpl::onWriteBufferHigh() {
  for (size_t i = 0; i < callbacks_.size(); ++i) {
    if (callbacks_[i] != nullptr) callbacks_[i]->onAboveWriteBufferHighWatermark();
  }
}

void ConnectionImpl::onWriteBufferLow() {
  for (size_t i = 0; i < callbacks_.size(); ++i) {
    if (callbacks_[i] != nullptr) callbacks_[i]->onBelowWriteBufferLowWatermark();
  }
}

ServerConnectionImpl::ServerConnectionImpl(event::Dispatcher& dispatcher, SocketFd&& socket,
                                           const Address& local, const Address& remote,
                                           TransportSocketPtr transport)
    : ConnectionImpl(dispatcher, std::move(socket), std::move(transport), true) {
  info().local_address = local;
  info().remote_address = remote;
  transport_->onConnected();
}

}  // namespace remora::network
