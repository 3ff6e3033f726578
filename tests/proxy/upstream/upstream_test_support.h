#pragma once

// Helpers for the upstream integration tests: a loopback TCP server that can
// answer a probe, cluster configs, and connection callbacks that report
// connect outcomes the way tcp_proxy does.

#include <memory>
#include <string>
#include <vector>

#include "common/buffer/buffer.h"
#include "common/event/dispatcher.h"
#include "common/network/connection.h"
#include "common/network/listener.h"
#include "common/network/raw_transport_socket.h"
#include "common/network/socket.h"
#include "config/cluster_config.h"
#include "proxy/upstream/upstream.h"

namespace remora::upstream::testing {

// Accepts on 127.0.0.1 (port 0 or a given one). With `reply` set, answers
// the first bytes it reads with `reply`.
class TestServer : public network::ListenerCallbacks, public network::ReadSink {
 public:
  TestServer(event::Dispatcher& dispatcher, uint16_t port = 0, std::string reply = "")
      : dispatcher_(dispatcher), reply_(std::move(reply)) {
    auto socket = network::createListenSocket(*network::Address::fromIp("127.0.0.1", port), {});
    if (!socket) return;
    socket_ = std::move(*socket);
    address_ = *network::localAddress(socket_.fd());
    listener_ = dispatcher_.createListener(socket_, *this);
  }
  bool ok() const { return listener_ != nullptr; }
  const network::Address& address() const { return address_; }
  size_t accepted() const { return accepted_; }

  void onAccept(network::SocketFd&& socket, const network::Address&) override {
    ++accepted_;
    auto connection = dispatcher_.createServerConnection(
        std::move(socket), std::make_unique<network::RawTransportSocket>());
    connection->setReadSink(this);
    last_ = connection.get();
    connections_.push_back(std::move(connection));
  }
  void onData(buffer::Buffer& data, bool) override {
    received_ += data.toString();
    data.drain(data.length());
    if (!reply_.empty() && last_ != nullptr) {
      buffer::Buffer out;
      out.add(reply_);
      last_->write(out, false);
    }
  }
  const std::string& received() const { return received_; }

 private:
  event::Dispatcher& dispatcher_;
  std::string reply_;
  network::SocketFd socket_;
  network::Address address_;
  network::ListenerPtr listener_;
  std::vector<network::ConnectionPtr> connections_;
  network::Connection* last_ = nullptr;
  std::string received_;
  size_t accepted_ = 0;
};

// A port on 127.0.0.1 where nothing listens.
inline network::Address closedPort() {
  auto socket = network::createListenSocket(*network::Address::fromIp("127.0.0.1", 0), {});
  auto address = *network::localAddress(socket->fd());
  socket->close();
  return address;
}

inline config::ClusterConfig staticCluster(const std::string& name,
                                           const std::vector<network::Address>& endpoints) {
  config::ClusterConfig c;
  c.name = name;
  for (const auto& a : endpoints)
    c.endpoints.push_back(config::EndpointConfig{a.ip(), a.port(), 1});
  return c;
}

// Drives an UpstreamConnection's connect outcome into markConnected /
// markConnectFailed, as a network filter would.
class ConnectReporter : public network::ConnectionCallbacks {
 public:
  explicit ConnectReporter(UpstreamConnectionPtr connection) : connection_(std::move(connection)) {
    connection_->connection().addConnectionCallbacks(*this);
    connection_->connection().connect();
  }
  ~ConnectReporter() override {
    if (connection_) connection_->connection().removeConnectionCallbacks(*this);
  }
  void onEvent(network::ConnectionEvent event) override {
    if (event == network::ConnectionEvent::Connected) {
      connected_ = true;
      connection_->markConnected();
    } else if (!connected_) {
      failed_ = true;
      connection_->markConnectFailed(event == network::ConnectionEvent::ConnectTimeout);
    } else {
      closed_ = true;
    }
  }
  bool connected() const { return connected_; }
  bool failed() const { return failed_; }
  bool closed() const { return closed_; }
  UpstreamConnection& upstream() { return *connection_; }

 private:
  UpstreamConnectionPtr connection_;
  bool connected_ = false;
  bool failed_ = false;
  bool closed_ = false;
};

}  // namespace remora::upstream::testing
