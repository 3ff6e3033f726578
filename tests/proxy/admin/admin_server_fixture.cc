#include "tests/proxy/admin/admin_server_fixture.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "proxy/admin/builtin_handlers.h"
#include "tests/test_support/wait.h"

namespace remora::admin::test {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// POSIX single-quoting for the shell popen runs.
std::string shellQuote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}
}  // namespace

std::vector<WireResponse> parseResponses(const std::string& bytes) {
  std::vector<WireResponse> out;
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t head_end = bytes.find("\r\n\r\n", pos);
    if (head_end == std::string::npos) break;
    WireResponse response;
    response.head = lower(bytes.substr(pos, head_end - pos));
    if (response.head.rfind("http/1.1 ", 0) != 0) break;
    response.status = std::atoi(response.head.c_str() + 9);
    size_t body_start = head_end + 4;
    if (response.status < 200) {
      pos = body_start;
      continue;
    }
    size_t length = 0;
    size_t cl = response.head.find("content-length: ");
    if (cl != std::string::npos) length = std::stoul(response.head.substr(cl + 16));
    if (bytes.size() - body_start < length) break;
    response.body = bytes.substr(body_start, length);
    pos = body_start + length;
    out.push_back(std::move(response));
  }
  return out;
}

RawClient::RawClient(const network::Address& address) {
  fd_ = ::socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  // A loopback connect to a listening socket completes in the kernel's
  // backlog, without the server's loop turning.
  if (::connect(fd_, address.sockAddr(), address.sockAddrLen()) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

void RawClient::pump() {
  if (fd_ < 0) return;
  while (!outbound_.empty()) {
    ssize_t n = ::send(fd_, outbound_.data(), outbound_.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    outbound_.erase(0, static_cast<size_t>(n));
  }
  char chunk[16384];
  while (!closed_) {
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n > 0) {
      received_.append(chunk, static_cast<size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      closed_ = true;
    } else {
      break;
    }
  }
}

void RawClient::shutdownWrite() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

void AdminServerTest::SetUp() {
  dispatcher_ = event::createDispatcher("admin-test");
  store_.counter("cluster.web.upstream_cx_total").inc(7);
  store_.gauge("cluster.web.upstream_cx_active").set(2);
  store_.counter("listener.127.0.0.1_15001.downstream_cx_total").inc(3);
  info_.version = "remora/test";
  info_.command_line_options = {{"concurrency", "1"}};
  info_.state = [this] { return state_; };
  AdminServerOptions options;
  options.address = *network::Address::fromIp("127.0.0.1", 0);
  restart(options);
}

void AdminServerTest::TearDown() {
  server_.reset();
  dispatcher_->run(event::RunType::NonBlock);
}

void AdminServerTest::restart(AdminServerOptions options) {
  server_.reset();
  auto server = AdminServer::create(*dispatcher_, store_, std::move(options));
  ASSERT_TRUE(server.ok()) << server.error().message;
  server_ = std::move(*server);
  ASSERT_TRUE(addBuiltinHandlers(*server_, store_, info_));
}

std::string AdminServerTest::url(const std::string& path_and_query) const {
  return "http://" + server_->address().toString() + path_and_query;
}

CurlResult AdminServerTest::curl(const std::vector<std::string>& args) {
  std::string command = "curl -sS -i --max-time 10 --noproxy '*'";
  for (const auto& arg : args) command += " " + shellQuote(arg);
  auto future = std::async(std::launch::async, [command] {
    CurlResult result;
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    char chunk[4096];
    size_t n;
    while ((n = std::fread(chunk, 1, sizeof(chunk), pipe)) > 0) result.output.append(chunk, n);
    int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
  });
  bool done = remora::testing::runUntil(
      *dispatcher_,
      [&] { return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready; },
      std::chrono::seconds(20));
  EXPECT_TRUE(done) << command;
  CurlResult result = future.get();
  result.responses = parseResponses(result.output);
  return result;
}

std::vector<WireResponse> AdminServerTest::awaitResponses(RawClient& client, size_t count) {
  remora::testing::runUntil(*dispatcher_, [&] {
    client.pump();
    return client.closedByPeer() || parseResponses(client.received()).size() >= count;
  });
  return parseResponses(client.received());
}

bool AdminServerTest::awaitClosed(RawClient& client) {
  return remora::testing::runUntil(*dispatcher_, [&] {
    client.pump();
    return client.closedByPeer();
  });
}

}  // namespace remora::admin::test
