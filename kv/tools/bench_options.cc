#include "kv/tools/bench_options.h"

#include <charconv>
#include <cstdlib>

namespace remora::kv::tools {

namespace {

template <class T>
bool parseInt(const std::string& s, T& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

Result<BenchOptions> parseBenchOptions(int argc, const char* const* argv) {
  BenchOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return makeError(arg + " needs a value");
    const std::string v = argv[++i];
    bool ok = true;
    if (arg == "-h" || arg == "--hosts") {
      o.host = v.find(':') == std::string::npos ? v + ":3000" : v;
    } else if (arg == "-n" || arg == "--namespace") {
      o.ns = v;
    } else if (arg == "-s" || arg == "--set") {
      o.set = v;
    } else if (arg == "-k" || arg == "--keys") {
      ok = parseInt(v, o.keys) && o.keys > 0;
    } else if (arg == "--start-key") {
      ok = parseInt(v, o.start_key);
    } else if (arg == "-o" || arg == "--object-size") {
      ok = parseInt(v, o.object_size) && o.object_size > 0;
    } else if (arg == "-w" || arg == "--workload") {
      if (v == "I") {
        o.insert = true;
      } else if (v.rfind("RU,", 0) == 0) {
        ok = parseInt(v.substr(3), o.read_pct) && o.read_pct <= 100;
      } else {
        ok = false;
      }
    } else if (arg == "-z" || arg == "--threads" || arg == "--concurrency") {
      ok = parseInt(v, o.threads) && o.threads > 0 && o.threads <= 4096;
    } else if (arg == "-g" || arg == "--throughput") {
      ok = parseInt(v, o.target_tps);
    } else if (arg == "-d" || arg == "--duration") {
      ok = parseInt(v, o.duration_s) && o.duration_s > 0;
    } else if (arg == "--max-error-pct") {
      char* end = nullptr;
      o.max_error_pct = std::strtod(v.c_str(), &end);
      ok = end == v.c_str() + v.size() && o.max_error_pct >= 0;
    } else if (arg == "--timeout") {
      ok = parseInt(v, o.timeout_ms);
    } else if (arg == "--write-policy") {
      ok = v == "update" || v == "replace";
      o.replace = v == "replace";
    } else {
      return makeError("unknown option " + arg);
    }
    if (!ok) return makeError("bad value for " + arg + ": " + v);
  }
  return o;
}

}  // namespace remora::kv::tools
