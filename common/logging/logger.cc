#include "common/logging/logger.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <memory>
#include <mutex>

namespace remora::logging {

namespace {
constexpr std::array<std::string_view, static_cast<size_t>(Component::Count)> kNames = {
    "main", "config", "connection", "upstream", "filter", "admin", "tls", "kv", "iptables"};

std::array<std::shared_ptr<spdlog::logger>, static_cast<size_t>(Component::Count)>& loggers() {
  static auto* all = [] {
    auto* array = new std::array<std::shared_ptr<spdlog::logger>, static_cast<size_t>(Component::Count)>();
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    for (size_t i = 0; i < kNames.size(); ++i) {
      (*array)[i] = std::make_shared<spdlog::logger>(std::string(kNames[i]), sink);
      (*array)[i]->set_pattern("[%Y-%m-%d %T.%e][%t][%l][%n] %v");
      (*array)[i]->set_level(spdlog::level::info);
    }
    return array;
  }();
  return *all;
}
}  // namespace

std::string_view componentName(Component component) {
  return kNames[static_cast<size_t>(component)];
}

std::optional<Component> componentFromName(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Component>(i);
  }
  return std::nullopt;
}

spdlog::logger& logger(Component component) { return *loggers()[static_cast<size_t>(component)]; }

void setLevel(spdlog::level::level_enum level) {
  for (auto& l : loggers()) l->set_level(level);
}

void setLevel(Component component, spdlog::level::level_enum level) {
  logger(component).set_level(level);
}

std::optional<spdlog::level::level_enum> levelFromName(std::string_view name) {
  if (name == "trace") return spdlog::level::trace;
  if (name == "debug") return spdlog::level::debug;
  if (name == "info") return spdlog::level::info;
  if (name == "warning" || name == "warn") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  if (name == "critical") return spdlog::level::critical;
  if (name == "off") return spdlog::level::off;
  return std::nullopt;
}

}  // namespace remora::logging
