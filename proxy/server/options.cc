#include "proxy/server/options.h"

#include <sched.h>

#include <charconv>
#include <string_view>

namespace remora::server {

namespace {
Result<uint32_t> parseUint(std::string_view flag, std::string_view text) {
  uint32_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return makeError(std::string(flag) + ": expected a non-negative integer, got '" + std::string(text) + "'");
  }
  return value;
}
}  // namespace

std::string versionString() { return "remora 0.1.0"; }

std::string usage() {
  return "Usage: remora -c FILE [options]\n"
         "  -c, --config-path FILE      bootstrap configuration (Envoy v3 YAML subset)\n"
         "      --mode serve|validate   validate: check the configuration and exit\n"
         "      --concurrency N         worker threads (default: CPUs available)\n"
         "  -l, --log-level LEVEL       trace|debug|info|warning|error|critical|off\n"
         "      --component-log-level C:L[,C:L]  per component (main, config, connection,\n"
         "                              upstream, filter, admin, tls, kv)\n"
         "      --drain-time-s N        how long SIGTERM waits for connections (default 600)\n"
         "      --no-watch              do not reload when the configuration file changes\n"
         "      --readiness-port N      serve /healthz/ready on 0.0.0.0:N (Istio: 15021)\n"
         "      --prometheus-port N     serve /stats/prometheus on 0.0.0.0:N (Istio: 15090)\n"
         "      --version               print the version and exit\n"
         "  -h, --help                  this text\n"
         "Signals: SIGTERM/SIGINT drain then exit 0; SIGHUP reloads the configuration.\n";
}

uint32_t availableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<uint32_t>(n);
  }
  return 1;
}

Result<Options> parseOptions(int argc, const char* const* argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    size_t eq = arg.find('=');
    bool has_inline = arg.rfind("--", 0) == 0 && eq != std::string_view::npos;
    if (has_inline) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto next = [&]() -> Result<std::string_view> {
      if (has_inline) return value;
      if (i + 1 >= argc) return makeError(std::string(arg) + " needs a value");
      return std::string_view(argv[++i]);
    };
    if (arg == "-c" || arg == "--config-path" || arg == "--config") {
      auto v = next();
      if (!v) return v.error();
      options.config_path = std::string(*v);
    } else if (arg == "--mode") {
      auto v = next();
      if (!v) return v.error();
      if (*v == "serve") {
        options.mode = Mode::Serve;
      } else if (*v == "validate") {
        options.mode = Mode::Validate;
      } else {
        return makeError("--mode: expected serve or validate, got '" + std::string(*v) + "'");
      }
    } else if (arg == "--concurrency") {
      auto v = next();
      if (!v) return v.error();
      auto n = parseUint(arg, *v);
      if (!n) return n.error();
      options.concurrency = *n;
    } else if (arg == "-l" || arg == "--log-level") {
      auto v = next();
      if (!v) return v.error();
      options.log_level = std::string(*v);
    } else if (arg == "--component-log-level") {
      auto v = next();
      if (!v) return v.error();
      options.component_log_level = std::string(*v);
    } else if (arg == "--drain-time-s") {
      auto v = next();
      if (!v) return v.error();
      auto n = parseUint(arg, *v);
      if (!n) return n.error();
      options.drain_time_s = *n;
    } else if (arg == "--readiness-port" || arg == "--prometheus-port") {
      auto v = next();
      if (!v) return v.error();
      auto n = parseUint(arg, *v);
      if (!n) return n.error();
      if (*n > 65535) return makeError(std::string(arg) + ": not a port: " + std::string(*v));
      (arg == "--readiness-port" ? options.readiness_port : options.prometheus_port) = static_cast<uint16_t>(*n);
    } else if (arg == "--no-watch") {
      options.watch_config = false;
    } else if (arg == "--version") {
      options.show_version = true;
    } else if (arg == "-h" || arg == "--help") {
      options.show_help = true;
    } else {
      return makeError("unknown option '" + std::string(argv[i]) + "' (see --help)");
    }
  }
  if (!options.show_help && !options.show_version && options.config_path.empty()) {
    return makeError("a configuration file is required: remora -c FILE");
  }
  if (options.concurrency == 0) options.concurrency = availableCpus();
  return options;
}

}  // namespace remora::server
