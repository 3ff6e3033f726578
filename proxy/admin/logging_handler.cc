#include "proxy/admin/logging_handler.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/logging/logger.h"

namespace remora::admin {

namespace {
constexpr std::string_view kUsage =
    "usage: POST /logging?level=<level> or /logging?<component>=<level>\n"
    "levels: trace, debug, info, warning, error, critical, off\n";

std::string activeLoggers() {
  std::string out = "active loggers:\n";
  for (int i = 0; i < static_cast<int>(logging::Component::Count); ++i) {
    auto component = static_cast<logging::Component>(i);
    auto level = logging::logger(component).level();
    out += "  " + std::string(logging::componentName(component)) + ": " +
           std::string(spdlog::level::to_string_view(level).data(),
                       spdlog::level::to_string_view(level).size()) +
           "\n";
  }
  return out;
}

AdminResponse badRequest(const std::string& reason) {
  AdminResponse response;
  response.status = 400;
  response.body = "error: " + reason + "\n\n" + std::string(kUsage) + "\n" + activeLoggers();
  return response;
}
}  // namespace

AdminHandler makeLoggingHandler() {
  return [](const AdminRequest& request) {
    if (request.query.empty()) {
      AdminResponse response;
      response.body = activeLoggers();
      return response;
    }
    if (request.method != "POST") {
      AdminResponse response;
      response.status = 405;
      response.body = "Method " + request.method + " not allowed, POST required.\n";
      response.headers.emplace_back("allow", "POST");
      return response;
    }
    // Everything is checked before anything changes, so a typo in one
    // parameter does not leave a half-applied request behind.
    std::optional<spdlog::level::level_enum> all_level;
    std::vector<std::pair<logging::Component, spdlog::level::level_enum>> changes;
    for (const auto& [key, value] : request.query) {
      auto level = logging::levelFromName(value);
      if (!level) return badRequest("unknown level '" + value + "'");
      if (key == "level") {
        all_level = *level;
        continue;
      }
      auto component = logging::componentFromName(key);
      if (!component) return badRequest("unknown logger name '" + key + "'");
      changes.emplace_back(*component, *level);
    }
    if (all_level) logging::setLevel(*all_level);
    for (const auto& [component, level] : changes) logging::setLevel(component, level);
    AdminResponse response;
    response.body = activeLoggers();
    return response;
  };
}

}  // namespace remora::admin
