#pragma once

// The matcher tree of an RBAC policy (Envoy's Principal and Permission
// messages). Each matcher is immutable and answers one question about an
// Attributes; composite matchers (and/or/not) own their children. Built once
// by the config parser, shared read-only by all workers.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/network/address.h"
#include "common/tls/string_matcher.h"
#include "filters/common/rbac/rbac_attributes.h"

namespace remora::filters::rbac {

class Matcher {
 public:
  virtual ~Matcher() = default;
  virtual bool matches(const Attributes& attributes) const = 0;
};
using MatcherConstPtr = std::unique_ptr<const Matcher>;

// any: true
class AnyMatcher : public Matcher {
 public:
  bool matches(const Attributes&) const override { return true; }
};

// and_ids / and_rules: all children match (true when empty, as in Envoy).
class AndMatcher : public Matcher {
 public:
  explicit AndMatcher(std::vector<MatcherConstPtr> children) : children_(std::move(children)) {}
  bool matches(const Attributes& attributes) const override;

 private:
  std::vector<MatcherConstPtr> children_;
};

// or_ids / or_rules and a policy's list: any child matches.
class OrMatcher : public Matcher {
 public:
  explicit OrMatcher(std::vector<MatcherConstPtr> children) : children_(std::move(children)) {}
  bool matches(const Attributes& attributes) const override;

 private:
  std::vector<MatcherConstPtr> children_;
};

// not_id / not_rule
class NotMatcher : public Matcher {
 public:
  explicit NotMatcher(MatcherConstPtr child) : child_(std::move(child)) {}
  bool matches(const Attributes& attributes) const override { return !child_->matches(attributes); }

 private:
  MatcherConstPtr child_;
};

// authenticated: a TLS peer whose certificate was verified; with
// principal_name, one of its URI SANs (or, without URI SANs, its subject)
// must match.
class AuthenticatedMatcher : public Matcher {
 public:
  explicit AuthenticatedMatcher(std::optional<tls::StringMatcher> principal_name)
      : principal_name_(std::move(principal_name)) {}
  bool matches(const Attributes& attributes) const override;

 private:
  std::optional<tls::StringMatcher> principal_name_;
};

// remote_ip, direct_remote_ip, destination_ip
class IpMatcher : public Matcher {
 public:
  enum class Source { Remote, DirectRemote, Destination };
  IpMatcher(network::CidrRange range, Source source) : range_(std::move(range)), source_(source) {}
  bool matches(const Attributes& attributes) const override;

 private:
  network::CidrRange range_;
  Source source_;
};

// destination_port, destination_port_range ([start, end), as in Envoy).
class PortRangeMatcher : public Matcher {
 public:
  PortRangeMatcher(uint32_t start, uint32_t end) : start_(start), end_(end) {}
  bool matches(const Attributes& attributes) const override;

 private:
  uint32_t start_;
  uint32_t end_;
};

// requested_server_name
class ServerNameMatcher : public Matcher {
 public:
  explicit ServerNameMatcher(tls::StringMatcher matcher) : matcher_(std::move(matcher)) {}
  bool matches(const Attributes& attributes) const override {
    return matcher_.match(attributes.requestedServerName());
  }

 private:
  tls::StringMatcher matcher_;
};

// header (HTTP): present_match or string_match on the value, optionally
// inverted. A header that is absent matches only an inverted matcher.
class HeaderMatcher : public Matcher {
 public:
  HeaderMatcher(std::string lower_case_name, std::optional<tls::StringMatcher> value, bool invert)
      : name_(std::move(lower_case_name)), value_(std::move(value)), invert_(invert) {}
  bool matches(const Attributes& attributes) const override;

 private:
  std::string name_;
  std::optional<tls::StringMatcher> value_;  // nullopt: presence only
  bool invert_;
};

// url_path (HTTP): the path without query string.
class PathMatcher : public Matcher {
 public:
  explicit PathMatcher(tls::StringMatcher matcher) : matcher_(std::move(matcher)) {}
  bool matches(const Attributes& attributes) const override;

 private:
  tls::StringMatcher matcher_;
};

}  // namespace remora::filters::rbac
