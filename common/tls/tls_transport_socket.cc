#include "common/tls/tls_transport_socket.h"

#include <cerrno>
#include <cstring>

#include <openssl/err.h>

#include "common/logging/logger.h"
#include "common/network/connection.h"
#include "common/tls/certificate_utils.h"
#include "common/tls/client_session_cache.h"

namespace remora::tls {

using logging::Component;
using network::IoResult;
using network::PostIoAction;

namespace {
// Drains the error queue; `no_peer_cert` tells whether the peer sent no
// certificate although one was required (OpenSSL reports that as a protocol
// error, not through certificate verification).
std::string drainErrors(bool& no_peer_cert) {
  std::string out;
  unsigned long code;  // NOLINT(google-runtime-int): OpenSSL's type
  while ((code = ERR_get_error()) != 0) {
    if (ERR_GET_LIB(code) == ERR_LIB_SSL &&
        ERR_GET_REASON(code) == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
      no_peer_cert = true;
    }
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}
}  // namespace

TlsTransportSocket::TlsTransportSocket(std::shared_ptr<const TlsContext> context,
                                       std::shared_ptr<const TlsStats> stats,
                                       std::shared_ptr<ClientSessionCache> session_cache,
                                       std::string server_name, std::string alpn_wire_override)
    : context_(std::move(context)),
      stats_(std::move(stats)),
      session_cache_(std::move(session_cache)),
      server_name_(std::move(server_name)),
      alpn_wire_override_(std::move(alpn_wire_override)) {}

TlsTransportSocket::~TlsTransportSocket() {
  // OpenSSL marks the session of an SSL freed without a close_notify as not
  // resumable (a pre-TLS 1.1 truncation precaution), which would defeat
  // resumption for every connection the peer closed first (or reset). Sessions
  // of connections that failed at the TLS level are still discarded.
  if (ssl_ && keep_session_) {
    SSL_set_shutdown(ssl_.get(), SSL_get_shutdown(ssl_.get()) | SSL_SENT_SHUTDOWN);
  }
}

void TlsTransportSocket::setTransportSocketCallbacks(network::TransportSocketCallbacks& callbacks) {
  callbacks_ = &callbacks;
}

void TlsTransportSocket::onConnected() {
  if (started_) return;
  started_ = true;
  auto ssl = context_->newSsl(conn_state_);
  if (!ssl) {
    fail(ssl.error().message);
    // The connection learns of the failure from the next doWrite().
    callbacks_->flushWriteBuffer();
    return;
  }
  ssl_ = std::move(*ssl);
  SSL_set_fd(ssl_.get(), callbacks_->fd());
  // Read ahead: one read() takes every record the socket holds, instead of a
  // header read and a body read per record.
  SSL_set_read_ahead(ssl_.get(), 1);
  if (!context_->isServer()) {
    if (!server_name_.empty()) SSL_set_tlsext_host_name(ssl_.get(), server_name_.c_str());
    const std::string& alpn =
        alpn_wire_override_.empty() ? context_->alpnWire() : alpn_wire_override_;
    if (!alpn.empty()) {
      SSL_set_alpn_protos(ssl_.get(), reinterpret_cast<const unsigned char*>(alpn.data()),
                          static_cast<unsigned int>(alpn.size()));
    }
    if (session_cache_) {
      conn_state_.session_cache = session_cache_.get();
      conn_state_.session_key = server_name_;
      if (SslSessionPtr session = session_cache_->get(server_name_)) {
        SSL_set_session(ssl_.get(), session.get());
      }
    }
  }
  // The server waits for the read event: run here (inside the connection's
  // constructor) a handshake could complete - the client's Finished arriving
  // right after our flight - and raise Connected before anyone listens.
  if (context_->isServer()) return;
  // The client's ClientHello goes out now.
  if (doHandshake() == PostIoAction::Close) callbacks_->flushWriteBuffer();
}

PostIoAction TlsTransportSocket::doHandshake() {
  ERR_clear_error();
  int rc = SSL_do_handshake(ssl_.get());
  if (rc == 1) {
    onHandshakeComplete();
    return PostIoAction::KeepOpen;
  }
  int err = SSL_get_error(ssl_.get(), rc);
  switch (err) {
    case SSL_ERROR_WANT_READ:
      return PostIoAction::KeepOpen;
    case SSL_ERROR_WANT_WRITE:
      callbacks_->flushWriteBuffer();
      return PostIoAction::KeepOpen;
    default:
      break;
  }
  bool no_peer_cert = false;
  std::string detail = drainErrors(no_peer_cert);
  std::string reason;
  switch (conn_state_.verify_failure) {
    case TlsConnectionState::VerifyFailure::San:
      stats_->fail_verify_san.inc();
      reason = "fail_verify_san: " + conn_state_.verify_detail;
      break;
    case TlsConnectionState::VerifyFailure::Chain:
      stats_->fail_verify_error.inc();
      reason = "fail_verify_error: " + conn_state_.verify_detail;
      break;
    case TlsConnectionState::VerifyFailure::None:
      if (context_->isServer() && no_peer_cert) {
        stats_->fail_verify_no_cert.inc();
        reason = "fail_verify_no_cert: peer did not present a certificate";
      }
      break;
  }
  if (err == SSL_ERROR_SYSCALL && detail.empty()) {
    detail = errno != 0 ? std::strerror(errno) : "connection closed during handshake";
  }
  if (reason.empty()) reason = detail.empty() ? "handshake failed" : detail;
  fail("TLS_error: " + reason);
  return PostIoAction::Close;
}

void TlsTransportSocket::onHandshakeComplete() {
  state_ = State::Connected;
  keep_session_ = true;
  SSL* ssl = ssl_.get();
  peer_.tls_version = SSL_get_version(ssl);
  peer_.cipher = SSL_get_cipher_name(ssl);
  peer_.session_reused = SSL_session_reused(ssl) == 1;
  // Extracted once here and kept: filters, RBAC and access logs read these
  // strings for every request without touching OpenSSL again.
  if (X509* cert = SSL_get0_peer_certificate(ssl)) {
    peer_.peer_certificate_presented = true;
    peer_.uri_sans =
        conn_state_.peer_uri_sans_parsed ? std::move(conn_state_.peer_uri_sans) : uriSans(cert);
    peer_.uri_san = peer_.uri_sans.empty() ? std::string() : peer_.uri_sans.front();
    peer_.subject = subjectString(cert);
    peer_.serial = serialHex(cert);
    peer_.peer_certificate_validated =
        context_->verifiesPeer() && SSL_get_verify_result(ssl) == X509_V_OK;
  } else {
    stats_->no_certificate.inc();
  }
  stats_->handshake.inc();
  if (peer_.session_reused) stats_->session_reused.inc();
  REMORA_LOG(debug, Component::Tls, "handshake done: {} {} peer={} reused={}", peer_.tls_version,
             peer_.cipher, peer_.uri_san.empty() ? "-" : peer_.uri_san, peer_.session_reused);
  callbacks_->raiseEvent(network::ConnectionEvent::Connected);
  // Plaintext queued while handshaking can go out now.
  callbacks_->flushWriteBuffer();
}

void TlsTransportSocket::fail(std::string reason, bool count) {
  if (state_ == State::Failed) return;
  state_ = State::Failed;
  if (count) {
    stats_->connection_error.inc();
    keep_session_ = false;
  }
  REMORA_LOG(debug, Component::Tls, "TLS connection failed: {}", reason);
  failure_reason_ = std::move(reason);
}

IoResult TlsTransportSocket::doRead(buffer::Buffer& buffer) {
  IoResult result;
  if (state_ == State::Failed || !ssl_) {
    result.action = PostIoAction::Close;
    return result;
  }
  if (state_ == State::Handshaking) {
    result.action = doHandshake();
    if (state_ != State::Connected && state_ != State::ShutdownSent) return result;
  }
  for (;;) {
    if (callbacks_->shouldDrainReadBuffer()) {
      callbacks_->setTransportSocketIsReadable();
      break;
    }
    ERR_clear_error();
    buffer::Buffer::Reservation space = buffer.reserve(kChunk);
    int n = SSL_read(ssl_.get(), space.data, static_cast<int>(kChunk));
    // Committed even when empty: an idle connection keeps no reserved chunk.
    buffer.commit(space, n > 0 ? static_cast<size_t>(n) : 0);
    if (n > 0) {
      result.bytes_processed += static_cast<uint64_t>(n);
      continue;
    }
    int err = SSL_get_error(ssl_.get(), n);
    if (err == SSL_ERROR_WANT_READ) break;
    if (err == SSL_ERROR_ZERO_RETURN) {
      result.end_stream_read = true;  // close_notify (or a FIN, see SSL_OP_IGNORE_UNEXPECTED_EOF)
      break;
    }
    if (err == SSL_ERROR_WANT_WRITE) {
      // A post-handshake message (KeyUpdate response) is waiting on the fd.
      callbacks_->flushWriteBuffer();
      break;
    }
    std::string detail = drainOpenSslErrors();
    // A reset after the handshake (a client that closes without reading
    // what is left, as `openssl s_time` does) is a transport event, not a
    // TLS failure: closed, but not counted in ssl.connection_error.
    bool transport_only = err == SSL_ERROR_SYSCALL && detail.empty();
    if (transport_only) detail = errno != 0 ? std::strerror(errno) : "unexpected EOF";
    fail("TLS_error: " + (detail.empty() ? std::string("read failed") : detail), !transport_only);
    result.action = PostIoAction::Close;
    break;
  }
  return result;
}

IoResult TlsTransportSocket::doWrite(buffer::Buffer& buffer, bool end_stream) {
  IoResult result;
  if (state_ == State::Failed || !ssl_) {
    result.action = PostIoAction::Close;
    return result;
  }
  if (state_ == State::Handshaking) {
    result.action = doHandshake();
    if (state_ != State::Connected) return result;
  }
  if (state_ == State::ShutdownSent) {
    buffer.drain(buffer.length());  // nothing may follow close_notify
    return result;
  }
  while (buffer.length() > 0) {
    // OpenSSL requires a retried SSL_write to pass at least the same length.
    size_t len = bytes_to_retry_ != 0 ? bytes_to_retry_ : std::min(buffer.length(), kChunk);
    const uint8_t* data = buffer.linearize(len);
    ERR_clear_error();
    int n = SSL_write(ssl_.get(), data, static_cast<int>(len));
    if (n > 0) {
      buffer.drain(static_cast<size_t>(n));
      result.bytes_processed += static_cast<uint64_t>(n);
      bytes_to_retry_ = 0;
      continue;
    }
    int err = SSL_get_error(ssl_.get(), n);
    if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) {
      bytes_to_retry_ = len;
      break;
    }
    std::string detail = drainOpenSslErrors();
    bool transport_only = err == SSL_ERROR_SYSCALL && detail.empty();
    if (transport_only && errno != 0) detail = std::strerror(errno);
    fail("TLS_error: " + (detail.empty() ? std::string("write failed") : detail), !transport_only);
    result.action = PostIoAction::Close;
    return result;
  }
  if (end_stream && buffer.length() == 0) shutdownSsl();
  return result;
}

void TlsTransportSocket::shutdownSsl() {
  if (state_ != State::Connected) return;
  state_ = State::ShutdownSent;
  ERR_clear_error();
  // One-way: the socket's write side closes right after, nobody waits for
  // the peer's close_notify.
  SSL_shutdown(ssl_.get());
  ERR_clear_error();
}

void TlsTransportSocket::closeSocket(network::ConnectionEvent) { shutdownSsl(); }

std::string TlsTransportSocket::protocol() const {
  if (!ssl_) return {};
  const unsigned char* proto = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(ssl_.get(), &proto, &len);
  return std::string(reinterpret_cast<const char*>(proto), len);
}

const network::PeerSecurityInfo* TlsTransportSocket::peerSecurity() const {
  return state_ == State::Connected || state_ == State::ShutdownSent ? &peer_ : nullptr;
}

}  // namespace remora::tls
