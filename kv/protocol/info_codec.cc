#include "kv/protocol/info_codec.h"

#include <charconv>

namespace remora::kv::protocol {

std::vector<InfoCommand> parseInfoRequest(std::string_view body) {
  std::vector<InfoCommand> out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    InfoCommand cmd;
    cmd.line = line;
    const size_t sep = line.find_first_of("/:;");
    if (sep == std::string_view::npos) {
      cmd.name = line;
    } else {
      cmd.name = line.substr(0, sep);
      cmd.args = line.substr(sep + 1);
      cmd.separator = line[sep];
    }
    out.push_back(cmd);
  }
  return out;
}

std::map<std::string, std::string, std::less<>> parseInfoParams(std::string_view args) {
  std::map<std::string, std::string, std::less<>> out;
  size_t pos = 0;
  while (pos <= args.size()) {
    size_t end = args.find(';', pos);
    if (end == std::string_view::npos) end = args.size();
    std::string_view kv = args.substr(pos, end - pos);
    if (!kv.empty()) {
      const size_t eq = kv.find('=');
      if (eq == std::string_view::npos) {
        out[std::string(kv)] = "";
      } else {
        out[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
      }
    }
    pos = end + 1;
  }
  return out;
}

void appendInfoReply(std::string& out, std::string_view line, std::string_view value) {
  out.append(line);
  out.push_back('\t');
  out.append(value);
  out.push_back('\n');
}

std::string infoErrorValue(ResultCode code, std::string_view message) {
  return "ERROR:" + std::to_string(toWire(code)) + ":" + std::string(message);
}

std::vector<std::pair<std::string, std::string>> parseInfoReply(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) {
      out.emplace_back(std::string(line), std::string());
    } else {
      out.emplace_back(std::string(line.substr(0, tab)), std::string(line.substr(tab + 1)));
    }
  }
  return out;
}

bool infoValueIsError(std::string_view value, int* code, std::string* message) {
  auto fill = [&](int c, std::string_view m) {
    if (code != nullptr) *code = c;
    if (message != nullptr) *message = std::string(m);
    return true;
  };
  if (value.starts_with("ERROR:")) {
    std::string_view rest = value.substr(6);
    const size_t colon = rest.find(':');
    std::string_view code_text = colon == std::string_view::npos ? rest : rest.substr(0, colon);
    std::string_view msg = colon == std::string_view::npos ? "" : rest.substr(colon + 1);
    int c = 0;
    std::from_chars(code_text.data(), code_text.data() + code_text.size(), c);
    return fill(c == 0 ? toWire(ResultCode::kServerError) : c, msg);
  }
  if (value.starts_with("FAIL:") || value.starts_with("error=")) {
    return fill(toWire(ResultCode::kServerError), value);
  }
  return false;
}

}  // namespace remora::kv::protocol
