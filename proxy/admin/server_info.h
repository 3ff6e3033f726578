#pragma once

// What the server tells the admin endpoints about itself (/server_info,
// /ready, /healthz/ready). Filled in by the server in main; the admin server
// keeps a copy.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace remora::admin {

// Envoy's envoy.admin.v3.ServerInfo.State.
enum class ServerState { PreInitializing, Initializing, Live, Draining };

// "PRE_INITIALIZING", "INITIALIZING", "LIVE", "DRAINING".
std::string_view serverStateName(ServerState state);

struct ServerInfo {
  // e.g. "remora/0.1.0/Release".
  std::string version;
  // Uptime is measured from here.
  std::chrono::steady_clock::time_point start_time = std::chrono::steady_clock::now();
  // The effective command-line options as name/value pairs, shown in this
  // order ({"concurrency", "2"}, {"config_path", "/etc/remora.yaml"}, ...).
  std::vector<std::pair<std::string, std::string>> command_line_options;
  // The current state, asked on every /ready and /server_info (main thread).
  // Ready means Live: initialised, not draining, health checks not failed.
  // Unset means Live.
  std::function<ServerState()> state;

  ServerState currentState() const { return state ? state() : ServerState::Live; }
};

}  // namespace remora::admin
