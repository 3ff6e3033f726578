#pragma once

// Command-line parsing of remora-kv, kept apart from main so it can be
// tested: bins "name=value" infer int, double or string (quote to force a
// string, --bytes for hex blobs).

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "kv/client/value.h"

namespace remora::kv::tools {

struct CliArgs {
  std::string command;  // get | put | delete | info | scan | exists
  std::string host = "127.0.0.1:3000";
  std::string ns = "test";
  std::string set;
  std::string key;
  bool key_is_int = false;  // -k with --int-key
  bool bytes = false;       // bin values are hex blobs
  uint32_t ttl = 0;
  uint32_t timeout_ms = 1000;
  std::vector<std::string> bins;  // put: name=value; get: names
  std::vector<std::string> info_commands;
};

Result<CliArgs> parseCliArgs(int argc, const char* const* argv);
// "42" → int, "1.5" → double, "'42'" or "\"42\"" → string "42", else string.
client::Value inferValue(const std::string& text);
Result<client::Value> hexBytes(const std::string& hex);

}  // namespace remora::kv::tools
