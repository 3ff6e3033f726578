#pragma once

// Parses the peers-clear-std reply (reference §3.3):
//   <generation>,<default-port>,[[<node>,<tls-name>,[<host>[:<port>],...]],...]

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace remora::kv::client {

struct Peer {
  std::string node_name;
  std::vector<std::string> hosts;  // "host:port" ("[v6]:port"), default port applied
};

struct PeersReply {
  uint32_t generation = 0;
  std::vector<Peer> peers;
};

Result<PeersReply> parsePeers(std::string_view value);

}  // namespace remora::kv::client
