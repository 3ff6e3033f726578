#pragma once

// A tiny authoritative DNS server on 127.0.0.1 UDP for tests: answers A
// queries from a table the test changes at will, AAAA with no records, and
// unknown names with NXDOMAIN. Runs on the test's dispatcher.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/event/dispatcher.h"

namespace remora::upstream::testing {

class FakeDnsServer {
 public:
  explicit FakeDnsServer(event::Dispatcher& dispatcher) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    event_ = dispatcher.createFileEvent(
        fd_, [this](uint32_t) { onReadable(); }, event::FileTriggerType::Level,
        event::FileReady::kRead);
  }
  ~FakeDnsServer() {
    event_.reset();
    ::close(fd_);
  }

  // "127.0.0.1:PORT" for dns_resolvers.
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Replaces the A records of `name` (lower case); an empty list removes it.
  void setA(const std::string& name, std::vector<std::string> ips) {
    if (ips.empty()) {
      records_.erase(name);
    } else {
      records_[name] = std::move(ips);
    }
  }
  size_t queries() const { return queries_; }

 private:
  void onReadable() {
    uint8_t query[512];
    sockaddr_in from{};
    socklen_t from_len = sizeof(from);
    ssize_t n =
        ::recvfrom(fd_, query, sizeof(query), 0, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 12) return;
    ++queries_;
    // The question: labels, then type and class.
    size_t pos = 12;
    std::string name;
    while (pos < static_cast<size_t>(n) && query[pos] != 0) {
      size_t len = query[pos++];
      if (!name.empty()) name += '.';
      for (size_t i = 0; i < len && pos < static_cast<size_t>(n); ++i) {
        name += static_cast<char>(std::tolower(query[pos++]));
      }
    }
    pos += 1;
    if (pos + 4 > static_cast<size_t>(n)) return;
    uint16_t qtype = static_cast<uint16_t>(query[pos] << 8 | query[pos + 1]);
    size_t question_end = pos + 4;

    std::vector<uint8_t> reply(query, query + question_end);  // header + question, echoed
    auto it = records_.find(name);
    std::vector<std::string> answers;
    if (it != records_.end() && qtype == 1) answers = it->second;
    reply[2] = 0x84 | (query[2] & 0x01);                            // QR, AA, copy RD
    reply[3] = it == records_.end() ? 0x03 : 0x00;                  // NXDOMAIN or NOERROR
    reply[4] = 0, reply[5] = 1;                                     // QDCOUNT
    reply[6] = 0, reply[7] = static_cast<uint8_t>(answers.size());  // ANCOUNT
    std::fill(reply.begin() + 8, reply.begin() + 12, 0);
    for (const auto& ip : answers) {
      in_addr a{};
      ::inet_pton(AF_INET, ip.c_str(), &a);
      const uint8_t* b = reinterpret_cast<const uint8_t*>(&a.s_addr);
      uint8_t rr[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, b[0], b[1], b[2], b[3]};  // TTL 1s
      reply.insert(reply.end(), rr, rr + sizeof(rr));
    }
    ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), from_len);
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  event::FileEventPtr event_;
  std::map<std::string, std::vector<std::string>> records_;
  size_t queries_ = 0;
};

}  // namespace remora::upstream::testing
