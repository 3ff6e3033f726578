#pragma once

// Typed, validating access to YAML documents. Every error carries the YAML
// path, line and column, and errors are collected (never thrown) so a whole
// file is reported at once. yaml-cpp's exceptions stay inside config/.
//
//   config::ErrorList errors;
//   auto doc = config::loadYamlFile(path, errors);
//   config::MapReader r(*doc, errors);
//   auto port = r.integer("port", 1, 65535).value_or(3000);
//   auto timeout = r.duration("connect_timeout");
//   r.finish();  // reports every key that was not read as unknown
//   if (!errors.empty()) { print(errors.toString()); }

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace remora::config {

struct ConfigError {
  std::string path;  // "static_resources.listeners[0].name"
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;
  std::string message;
  // "path: message (line L, col C)"
  std::string toString() const;
};

class ErrorList {
 public:
  void add(std::string path, int line, int column, std::string message);
  bool empty() const { return errors_.empty(); }
  size_t size() const { return errors_.size(); }
  const std::vector<ConfigError>& errors() const { return errors_; }
  // One error per line.
  std::string toString() const;

 private:
  std::vector<ConfigError> errors_;
};

// A YAML node with its path in the document.
class YamlNode {
 public:
  YamlNode(YAML::Node node, std::string path) : node_(std::move(node)), path_(std::move(path)) {}

  const YAML::Node& raw() const { return node_; }
  const std::string& path() const { return path_; }
  int line() const { return node_.Mark().line + 1; }
  int column() const { return node_.Mark().column + 1; }
  bool isMap() const { return node_.IsMap(); }
  bool isSequence() const { return node_.IsSequence(); }
  bool isScalar() const { return node_.IsScalar(); }
  bool isNull() const { return !node_.IsDefined() || node_.IsNull(); }
  std::string scalar() const { return node_.IsScalar() ? node_.Scalar() : std::string(); }

  // Records an error at this node.
  void error(ErrorList& errors, std::string message) const;

  // Elements of a sequence (empty, with an error, if this is not one).
  std::vector<YamlNode> elements(ErrorList& errors) const;

  // Scalar conversions that report a typed error at this node on failure.
  std::optional<std::string> asString(ErrorList& errors) const;
  std::optional<int64_t> asInteger(ErrorList& errors, int64_t min, int64_t max) const;
  std::optional<double> asDouble(ErrorList& errors, double min, double max) const;
  std::optional<bool> asBool(ErrorList& errors) const;
  // "5s", "0.25s", "100ms", "1m", "2h" (protobuf Duration's YAML form plus ms/m/h);
  // bounded to [0, max].
  std::optional<std::chrono::milliseconds> asDuration(
      ErrorList& errors, std::chrono::milliseconds max = std::chrono::hours(24 * 365)) const;
  // Byte sizes: an integer, or with a K/M/G suffix (1024-based), e.g. "1M".
  std::optional<uint64_t> asSize(ErrorList& errors, uint64_t min, uint64_t max) const;

 private:
  YAML::Node node_;
  std::string path_;
};

// Reads the keys of a map node. Each key read is remembered; finish() reports
// every other key as "unknown field" so nothing is silently ignored.
class MapReader {
 public:
  MapReader(const YamlNode& node, ErrorList& errors);
  ~MapReader();
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  bool valid() const { return valid_; }
  const YamlNode& node() const { return node_; }
  bool has(std::string_view key) const;

  // Each getter returns nullopt when the key is absent (an error if
  // `required`) or malformed (always an error).
  std::optional<YamlNode> child(std::string_view key, bool required = false);
  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max,
                                 bool required = false);
  std::optional<double> number(std::string_view key, double min, double max,
                               bool required = false);
  std::optional<bool> boolean(std::string_view key, bool required = false);
  std::optional<std::chrono::milliseconds> duration(std::string_view key, bool required = false);
  std::optional<uint64_t> size(std::string_view key, uint64_t min, uint64_t max,
                               bool required = false);
  // Elements of a sequence-valued key (empty if absent).
  std::vector<YamlNode> sequence(std::string_view key, bool required = false);
  // A string that must be one of `allowed`.
  std::optional<std::string> oneOf(std::string_view key, const std::vector<std::string>& allowed,
                                   bool required = false);
  // Marks keys as known without reading them (e.g. "@type").
  void ignore(std::string_view key);

  // Reports unknown keys. Called by the destructor if not called before.
  void finish();

 private:
  std::optional<YamlNode> lookup(std::string_view key, bool required);

  YamlNode node_;
  ErrorList& errors_;
  bool valid_ = false;
  bool finished_ = false;
  std::unordered_set<std::string> read_;
};

// Parses a YAML document; a syntax error is recorded with its position and
// nullopt returned.
std::optional<YamlNode> loadYamlFile(const std::string& path, ErrorList& errors);
std::optional<YamlNode> loadYamlString(const std::string& text, ErrorList& errors,
                                       const std::string& source_name = "<string>");

}  // namespace remora::config
