#include "tests/integration/tls/tls_echo_server.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "common/buffer/buffer.h"
#include "common/tls/peer_identity.h"

namespace remora::tls::test {

DispatcherThread::DispatcherThread() : dispatcher_(event::createDispatcher("tls-test")) {
  thread_ = std::thread([this] { dispatcher_->run(event::RunType::Block); });
}

DispatcherThread::~DispatcherThread() {
  dispatcher_->exit();
  thread_.join();
}

void DispatcherThread::run(const std::function<void()>& fn) {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  dispatcher_->post([&] {
    fn();
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    cv.notify_all();
  });
  if (!waitFor(mu, cv, [&] { return done; })) std::abort();
}

bool waitFor(std::mutex& mu, std::condition_variable& cv, const std::function<bool()>& cond,
             std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu);
  return cv.wait_for(lock, timeout, cond);
}

class TlsEchoServer::Session : public event::DeferredDeletable,
                              public network::ConnectionCallbacks,
                              public network::ReadSink {
 public:
  Session(TlsEchoServer& server, network::ConnectionPtr connection)
      : server_(server), connection_(std::move(connection)) {
    connection_->addConnectionCallbacks(*this);
    connection_->setReadSink(this);
  }
  void onEvent(network::ConnectionEvent event) override {
    if (event == network::ConnectionEvent::Connected) {
      std::lock_guard<std::mutex> lock(server_.mu_);
      server_.peers_.push_back(formatPeerUriSan(connection_->transportSocket().peerSecurity()));
      server_.cv_.notify_all();
      return;
    }
    if (event == network::ConnectionEvent::RemoteClose ||
        event == network::ConnectionEvent::LocalClose) {
      auto it = server_.sessions_.find(this);
      if (it == server_.sessions_.end()) return;
      std::unique_ptr<Session> self = std::move(it->second);
      server_.sessions_.erase(it);
      // Destroyed (with its connection) after this callback returns.
      server_.thread_.dispatcher().deferredDelete(std::move(self));
      std::lock_guard<std::mutex> lock(server_.mu_);
      server_.cv_.notify_all();
    }
  }
  void onData(buffer::Buffer& data, bool) override {
    std::string text = data.toString();
    bool bye = text.find("BYE") != std::string::npos;
    connection_->write(data, false);
    if (bye) connection_->close(network::ConnectionCloseType::FlushWrite);
  }

 private:
  TlsEchoServer& server_;
  network::ConnectionPtr connection_;
};

TlsEchoServer::TlsEchoServer(DispatcherThread& thread, network::TransportSocketFactoryPtr factory)
    : thread_(thread), factory_(std::move(factory)) {
  thread_.run([this] {
    auto socket = network::createListenSocket(*network::Address::fromIp("127.0.0.1", 0), {});
    if (!socket) std::abort();
    listen_socket_ = std::move(*socket);
    port_ = network::localAddress(listen_socket_.fd())->port();
    listener_ = thread_.dispatcher().createListener(listen_socket_, *this);
  });
}

TlsEchoServer::~TlsEchoServer() {
  thread_.run([this] {
    listener_.reset();
    for (auto& [ptr, session] : sessions_) {
      (void)ptr;
      session.reset();
    }
    sessions_.clear();
  });
}

void TlsEchoServer::onAccept(network::SocketFd&& socket, const network::Address&) {
  auto connection =
      thread_.dispatcher().createServerConnection(std::move(socket), factory_->create({}));
  auto session = std::make_unique<Session>(*this, std::move(connection));
  Session* raw = session.get();
  sessions_.emplace(raw, std::move(session));
}

std::vector<std::string> TlsEchoServer::peers() {
  std::lock_guard<std::mutex> lock(mu_);
  return peers_;
}

size_t TlsEchoServer::open() {
  size_t n = 0;
  thread_.run([&] { n = sessions_.size(); });
  return n;
}

bool TlsEchoServer::waitForPeers(size_t n) {
  return waitFor(mu_, cv_, [&] { return peers_.size() >= n; });
}

TlsEchoClient::TlsEchoClient(DispatcherThread& thread,
                             const network::TransportSocketFactory& factory, uint16_t port)
    : thread_(thread) {
  thread_.run([&] {
    auto address = network::Address::fromIp("127.0.0.1", port);
    connection_ = thread_.dispatcher().createClientConnection(*address, nullptr,
                                                              factory.create({}));
    connection_->addConnectionCallbacks(*this);
    connection_->setReadSink(this);
    connection_->connect();
  });
}

TlsEchoClient::~TlsEchoClient() {
  thread_.run([this] {
    if (connection_) {
      connection_->removeConnectionCallbacks(*this);
      connection_->close(network::ConnectionCloseType::NoFlush);
      connection_.reset();
    }
  });
}

void TlsEchoClient::onEvent(network::ConnectionEvent event) {
  std::lock_guard<std::mutex> lock(mu_);
  if (event == network::ConnectionEvent::Connected) {
    connected_ = true;
    if (const auto* peer = connection_->transportSocket().peerSecurity()) peer_ = *peer;
  } else {
    closed_ = true;
  }
  cv_.notify_all();
}

void TlsEchoClient::onData(buffer::Buffer& data, bool) {
  std::lock_guard<std::mutex> lock(mu_);
  received_ += data.toString();
  data.drain(data.length());
  cv_.notify_all();
}

bool TlsEchoClient::waitConnected() {
  return waitFor(mu_, cv_, [&] { return connected_ || closed_; }) && connected_ && !closed_;
}

bool TlsEchoClient::waitClosed() { return waitFor(mu_, cv_, [&] { return closed_; }); }

bool TlsEchoClient::echo(const std::string& text) {
  size_t want;
  {
    std::lock_guard<std::mutex> lock(mu_);
    want = received_.size() + text.size();
  }
  thread_.run([&] {
    buffer::Buffer b;
    b.add(text);
    connection_->write(b, false);
  });
  return waitFor(mu_, cv_, [&] { return received_.size() >= want; }) &&
         received_.substr(want - text.size()) == text;
}

network::PeerSecurityInfo TlsEchoClient::peer() {
  std::lock_guard<std::mutex> lock(mu_);
  return peer_;
}

std::string runCommand(const std::string& command, const std::string& input) {
  char tmpl[] = "/tmp/remora-tls-in-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0) std::abort();
  if (::write(fd, input.data(), input.size()) != static_cast<ssize_t>(input.size())) std::abort();
  ::close(fd);
  // `timeout` bounds a client that would otherwise hang the test.
  std::string full = "timeout 20 " + command + " < " + tmpl + " 2>&1";
  FILE* pipe = ::popen(full.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  ::pclose(pipe);
  ::unlink(tmpl);
  return out;
}

}  // namespace remora::tls::test
