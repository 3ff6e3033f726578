#pragma once

// spdlog loggers, one per component, each with its own level (Envoy's
// --component-log-level and /logging). Loggers write to stderr.
//
//   REMORA_LOG(info, Component::Upstream, "connecting to {}", host);
//
// LEVEL is an spdlog level name: trace, debug, info, warn, err, critical.

#include <spdlog/spdlog.h>

#include <array>
#include <optional>
#include <string_view>

namespace remora::logging {

enum class Component : int {
  Main,
  Config,
  Connection,
  Upstream,
  Filter,
  Admin,
  Tls,
  Kv,
  Iptables,
  Count
};

std::string_view componentName(Component component);
std::optional<Component> componentFromName(std::string_view name);
spdlog::logger& logger(Component component);
// Sets every component's level.
void setLevel(spdlog::level::level_enum level);
void setLevel(Component component, spdlog::level::level_enum level);
// Parses "trace|debug|info|warning|warn|error|critical|off".
std::optional<spdlog::level::level_enum> levelFromName(std::string_view name);

}  // namespace remora::logging

#define REMORA_LOG(LEVEL, COMPONENT, ...)                                            \
  do {                                                                               \
    auto& remora_logger_ = ::remora::logging::logger(COMPONENT);                     \
    if (remora_logger_.should_log(spdlog::level::LEVEL)) {                           \
      remora_logger_.log(spdlog::level::LEVEL, __VA_ARGS__);                         \
    }                                                                                \
  } while (false)
