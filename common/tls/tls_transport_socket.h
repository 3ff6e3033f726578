#pragma once

// TLS over a connection's fd with OpenSSL: a non-blocking handshake driven by
// the connection's read/write readiness, then SSL_read into the read buffer's
// reserved space and SSL_write from the write buffer's front slice.
//
// Life of a socket: onConnected() starts the handshake (the server waits for
// the ClientHello, the client sends it). doRead()/doWrite() advance it; when
// it completes the peer's identity is captured once into peerSecurity(),
// ssl.handshake (and ssl.session_reused) is counted and ConnectionEvent::
// Connected is raised. A failed handshake is counted (ssl.connection_error
// plus the fail_verify_* reason), explained by failureReason() and returns
// PostIoAction::Close. closeSocket() sends close_notify once.
//
// Single-threaded: every call happens on the owning connection's dispatcher.

#include <memory>
#include <string>

#include "common/network/transport_socket.h"
#include "common/tls/openssl_types.h"
#include "common/tls/tls_context.h"
#include "common/tls/tls_stats.h"

namespace remora::tls {

class ClientSessionCache;

class TlsTransportSocket : public network::TransportSocket {
 public:
  // `session_cache` is the client factory's cache (null on servers);
  // `server_name` is the SNI to send (client only, may be empty).
  TlsTransportSocket(std::shared_ptr<const TlsContext> context,
                     std::shared_ptr<const TlsStats> stats,
                     std::shared_ptr<ClientSessionCache> session_cache, std::string server_name,
                     std::string alpn_wire_override);
  ~TlsTransportSocket() override;

  // network::TransportSocket
  void setTransportSocketCallbacks(network::TransportSocketCallbacks& callbacks) override;
  std::string protocol() const override;
  std::string_view failureReason() const override { return failure_reason_; }
  bool canFlushClose() override { return state_ != State::Handshaking; }
  void closeSocket(network::ConnectionEvent event) override;
  network::IoResult doRead(buffer::Buffer& buffer) override;
  network::IoResult doWrite(buffer::Buffer& buffer, bool end_stream) override;
  void onConnected() override;
  const network::PeerSecurityInfo* peerSecurity() const override;
  // The handshake writes straight to the socket; queued plaintext waits for it.
  bool writeBlockedOnRead() const override { return state_ == State::Handshaking; }

  // The serial of the local certificate this connection presents (tests,
  // access logs).
  std::string localCertificateSerial() const { return context_->certificateSerial(); }

 private:
  enum class State { Handshaking, Connected, ShutdownSent, Failed };
  // Read and write chunk: one TLS record's worth of plaintext.
  static constexpr size_t kChunk = 16384;

  // Returns Close when the handshake failed.
  network::PostIoAction doHandshake();
  void onHandshakeComplete();
  // Marks the socket failed; `count` = a TLS failure for ssl.connection_error.
  void fail(std::string reason, bool count = true);
  void shutdownSsl();

  std::shared_ptr<const TlsContext> context_;
  std::shared_ptr<const TlsStats> stats_;
  std::shared_ptr<ClientSessionCache> session_cache_;
  std::string server_name_;
  std::string alpn_wire_override_;
  TlsConnectionState conn_state_;  // must outlive ssl_ (declared before it)
  SslPtr ssl_;
  network::TransportSocketCallbacks* callbacks_ = nullptr;
  State state_ = State::Handshaking;
  bool started_ = false;
  bool keep_session_ = false;  // handshake done and no TLS-level failure since
  size_t bytes_to_retry_ = 0;
  std::string failure_reason_;
  network::PeerSecurityInfo peer_;
};

}  // namespace remora::tls
