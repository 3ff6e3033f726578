#pragma once

// A TCP connection driven by its dispatcher: reads go through the transport
// socket into a read buffer handed to the read sink; writes are queued in a
// watermark-limited write buffer and flushed when the socket is writable.
// Single-threaded: every method runs on the owning dispatcher's thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/buffer/buffer.h"
#include "common/event/dispatcher.h"
#include "common/network/address.h"
#include "common/network/transport_socket.h"

namespace remora::network {

enum class ConnectionEvent { RemoteClose, LocalClose, Connected, ConnectTimeout };

enum class ConnectionCloseType {
  FlushWrite,  // send what is buffered, then close
  NoFlush,     // close now, dropping buffered bytes
  Abort        // close now with RST (SO_LINGER 0)
};

enum class ConnectionState : uint8_t { Open, Closing, Closed };

class ConnectionCallbacks {
 public:
  virtual ~ConnectionCallbacks() = default;
  virtual void onEvent(ConnectionEvent event) = 0;
  // The write buffer went above its high watermark: stop feeding it.
  virtual void onAboveWriteBufferHighWatermark() {}
  // The write buffer drained below its low watermark: feed it again.
  virtual void onBelowWriteBufferLowWatermark() {}
};

// Receives the bytes read from the connection. `data` is the connection's read
// buffer: the sink drains (or moves out) what it consumes; what it leaves stays
// for the next call. `end_stream` is true once the peer half-closed.
class ReadSink {
 public:
  virtual ~ReadSink() = default;
  virtual void onData(buffer::Buffer& data, bool end_stream) = 0;
};

// Told how many bytes a splicing connection moved (they never reach the read
// sink; see Connection::startSplicing).
class SpliceCallbacks {
 public:
  virtual ~SpliceCallbacks() = default;
  virtual void onSpliced(uint64_t bytes) = 0;
};

// What tls_inspector read from a connection's ClientHello.
struct ClientHelloInfo {
  std::string server_name;                          // SNI
  std::vector<std::string> application_protocols;  // ALPN offered
};

// The values of ConnectionInfo::transport_protocol (Envoy's names).
inline constexpr std::string_view kRawBufferProtocol = "raw_buffer";
inline constexpr std::string_view kTlsProtocol = "tls";

// Facts about a connection that filters, stats and access logs read. Kept
// small: every connection has one (docs/architecture.md, "What a connection
// costs"), and only TLS-inspected ones have a ClientHello.
struct ConnectionInfo {
  Address local_address;
  Address remote_address;
  std::optional<Address> original_destination;  // set by the original_dst listener filter
  // Set by tls_inspector; shared when the accepted socket is handed off.
  std::shared_ptr<const ClientHelloInfo> client_hello;
  // kTlsProtocol when a ClientHello was seen; always one of the constants above.
  std::string_view transport_protocol = kRawBufferProtocol;
  std::chrono::system_clock::time_point start_time = std::chrono::system_clock::now();

  std::string_view requestedServerName() const {
    return client_hello ? std::string_view(client_hello->server_name) : std::string_view();
  }
  const std::vector<std::string>& applicationProtocols() const {
    static const std::vector<std::string> kNone;
    return client_hello ? client_hello->application_protocols : kNone;
  }
  // Where the connection's matching/handling is addressed: the original
  // destination if restored, else the local address.
  const Address& effectiveLocalAddress() const {
    return original_destination ? *original_destination : local_address;
  }
};

class Connection : public event::DeferredDeletable {
 public:
  ~Connection() override = default;

  virtual uint64_t id() const = 0;
  virtual event::Dispatcher& dispatcher() = 0;
  virtual void addConnectionCallbacks(ConnectionCallbacks& callbacks) = 0;
  virtual void removeConnectionCallbacks(ConnectionCallbacks& callbacks) = 0;
  // At most one sink; reads are paused while there is none.
  virtual void setReadSink(ReadSink* sink) = 0;

  // Moves `data` into the write buffer. With `end_stream` the write side is
  // shut down (FIN) once everything is flushed.
  virtual void write(buffer::Buffer& data, bool end_stream) = 0;
  virtual void close(ConnectionCloseType type) = 0;
  virtual ConnectionState state() const = 0;

  // Nested: reads resume only after as many enables as disables.
  virtual void readDisable(bool disable) = 0;
  virtual bool readEnabled() const = 0;
  // When enabled, a FIN from the peer is delivered as end_stream and the
  // connection stays open for writing; otherwise FIN closes it.
  virtual void enableHalfClose(bool enabled) = 0;
  // Soft limit on buffered bytes per direction (Envoy's
  // per_connection_buffer_limit_bytes); 0 means unlimited.
  virtual void setBufferLimits(uint32_t limit) = 0;
  virtual uint32_t bufferLimit() const = 0;
  virtual bool aboveHighWatermark() const = 0;
  virtual void noDelay(bool enable) = 0;

  virtual ConnectionInfo& info() = 0;
  virtual const ConnectionInfo& info() const = 0;
  virtual const TransportSocket& transportSocket() const = 0;
  virtual std::string nextProtocol() const = 0;
  // Bytes of plaintext received and sent over the connection's life.
  virtual uint64_t bytesReceived() const = 0;
  virtual uint64_t bytesSent() const = 0;
  // Why a secure transport failed ("" if it did not).
  virtual std::string_view transportFailureReason() const = 0;
  virtual int fd() const = 0;

  // From now on, bytes read from this connection go into `peer`'s socket
  // through a kernel pipe (splice(2)) without entering user space, after
  // whatever `peer` still has buffered. The read sink sees no more data, only
  // the end of stream (an empty buffer with end_stream) once every byte is
  // through; `callbacks` hears the counts. Reading stops while the pipe is
  // full, so backpressure holds. Only between two connections whose
  // transports can splice (raw TCP); false otherwise, and nothing changes.
  virtual bool startSplicing(Connection& peer, SpliceCallbacks& callbacks) = 0;
};

class ClientConnection : public virtual Connection {
 public:
  // Starts the non-blocking connect; Connected or RemoteClose follows.
  virtual void connect() = 0;
  // Raises ConnectTimeout and closes if not connected within `timeout`.
  virtual void setConnectTimeout(std::chrono::milliseconds timeout) = 0;
  // Once connected: asks the kernel for the local address the connect picked
  // (one getsockname()) and stores it in info().local_address. Not done for
  // every connection: most never need the port.
  virtual void readLocalAddress() = 0;
};

}  // namespace remora::network
