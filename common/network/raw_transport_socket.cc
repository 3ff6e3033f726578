#include "common/network/raw_transport_socket.h"

#include <sys/socket.h>

#include "common/network/connection.h"

namespace remora::network {

namespace {
// Reads start small, so a short message costs a small buffer chain, and grow
// while the socket keeps filling them. Each size leaves room for libevent's
// chain header, so the chain is exactly 16 or 64 KiB and not twice that.
constexpr size_t kChainHeaderRoom = 256;
constexpr size_t kFirstReadChunk = 16 * 1024 - kChainHeaderRoom;
constexpr size_t kBulkReadChunk = 64 * 1024 - kChainHeaderRoom;
// Reads per readiness event before yielding to other connections.
constexpr size_t kMaxReadPerEvent = 1024 * 1024;
}  // namespace

IoResult RawTransportSocket::doRead(buffer::Buffer& buffer) {
  IoResult result;
  size_t chunk = kFirstReadChunk;
  for (;;) {
    buffer::IoCallResult rc = buffer.readFromFd(callbacks_->fd(), chunk);
    if (rc.err != 0) {
      if (!rc.wouldBlock()) result.action = PostIoAction::Close;
      break;
    }
    if (rc.bytes == 0) {
      result.end_stream_read = true;
      break;
    }
    result.bytes_processed += static_cast<uint64_t>(rc.bytes);
    // A short read emptied the socket, and bytes arriving after it raise a
    // new edge. Not so a FIN or a reset that came with these bytes: once the
    // connection has seen one (or cannot tell), reading goes on to EAGAIN.
    if (static_cast<size_t>(rc.bytes) < chunk && callbacks_->shortReadDrainsSocket()) break;
    if (static_cast<size_t>(rc.bytes) == chunk) chunk = kBulkReadChunk;
    if (result.bytes_processed >= kMaxReadPerEvent || callbacks_->shouldDrainReadBuffer()) {
      // Stopping before the socket is drained: no new edge will come for
      // what is left, so ask to be called again.
      callbacks_->setTransportSocketIsReadable();
      break;
    }
  }
  return result;
}

IoResult RawTransportSocket::doWrite(buffer::Buffer& buffer, bool end_stream) {
  IoResult result;
  while (buffer.length() > 0) {
    buffer::IoCallResult rc = buffer.writeToFd(callbacks_->fd());
    if (rc.err != 0) {
      if (!rc.wouldBlock()) result.action = PostIoAction::Close;
      return result;
    }
    result.bytes_processed += static_cast<uint64_t>(rc.bytes);
  }
  if (end_stream && !shutdown_sent_) {
    ::shutdown(callbacks_->fd(), SHUT_WR);
    shutdown_sent_ = true;
  }
  return result;
}

void RawTransportSocket::onConnected() { callbacks_->raiseEvent(ConnectionEvent::Connected); }

}  // namespace remora::network
