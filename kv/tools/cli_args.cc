#include "kv/tools/cli_args.h"

#include <charconv>
#include <cstdlib>

namespace remora::kv::tools {

client::Value inferValue(const std::string& text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front()) {
    return client::Value(text.substr(1, text.size() - 2));
  }
  int64_t i = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), i);
  if (!text.empty() && r.ec == std::errc() && r.ptr == text.data() + text.size()) {
    return client::Value(i);
  }
  if (!text.empty() && text.find_first_not_of("+-0123456789.eE") == std::string::npos) {
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    if (end == text.c_str() + text.size()) return client::Value(d);
  }
  return client::Value(text);
}

Result<client::Value> hexBytes(const std::string& hex) {
  std::string s = hex.rfind("0x", 0) == 0 ? hex.substr(2) : hex;
  if (s.size() % 2 != 0) return makeError("hex value of odd length: " + hex);
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) {
    unsigned v = 0;
    auto r = std::from_chars(s.data() + i, s.data() + i + 2, v, 16);
    if (r.ec != std::errc() || r.ptr != s.data() + i + 2) return makeError("not hex: " + hex);
    out.push_back(static_cast<char>(v));
  }
  return client::Value(client::Bytes{out});
}

Result<CliArgs> parseCliArgs(int argc, const char* const* argv) {
  CliArgs a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= argc) return makeError(arg + " needs a value");
      return std::string(argv[++i]);
    };
    auto number = [&](uint32_t& out) -> Status {
      auto v = value();
      if (!v) return v.error();
      auto r = std::from_chars(v->data(), v->data() + v->size(), out);
      if (r.ec != std::errc() || r.ptr != v->data() + v->size()) {
        return makeError(arg + ": not a number: " + *v);
      }
      return okStatus();
    };
    Status st = okStatus();
    if (arg == "-h" || arg == "--host") {
      auto v = value();
      if (!v) return v.error();
      a.host = *v;
      if (a.host.find(':') == std::string::npos) a.host += ":3000";
    } else if (arg == "-n" || arg == "--namespace") {
      auto v = value();
      if (!v) return v.error();
      a.ns = *v;
    } else if (arg == "-s" || arg == "--set") {
      auto v = value();
      if (!v) return v.error();
      a.set = *v;
    } else if (arg == "-k" || arg == "--key") {
      auto v = value();
      if (!v) return v.error();
      a.key = *v;
    } else if (arg == "--int-key") {
      a.key_is_int = true;
    } else if (arg == "--bytes") {
      a.bytes = true;
    } else if (arg == "--ttl") {
      st = number(a.ttl);
    } else if (arg == "--timeout") {
      st = number(a.timeout_ms);
    } else if (!arg.empty() && arg[0] == '-') {
      return makeError("unknown option " + arg);
    } else if (a.command.empty()) {
      a.command = arg;
    } else if (a.command == "info") {
      a.info_commands.push_back(arg);
    } else {
      a.bins.push_back(arg);
    }
    if (!st) return st.error();
  }
  static const std::vector<std::string> kCommands = {"get", "put", "delete", "exists", "info",
                                                     "scan"};
  bool known = false;
  for (const auto& c : kCommands) known = known || c == a.command;
  if (!known) return makeError(a.command.empty() ? "no command given" : "unknown command " + a.command);
  const bool needs_key = a.command == "get" || a.command == "put" || a.command == "delete" ||
                         a.command == "exists";
  if (needs_key && a.key.empty()) return makeError(a.command + " needs -k KEY");
  if (a.command == "put") {
    if (a.bins.empty()) return makeError("put needs at least one bin name=value");
    for (const auto& b : a.bins) {
      if (b.find('=') == std::string::npos || b.front() == '=') {
        return makeError("bin must be name=value: " + b);
      }
    }
  }
  return a;
}

}  // namespace remora::kv::tools
