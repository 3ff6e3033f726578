#pragma once

// The seam between a Connection and what carries its bytes: plain TCP (raw)
// or TLS. A transport socket reads from and writes to the connection's fd and
// translates bytes; it never owns the fd. All calls happen on the owning
// connection's dispatcher thread.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/buffer/buffer.h"
#include "common/result.h"

namespace remora::network {

class Connection;
enum class ConnectionEvent;

enum class PostIoAction { KeepOpen, Close };

struct IoResult {
  PostIoAction action = PostIoAction::KeepOpen;
  uint64_t bytes_processed = 0;
  bool end_stream_read = false;  // the peer closed its write side (FIN / close_notify)
};

// What a TLS transport learned about the peer; raw sockets have none.
struct PeerSecurityInfo {
  std::string uri_san;              // first URI SAN of the peer certificate (SPIFFE ID)
  std::vector<std::string> uri_sans;
  std::string subject;
  std::string serial;
  std::string tls_version;          // "TLSv1.3"
  std::string cipher;
  bool peer_certificate_presented = false;
  bool peer_certificate_validated = false;
  bool session_reused = false;
};

class TransportSocketCallbacks {
 public:
  virtual ~TransportSocketCallbacks() = default;
  virtual int fd() const = 0;
  virtual Connection& connection() = 0;
  // True when the read buffer is above its limit; a transport that decrypts
  // in chunks should stop and call setTransportSocketIsReadable() later.
  virtual bool shouldDrainReadBuffer() = 0;
  // Asks the connection to call doRead() again even without a new fd event
  // (the transport holds buffered plaintext).
  virtual void setTransportSocketIsReadable() = 0;
  // Reports Connected (handshake done) or a close to the connection.
  virtual void raiseEvent(ConnectionEvent event) = 0;
  // Asks the connection to call doWrite() (e.g. handshake bytes are pending).
  virtual void flushWriteBuffer() = 0;
  // True when a read that returned fewer bytes than it asked for proves the
  // socket empty, so doRead() may stop there instead of reading on to
  // EAGAIN: no end of stream, reset or hang-up has been reported that a read
  // still has to pick up. False: read to EAGAIN.
  virtual bool shortReadDrainsSocket() const = 0;
};

class TransportSocket {
 public:
  virtual ~TransportSocket() = default;
  virtual void setTransportSocketCallbacks(TransportSocketCallbacks& callbacks) = 0;
  // Negotiated application protocol (ALPN), empty if none.
  virtual std::string protocol() const = 0;
  // Reason the transport failed, for logs and access logs ("" if none).
  virtual std::string_view failureReason() const = 0;
  // False while the transport has bytes of its own to send before a close.
  virtual bool canFlushClose() = 0;
  virtual void closeSocket(ConnectionEvent event) = 0;
  // Reads as much as allowed from the fd into `buffer` (plaintext).
  virtual IoResult doRead(buffer::Buffer& buffer) = 0;
  // Writes from `buffer` (plaintext), draining what was accepted.
  virtual IoResult doWrite(buffer::Buffer& buffer, bool end_stream) = 0;
  // The TCP connect completed (client) or the socket was accepted (server).
  virtual void onConnected() = 0;
  // True while the transport cannot make progress on writes until it has
  // read from the peer (a TLS handshake waiting for the peer's flight); the
  // connection then stops watching for write readiness instead of spinning.
  virtual bool writeBlockedOnRead() const { return false; }
  // True when the bytes on the fd are the connection's bytes as they are
  // (no framing or encryption), so they may be spliced between sockets.
  virtual bool canSplice() const { return false; }
  // Non-null once a secure transport has completed its handshake.
  virtual const PeerSecurityInfo* peerSecurity() const = 0;
};
using TransportSocketPtr = std::unique_ptr<TransportSocket>;

// Per-connection overrides from the filter that opens an upstream connection.
struct TransportSocketOptions {
  std::string server_name;                  // SNI override
  std::vector<std::string> alpn_override;   // ALPN list override
};

class TransportSocketFactory {
 public:
  virtual ~TransportSocketFactory() = default;
  virtual TransportSocketPtr create(const TransportSocketOptions& options) const = 0;
  virtual bool implementsSecureTransport() const = 0;
};
using TransportSocketFactoryPtr = std::shared_ptr<const TransportSocketFactory>;

}  // namespace remora::network
