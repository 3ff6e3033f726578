#pragma once

// A TLS echo server and client on a real Dispatcher thread, for integration
// tests: the server echoes what it reads and closes (after flushing) once it
// has seen "BYE"; it records the peer identity of each connection when its
// handshake completes. All state shared with the test thread is guarded.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/event/dispatcher.h"
#include "common/network/connection.h"
#include "common/network/listener.h"
#include "common/network/socket.h"
#include "common/network/transport_socket.h"

namespace remora::tls::test {

// Runs a dispatcher on its own thread.
class DispatcherThread {
 public:
  DispatcherThread();
  ~DispatcherThread();
  event::Dispatcher& dispatcher() { return *dispatcher_; }
  // Runs `fn` on the dispatcher thread and waits for it (bounded).
  void run(const std::function<void()>& fn);

 private:
  event::DispatcherPtr dispatcher_;
  std::thread thread_;
};

// Waits up to `timeout` for `cond`, re-checking when `cv` is notified.
bool waitFor(std::mutex& mu, std::condition_variable& cv, const std::function<bool()>& cond,
             std::chrono::milliseconds timeout = std::chrono::seconds(20));

class TlsEchoServer : public network::ListenerCallbacks {
 public:
  TlsEchoServer(DispatcherThread& thread, network::TransportSocketFactoryPtr factory);
  ~TlsEchoServer() override;
  uint16_t port() const { return port_; }
  // Peer URI SANs ("-" for none) of connections whose handshake completed.
  std::vector<std::string> peers();
  size_t open();
  // Waits for `n` completed handshakes.
  bool waitForPeers(size_t n);

  void onAccept(network::SocketFd&& socket, const network::Address& peer) override;

 private:
  class Session;
  friend class Session;
  DispatcherThread& thread_;
  network::TransportSocketFactoryPtr factory_;
  network::SocketFd listen_socket_;
  network::ListenerPtr listener_;
  uint16_t port_ = 0;
  std::map<Session*, std::unique_ptr<Session>> sessions_;  // dispatcher thread
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> peers_;
};

// One outbound TLS connection driven from the test thread.
class TlsEchoClient : public network::ConnectionCallbacks, public network::ReadSink {
 public:
  TlsEchoClient(DispatcherThread& thread, const network::TransportSocketFactory& factory,
                uint16_t port);
  ~TlsEchoClient() override;
  bool waitConnected();
  bool waitClosed();
  // Sends `text` and waits until the echo has arrived.
  bool echo(const std::string& text);
  // The server's identity as seen by this client (copied on Connected).
  network::PeerSecurityInfo peer();

  void onEvent(network::ConnectionEvent event) override;
  void onData(buffer::Buffer& data, bool end_stream) override;

 private:
  DispatcherThread& thread_;
  network::ClientConnectionPtr connection_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
  network::PeerSecurityInfo peer_;
};

// Runs a command with a shell, feeding `input` to stdin; returns stdout+stderr.
std::string runCommand(const std::string& command, const std::string& input);

}  // namespace remora::tls::test
