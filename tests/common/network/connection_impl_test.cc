#include "common/network/connection_impl.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>
#include <sys/socket.h>

#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "common/event/dispatcher.h"
#include "common/network/listener.h"
#include "common/network/raw_transport_socket.h"
#include "common/network/socket.h"
#include "common/network/splice_pipe.h"
#include "tests/test_support/wait.h"

namespace remora::network {
namespace {

struct Recorder : public ConnectionCallbacks, public ReadSink {
  void onEvent(ConnectionEvent event) override { events.push_back(event); }
  void onAboveWriteBufferHighWatermark() override { ++above; }
  void onBelowWriteBufferLowWatermark() override { ++below; }
  void onData(buffer::Buffer& data, bool end_stream) override {
    received += data.toString();
    data.drain(data.length());
    if (end_stream) saw_end = true;
  }
  bool has(ConnectionEvent e) const {
    for (auto x : events) if (x == e) return true;
    return false;
  }
  std::vector<ConnectionEvent> events;
  std::string received;
  bool saw_end = false;
  int above = 0;
  int below = 0;
};

class ConnectionImplTest : public ::testing::Test, public ListenerCallbacks {
 protected:
  void SetUp() override {
    dispatcher_ = event::createDispatcher("test");
    auto socket = createListenSocket(*Address::fromIp("127.0.0.1", 0), {});
    ASSERT_TRUE(socket.ok()) << socket.error().message;
    listen_socket_ = std::move(*socket);
    address_ = *localAddress(listen_socket_.fd());
    listener_ = dispatcher_->createListener(listen_socket_, *this);
  }

  void onAccept(SocketFd&& socket, const Address&) override {
    server_ = dispatcher_->createServerConnection(std::move(socket),
                                                  std::make_unique<RawTransportSocket>());
    server_->addConnectionCallbacks(server_events_);
    server_->setReadSink(&server_events_);
    server_->enableHalfClose(half_close_);
  }

  ClientConnectionPtr connectClient() {
    auto client = dispatcher_->createClientConnection(address_, nullptr,
                                                      std::make_unique<RawTransportSocket>());
    client->addConnectionCallbacks(client_events_);
    client->setReadSink(&client_events_);
    client->connect();
    return client;
  }

  event::DispatcherPtr dispatcher_;
  SocketFd listen_socket_;
  Address address_;
  ListenerPtr listener_;
  ConnectionPtr server_;
  Recorder server_events_;
  Recorder client_events_;
  bool half_close_ = false;
};

TEST_F(ConnectionImplTest, ClientConnectsAndBytesFlowBothWays) {
  auto client = connectClient();
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] {
    return client_events_.has(ConnectionEvent::Connected) && server_ != nullptr;
  }));
  buffer::Buffer out;
  out.add("hello");
  client->write(out, false);
  EXPECT_EQ(out.length(), 0u);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_events_.received == "hello"; }));
  buffer::Buffer reply;
  reply.add("world");
  server_->write(reply, false);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return client_events_.received == "world"; }));
  EXPECT_EQ(client->bytesSent(), 5u);
  EXPECT_EQ(server_->bytesReceived(), 5u);
}

TEST_F(ConnectionImplTest, HalfCloseKeepsTheOtherDirectionOpen) {
  half_close_ = true;
  auto client = connectClient();
  client->enableHalfClose(true);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_ != nullptr; }));
  buffer::Buffer out;
  out.add("request");
  client->write(out, true);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_events_.saw_end; }));
  EXPECT_EQ(server_events_.received, "request");
  EXPECT_EQ(server_->state(), ConnectionState::Open);
  buffer::Buffer reply;
  reply.add("response after FIN");
  server_->write(reply, true);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return client_events_.saw_end; }));
  EXPECT_EQ(client_events_.received, "response after FIN");
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] {
    return client->state() == ConnectionState::Closed && server_->state() == ConnectionState::Closed;
  }));
}

// Nagle's algorithm would hold a small request until the previous one is
// ACKed; both the accepted (inherited from the listener) and the outbound
// socket must have it off.
TEST_F(ConnectionImplTest, AcceptedAndOutboundSocketsHaveNagleOff) {
  auto client = connectClient();
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_ != nullptr; }));
  auto noDelay = [](int fd) {
    int value = 0;
    socklen_t len = sizeof(value);
    EXPECT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &len), 0);
    return value != 0;
  };
  EXPECT_TRUE(noDelay(client->fd()));
  EXPECT_TRUE(noDelay(server_->fd()));
}

struct SpliceCounter : public SpliceCallbacks {
  void onSpliced(uint64_t bytes) override { spliced += bytes; }
  uint64_t spliced = 0;
};

// Bytes from one accepted connection are spliced into another: they reach the
// second connection's peer, never the first one's read sink, and the socket
// they are spliced into keeps at most SplicePipe::kSinkNotSentLowat unsent.
TEST_F(ConnectionImplTest, SplicedBytesReachThePeerAndTheSinkCapsItsUnsentBytes) {
  auto sender = connectClient();
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_ != nullptr; }));
  ConnectionPtr source = std::move(server_);
  Recorder source_events;
  source->setReadSink(&source_events);
  auto sink = connectClient();
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] {
    return server_ != nullptr && client_events_.has(ConnectionEvent::Connected);
  }));
  SpliceCounter counter;
  ASSERT_TRUE(source->startSplicing(*sink, counter));
  int lowat = 0;
  socklen_t len = sizeof(lowat);
  ASSERT_EQ(::getsockopt(sink->fd(), IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, &len), 0);
  EXPECT_EQ(lowat, SplicePipe::kSinkNotSentLowat);

  std::string payload(300 * 1024, 'x');
  for (size_t i = 0; i < payload.size(); i += 997) payload[i] = static_cast<char>('a' + i % 26);
  buffer::Buffer out;
  out.add(payload);
  sender->write(out, false);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] {
    return server_events_.received.size() == payload.size();
  }));
  EXPECT_EQ(server_events_.received, payload);
  EXPECT_EQ(counter.spliced, payload.size());
  EXPECT_TRUE(source_events.received.empty());
}

TEST_F(ConnectionImplTest, ConnectToAClosedPortRaisesRemoteClose) {
  auto socket = createListenSocket(*Address::fromIp("127.0.0.1", 0), {});
  ASSERT_TRUE(socket.ok());
  Address dead = *localAddress(socket->fd());
  socket->close();
  auto client = dispatcher_->createClientConnection(dead, nullptr, std::make_unique<RawTransportSocket>());
  client->addConnectionCallbacks(client_events_);
  client->connect();
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return client_events_.has(ConnectionEvent::RemoteClose); }));
  EXPECT_FALSE(client_events_.has(ConnectionEvent::Connected));
}

TEST_F(ConnectionImplTest, WriteBufferAboveLimitRaisesHighThenLowWatermark) {
  auto client = connectClient();
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_ != nullptr; }));
  // The server stops reading, so the client's kernel buffers fill and the
  // client's own write buffer grows past its limit.
  server_->readDisable(true);
  client->setBufferLimits(64 * 1024);
  std::string chunk(256 * 1024, 'x');
  size_t sent = 0;
  while (client_events_.above == 0 && sent < 64 * 1024 * 1024) {
    buffer::Buffer out;
    out.add(chunk);
    client->write(out, false);
    sent += chunk.size();
    dispatcher_->run(event::RunType::NonBlock);
  }
  ASSERT_EQ(client_events_.above, 1);
  server_->readDisable(false);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return client_events_.below == 1; }));
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_events_.received.size() == sent; },
                                std::chrono::seconds(30)));
}

TEST_F(ConnectionImplTest, FlushWriteCloseDeliversQueuedBytesBeforeClosing) {
  auto client = connectClient();
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_ != nullptr; }));
  buffer::Buffer out;
  out.add(std::string(100000, 'z'));
  server_->write(out, false);
  server_->close(ConnectionCloseType::FlushWrite);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return client_events_.has(ConnectionEvent::RemoteClose); }));
  EXPECT_EQ(client_events_.received.size(), 100000u);
  EXPECT_TRUE(server_events_.has(ConnectionEvent::LocalClose));
}

// A plain blocking client socket, so a test controls exactly which bytes,
// FIN or reset reach the server before its loop runs.
SocketFd rawClient(const Address& address) {
  SocketFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  EXPECT_EQ(::connect(fd.fd(), address.sockAddr(), address.sockAddrLen()), 0);
  return fd;
}

// An end of stream or a reset that arrives together with bytes raises no edge
// of its own (libevent reports EPOLLERR like plain readability): reads must go
// on to EAGAIN to see them, including after a pause.
TEST_F(ConnectionImplTest, BytesAndFinArrivingTogetherDeliverBothOnAnAcceptedSocket) {
  half_close_ = true;
  SocketFd client = rawClient(address_);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_ != nullptr; }));
  ASSERT_EQ(::write(client.fd(), "last words", 10), 10);
  ASSERT_EQ(::shutdown(client.fd(), SHUT_WR), 0);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_events_.saw_end; }));
  EXPECT_EQ(server_events_.received, "last words");
}

TEST_F(ConnectionImplTest, BytesAndResetArrivingTogetherCloseTheAcceptedConnection) {
  SocketFd client = rawClient(address_);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_ != nullptr; }));
  ASSERT_EQ(::write(client.fd(), "abc", 3), 3);
  linger lin{1, 0};
  ASSERT_EQ(::setsockopt(client.fd(), SOL_SOCKET, SO_LINGER, &lin, sizeof(lin)), 0);
  client.close();  // RST
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] {
    return server_events_.has(ConnectionEvent::RemoteClose);
  }));
}

TEST_F(ConnectionImplTest, FinArrivingWhileReadsArePausedIsSeenOnResume) {
  half_close_ = true;
  SocketFd client = rawClient(address_);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_ != nullptr; }));
  ASSERT_EQ(::write(client.fd(), "x", 1), 1);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_events_.received == "x"; }));
  server_->readDisable(true);
  ASSERT_EQ(::write(client.fd(), "yz", 2), 2);
  ASSERT_EQ(::shutdown(client.fd(), SHUT_WR), 0);
  // The edge for "yz" + FIN arrives and is ignored while paused.
  for (int i = 0; i < 20; ++i) dispatcher_->run(event::RunType::NonBlock);
  EXPECT_FALSE(server_events_.saw_end);
  server_->readDisable(false);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_events_.saw_end; }));
  EXPECT_EQ(server_events_.received, "xyz");
}

TEST_F(ConnectionImplTest, AcceptedSocketWatchesWritabilityOnceTheKernelRefusesBytes) {
  SocketFd client = rawClient(address_);
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_ != nullptr; }));
  // Far more than the socket buffers hold: the server's writes hit EAGAIN
  // and must resume on writability alone, as the client drains.
  const size_t total = 16 * 1024 * 1024;
  buffer::Buffer out;
  out.add(std::string(total, 'w'));
  server_->write(out, false);
  for (int i = 0; i < 20; ++i) dispatcher_->run(event::RunType::NonBlock);
  ASSERT_LT(server_->bytesSent(), total);
  std::thread reader([&] {
    std::vector<char> buf(256 * 1024);
    size_t got = 0;
    while (got < total) {
      ssize_t n = ::read(client.fd(), buf.data(), buf.size());
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
  });
  bool all_sent = testing::runUntil(*dispatcher_, [&] { return server_->bytesSent() == total; },
                                    std::chrono::seconds(30));
  reader.join();
  EXPECT_TRUE(all_sent);
}

TEST_F(ConnectionImplTest, ReusedDescriptorNumbersAreWatchedAfresh) {
  // Closing a connection leaves its removal from epoll to close() (see
  // SocketEvent::stopBeforeClose); the next sockets get the same numbers and
  // must be registered again, or these exchanges would never complete.
  for (int i = 0; i < 50; ++i) {
    server_events_ = Recorder();
    client_events_ = Recorder();
    server_.reset();
    auto client = connectClient();
    ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] {
      return client_events_.has(ConnectionEvent::Connected) && server_ != nullptr;
    })) << "round " << i;
    buffer::Buffer out;
    out.add("ping");
    client->write(out, false);
    ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return server_events_.received == "ping"; }))
        << "round " << i;
    buffer::Buffer reply;
    reply.add("pong");
    server_->write(reply, false);
    ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return client_events_.received == "pong"; }))
        << "round " << i;
    client->close(ConnectionCloseType::NoFlush);
    ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] {
      return server_events_.has(ConnectionEvent::RemoteClose);
    })) << "round " << i;
    server_->close(ConnectionCloseType::NoFlush);
  }
}

TEST_F(ConnectionImplTest, PostRunsCallbacksFromOtherThreadsInOrder) {
  std::vector<int> order;
  std::thread t([&] {
    for (int i = 0; i < 100; ++i) dispatcher_->post([&order, i] { order.push_back(i); });
  });
  t.join();
  ASSERT_TRUE(testing::runUntil(*dispatcher_, [&] { return order.size() == 100; }));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

}  // namespace
}  // namespace remora::network
