#pragma once

// The info protocol (proto type 1): newline-terminated ASCII commands in the
// request; for each, "<request line>\t<value>\n" in the reply (reference §2).
// Pure functions, callable from any thread.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kv/protocol/result_code.h"

namespace remora::kv::protocol {

struct InfoCommand {
  std::string_view line;  // the whole request line, echoed back verbatim
  std::string_view name;  // up to the first '/', ':' or ';'
  std::string_view args;  // after that separator ("" if none)
  char separator = '\0';  // the separator itself, '\0' if none
};

// Splits a request body into commands. Empty lines are skipped; a last line
// without '\n' still counts. Borrowed views into `body`.
std::vector<InfoCommand> parseInfoRequest(std::string_view body);

// "k=v;k=v" → map (later keys win; a key without '=' maps to "").
std::map<std::string, std::string, std::less<>> parseInfoParams(std::string_view args);

// Appends "<line>\t<value>\n".
void appendInfoReply(std::string& out, std::string_view line, std::string_view value);
// "ERROR:<code>:<message>" as the real server writes it.
std::string infoErrorValue(ResultCode code, std::string_view message);

// Splits a reply body into (line, value) pairs. A line without '\t' has an
// empty value.
std::vector<std::pair<std::string, std::string>> parseInfoReply(std::string_view body);

// Client side: whether a value is an error per as_info_validate ("ERROR:",
// "FAIL:", "error="). On error, fills `code` (1 when absent) and `message`.
bool infoValueIsError(std::string_view value, int* code, std::string* message);

}  // namespace remora::kv::protocol
