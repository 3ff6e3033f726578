#pragma once

// Command-line options of `remora`, Envoy's names where Envoy has one.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace remora::server {

enum class Mode { Serve, Validate };

struct Options {
  Mode mode = Mode::Serve;
  std::string config_path;
  uint32_t concurrency = 0;  // 0: the number of CPUs available to the process
  std::string log_level = "info";
  std::string component_log_level;  // "upstream:debug,admin:trace"
  uint32_t drain_time_s = 600;
  bool watch_config = true;  // reload when the file changes
  // Istio's extra ports (0: off): readiness /healthz/ready and Prometheus.
  uint16_t readiness_port = 0;
  uint16_t prometheus_port = 0;
  bool show_version = false;
  bool show_help = false;
};

// Parses argv; an error names the offending flag.
Result<Options> parseOptions(int argc, const char* const* argv);
std::string usage();
std::string versionString();
// CPUs this process may run on (sched_getaffinity), at least 1.
uint32_t availableCpus();

}  // namespace remora::server
