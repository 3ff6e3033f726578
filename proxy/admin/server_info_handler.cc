#include "proxy/admin/server_info_handler.h"

#include <string>
#include <utility>

#include "proxy/admin/json_text.h"

namespace remora::admin {

AdminHandler makeServerInfoHandler(ServerInfo info) {
  return [info = std::move(info)](const AdminRequest&) {
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - info.start_time);
    // There is no hot restart, so the current epoch is the only one.
    std::string uptime_text = jsonQuote(std::to_string(uptime.count()) + "s");
    std::string body = "{\n";
    body += " \"version\": " + jsonQuote(info.version) + ",\n";
    body += " \"state\": " + jsonQuote(serverStateName(info.currentState())) + ",\n";
    body += " \"uptime_current_epoch\": " + uptime_text + ",\n";
    body += " \"uptime_all_epochs\": " + uptime_text + ",\n";
    body += " \"command_line_options\": {";
    const char* separator = "\n";
    for (const auto& [name, value] : info.command_line_options) {
      body += separator;
      body += "  " + jsonQuote(name) + ": " + jsonQuote(value);
      separator = ",\n";
    }
    body += info.command_line_options.empty() ? "}\n" : "\n }\n";
    body += "}\n";
    AdminResponse response;
    response.content_type = "application/json";
    response.body = std::move(body);
    return response;
  };
}

AdminHandler makeReadyHandler(ServerInfo info) {
  return [info = std::move(info)](const AdminRequest&) {
    ServerState state = info.currentState();
    AdminResponse response;
    response.status = state == ServerState::Live ? 200 : 503;
    response.body = std::string(serverStateName(state)) + "\n";
    return response;
  };
}

}  // namespace remora::admin
