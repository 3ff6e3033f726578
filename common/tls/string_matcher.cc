#include "common/tls/string_matcher.h"

#include <algorithm>
#include <cctype>

namespace remora::tls {
namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
}  // namespace

StringMatcher::StringMatcher(Kind kind, std::string value, bool ignore_case)
    : kind_(kind), value_(ignore_case ? lower(value) : std::move(value)), ignore_case_(ignore_case) {}

bool StringMatcher::match(std::string_view input) const {
  std::string folded;
  if (ignore_case_) {
    folded = lower(input);
    input = folded;
  }
  switch (kind_) {
    case Kind::Exact:
      return input == value_;
    case Kind::Prefix:
      return input.starts_with(value_);
    case Kind::Suffix:
      return input.ends_with(value_);
    case Kind::Contains:
      return input.find(value_) != std::string_view::npos;
  }
  return false;
}

std::string StringMatcher::describe() const {
  const char* name = "exact";
  switch (kind_) {
    case Kind::Exact: name = "exact"; break;
    case Kind::Prefix: name = "prefix"; break;
    case Kind::Suffix: name = "suffix"; break;
    case Kind::Contains: name = "contains"; break;
  }
  return std::string(name) + ": " + value_ + (ignore_case_ ? " (ignore_case)" : "");
}

}  // namespace remora::tls
