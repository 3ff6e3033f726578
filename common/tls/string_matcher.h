#pragma once

// Envoy's StringMatcher subset (exact, prefix, suffix, contains, with
// ignore_case), used for certificate SAN checks and RBAC principal names.
// Immutable value type; match() is safe on any thread.
// (Candidate to move to a common matcher folder once HTTP routing needs it.)

#include <string>
#include <string_view>

namespace remora::tls {

class StringMatcher {
 public:
  enum class Kind { Exact, Prefix, Suffix, Contains };

  StringMatcher() = default;
  StringMatcher(Kind kind, std::string value, bool ignore_case = false);
  static StringMatcher exact(std::string value) { return {Kind::Exact, std::move(value)}; }
  static StringMatcher prefix(std::string value) { return {Kind::Prefix, std::move(value)}; }
  static StringMatcher suffix(std::string value) { return {Kind::Suffix, std::move(value)}; }
  static StringMatcher contains(std::string value) { return {Kind::Contains, std::move(value)}; }

  bool match(std::string_view input) const;
  Kind kind() const { return kind_; }
  const std::string& value() const { return value_; }
  bool ignoreCase() const { return ignore_case_; }
  // "exact: spiffe://a/b" for logs and failure reasons.
  std::string describe() const;

  bool operator==(const StringMatcher& other) const = default;

 private:
  Kind kind_ = Kind::Exact;
  std::string value_;  // lower-cased when ignore_case_
  bool ignore_case_ = false;
};

}  // namespace remora::tls
