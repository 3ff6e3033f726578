// remora-kvd: an Aerospike-compatible key-value node.
//
//   remora-kvd [-c FILE] [--port N] [--threads N] [--log-level LEVEL] [--validate]
//
// Without -c it runs the embedded default: one node, namespace "test" in
// memory, service port 3000 (fabric 3001, heartbeat 3002).

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/logging/logger.h"
#include "kv/config/kvd_config.h"
#include "kv/config/kvd_config_loader.h"
#include "kv/node/node.h"
#include "kv/storage/engine_factory.h"

namespace {

constexpr auto kDrainDeadline = std::chrono::seconds(5);

void usage() {
  std::fprintf(stderr,
               "usage: remora-kvd [-c FILE] [--port N] [--threads N] [--log-level LEVEL] "
               "[--validate]\n"
               "  -c, --config FILE   YAML config (Aerospike vocabulary; see docs/kv.md)\n"
               "  --port N            service port N, fabric N+1, heartbeat N+2\n"
               "  --threads N         service (worker) threads, default: CPUs\n"
               "                      (5 x CPUs with a device namespace, as Aerospike)\n"
               "  --log-level LEVEL   trace|debug|info|warn|error|off (default info)\n"
               "  --validate          check the config and exit\n");
}

bool parseNumber(const char* text, long min, long max, long& out) {
  char* end = nullptr;
  out = std::strtol(text, &end, 10);
  return end != text && *end == '\0' && out >= min && out <= max;
}

}  // namespace

int main(int argc, char** argv) {
  // A peer that resets while we write costs EPIPE on that socket, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  using namespace remora;
  std::string config_path;
  long port = -1, threads = -1;
  bool validate = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "-c" || arg == "--config") {
      const char* v = next();
      if (v == nullptr) return usage(), 2;
      config_path = v;
    } else if (arg == "--port") {
      const char* v = next();
      if (v == nullptr || !parseNumber(v, 0, 65533, port)) return usage(), 2;
    } else if (arg == "--threads") {
      const char* v = next();
      if (v == nullptr || !parseNumber(v, 1, 256, threads)) return usage(), 2;
    } else if (arg == "--log-level") {
      const char* v = next();
      auto level = v ? logging::levelFromName(v) : std::nullopt;
      if (!level) return usage(), 2;
      logging::setLevel(*level);
    } else if (arg == "--validate") {
      validate = true;
    } else if (arg == "-h" || arg == "--help") {
      usage();
      return 0;
    } else {
      std::fprintf(stderr, "unknown argument: %s\n", arg.c_str());
      usage();
      return 2;
    }
  }

  kv::config::KvdConfig config = kv::config::defaultKvdConfig();
  if (!config_path.empty()) {
    auto loaded = kv::config::loadKvdConfigFile(config_path);
    if (!loaded) {
      std::fprintf(stderr, "%s: invalid configuration:\n%s\n", config_path.c_str(),
                   loaded.error().message.c_str());
      return 1;
    }
    config = std::move(*loaded);
  }
  if (port >= 0) kv::config::applyPortOverride(config, static_cast<uint16_t>(port));
  if (threads > 0) config.service_threads = static_cast<uint32_t>(threads);
  if (validate) {
    std::printf("configuration OK\n");
    return 0;
  }

  kv::node::Node node(std::move(config), [](const kv::storage::StorageConfig& c,
                                            kv::storage::ClockPtr clock) {
    return kv::storage::createEngine(c, std::move(clock));
  });
  if (auto st = node.init(); !st) {
    std::fprintf(stderr, "remora-kvd: init failed: %s\n", st.error().message.c_str());
    return 1;
  }
  if (auto st = node.start(); !st) {
    std::fprintf(stderr, "remora-kvd: start failed: %s\n", st.error().message.c_str());
    return 1;
  }
  // Scripts wait for this line before connecting.
  std::printf("remora-kvd listening on port %u\n", node.servicePort());
  std::fflush(stdout);
  node.run();
  const bool drained = node.drain(kDrainDeadline);
  auto st = node.shutdown();
  if (!st) {
    std::fprintf(stderr, "remora-kvd: shutdown: %s\n", st.error().message.c_str());
    return 1;
  }
  if (!drained) std::fprintf(stderr, "remora-kvd: drain deadline passed; closed the rest\n");
  return 0;
}
