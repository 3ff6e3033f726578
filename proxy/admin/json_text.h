#pragma once

// The little JSON the admin endpoints write by hand. Pure functions.

#include <string>
#include <string_view>

namespace remora::admin {

// `text` as a quoted JSON string, with control characters, quotes and
// backslashes escaped. Bytes >= 0x80 pass through (UTF-8 stays UTF-8).
std::string jsonQuote(std::string_view text);

}  // namespace remora::admin
