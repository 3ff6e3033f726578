#include "config/yaml_reader.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace remora::config {

std::string ConfigError::toString() const {
  std::string out = path.empty() ? message : path + ": " + message;
  if (line > 0) out += " (line " + std::to_string(line) + ", col " + std::to_string(column) + ")";
  return out;
}

void ErrorList::add(std::string path, int line, int column, std::string message) {
  errors_.push_back(ConfigError{std::move(path), line, column, std::move(message)});
}

std::string ErrorList::toString() const {
  std::string out;
  for (const auto& e : errors_) out += e.toString() + "\n";
  return out;
}

void YamlNode::error(ErrorList& errors, std::string message) const {
  if (node_.IsDefined()) {
    errors.add(path_, line(), column(), std::move(message));
  } else {
    errors.add(path_, 0, 0, std::move(message));
  }
}

std::vector<YamlNode> YamlNode::elements(ErrorList& errors) const {
  std::vector<YamlNode> out;
  if (!node_.IsSequence()) {
    error(errors, "expected a list");
    return out;
  }
  for (size_t i = 0; i < node_.size(); ++i) {
    out.emplace_back(node_[i], path_ + "[" + std::to_string(i) + "]");
  }
  return out;
}

std::optional<std::string> YamlNode::asString(ErrorList& errors) const {
  if (!node_.IsScalar()) {
    error(errors, "expected a string");
    return std::nullopt;
  }
  return node_.Scalar();
}

std::optional<int64_t> YamlNode::asInteger(ErrorList& errors, int64_t min, int64_t max) const {
  if (!node_.IsScalar()) {
    error(errors, "expected an integer");
    return std::nullopt;
  }
  const std::string& text = node_.Scalar();
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    error(errors, "expected an integer, got '" + text + "'");
    return std::nullopt;
  }
  if (value < min || value > max) {
    error(errors, "value " + text + " out of range [" + std::to_string(min) + ", " +
                      std::to_string(max) + "]");
    return std::nullopt;
  }
  return value;
}

std::optional<double> YamlNode::asDouble(ErrorList& errors, double min, double max) const {
  if (!node_.IsScalar()) {
    error(errors, "expected a number");
    return std::nullopt;
  }
  const std::string& text = node_.Scalar();
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value)) {
    error(errors, "expected a number, got '" + text + "'");
    return std::nullopt;
  }
  if (value < min || value > max) {
    std::ostringstream os;
    os << "value " << text << " out of range [" << min << ", " << max << "]";
    error(errors, os.str());
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlNode::asBool(ErrorList& errors) const {
  if (node_.IsScalar()) {
    const std::string& text = node_.Scalar();
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
  }
  error(errors, "expected true or false");
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> YamlNode::asDuration(ErrorList& errors,
                                                              std::chrono::milliseconds max) const {
  const char* kHint = "expected a duration like \"5s\", \"0.25s\" or \"100ms\"";
  if (!node_.IsScalar() || node_.Scalar().empty()) {
    error(errors, kHint);
    return std::nullopt;
  }
  std::string text = node_.Scalar();
  double scale_ms = 0;
  std::string number;
  auto ends_with = [&](const std::string& suffix) {
    return text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("ms")) {
    scale_ms = 1;
    number = text.substr(0, text.size() - 2);
  } else if (ends_with("s")) {
    scale_ms = 1000;
    number = text.substr(0, text.size() - 1);
  } else if (ends_with("m")) {
    scale_ms = 60'000;
    number = text.substr(0, text.size() - 1);
  } else if (ends_with("h")) {
    scale_ms = 3'600'000;
    number = text.substr(0, text.size() - 1);
  } else {
    error(errors, std::string(kHint) + ", got '" + text + "'");
    return std::nullopt;
  }
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(value) || value < 0) {
    error(errors, std::string(kHint) + ", got '" + text + "'");
    return std::nullopt;
  }
  double ms = value * scale_ms;
  if (ms > static_cast<double>(max.count())) {
    error(errors, "duration '" + text + "' exceeds the maximum of " + std::to_string(max.count()) + "ms");
    return std::nullopt;
  }
  // Rounded half up (ms >= 0); llround would be the only reason to load libm.
  return std::chrono::milliseconds(static_cast<int64_t>(ms + 0.5));
}

std::optional<uint64_t> YamlNode::asSize(ErrorList& errors, uint64_t min, uint64_t max) const {
  if (!node_.IsScalar() || node_.Scalar().empty()) {
    error(errors, "expected a size in bytes like 4096, \"64K\", \"1M\" or \"2G\"");
    return std::nullopt;
  }
  std::string text = node_.Scalar();
  uint64_t scale = 1;
  char last = text.back();
  if (last == 'K' || last == 'k') scale = 1ull << 10;
  if (last == 'M' || last == 'm') scale = 1ull << 20;
  if (last == 'G' || last == 'g') scale = 1ull << 30;
  if (last == 'T' || last == 't') scale = 1ull << 40;
  std::string number = scale == 1 ? text : text.substr(0, text.size() - 1);
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || ptr != number.data() + number.size() ||
      value > max / scale) {
    error(errors, "expected a size in bytes like 4096, \"64K\", \"1M\" or \"2G\", got '" + text + "'");
    return std::nullopt;
  }
  value *= scale;
  if (value < min || value > max) {
    error(errors, "size " + text + " out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return std::nullopt;
  }
  return value;
}

MapReader::MapReader(const YamlNode& node, ErrorList& errors) : node_(node), errors_(errors) {
  if (node_.isMap()) {
    valid_ = true;
  } else {
    node_.error(errors_, "expected a map");
    finished_ = true;
  }
}

MapReader::~MapReader() { finish(); }

bool MapReader::has(std::string_view key) const {
  return valid_ && node_.raw()[std::string(key)].IsDefined();
}

std::optional<YamlNode> MapReader::lookup(std::string_view key, bool required) {
  if (!valid_) return std::nullopt;
  std::string k(key);
  read_.insert(k);
  YAML::Node child = node_.raw()[k];
  std::string path = node_.path().empty() ? k : node_.path() + "." + k;
  if (!child.IsDefined() || child.IsNull()) {
    if (required) {
      errors_.add(path, node_.line(), node_.column(), "required field is missing");
    }
    return std::nullopt;
  }
  return YamlNode(child, path);
}

std::optional<YamlNode> MapReader::child(std::string_view key, bool required) {
  return lookup(key, required);
}

std::optional<std::string> MapReader::string(std::string_view key, bool required) {
  auto n = lookup(key, required);
  return n ? n->asString(errors_) : std::nullopt;
}

std::optional<int64_t> MapReader::integer(std::string_view key, int64_t min, int64_t max, bool required) {
  auto n = lookup(key, required);
  return n ? n->asInteger(errors_, min, max) : std::nullopt;
}

std::optional<double> MapReader::number(std::string_view key, double min, double max, bool required) {
  auto n = lookup(key, required);
  return n ? n->asDouble(errors_, min, max) : std::nullopt;
}

std::optional<bool> MapReader::boolean(std::string_view key, bool required) {
  auto n = lookup(key, required);
  return n ? n->asBool(errors_) : std::nullopt;
}

std::optional<std::chrono::milliseconds> MapReader::duration(std::string_view key, bool required) {
  auto n = lookup(key, required);
  return n ? n->asDuration(errors_) : std::nullopt;
}

std::optional<uint64_t> MapReader::size(std::string_view key, uint64_t min, uint64_t max, bool required) {
  auto n = lookup(key, required);
  return n ? n->asSize(errors_, min, max) : std::nullopt;
}

std::vector<YamlNode> MapReader::sequence(std::string_view key, bool required) {
  auto n = lookup(key, required);
  if (!n) return {};
  return n->elements(errors_);
}

std::optional<std::string> MapReader::oneOf(std::string_view key,
                                            const std::vector<std::string>& allowed, bool required) {
  auto n = lookup(key, required);
  if (!n) return std::nullopt;
  auto value = n->asString(errors_);
  if (!value) return std::nullopt;
  for (const auto& a : allowed) {
    if (a == *value) return value;
  }
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  n->error(errors_, "unsupported value '" + *value + "' (supported: " + list + ")");
  return std::nullopt;
}

void MapReader::ignore(std::string_view key) { read_.insert(std::string(key)); }

void MapReader::finish() {
  if (finished_) return;
  finished_ = true;
  for (const auto& entry : node_.raw()) {
    std::string key = entry.first.Scalar();
    if (read_.count(key) != 0) continue;
    std::string path = node_.path().empty() ? key : node_.path() + "." + key;
    errors_.add(path, entry.first.Mark().line + 1, entry.first.Mark().column + 1,
                "unknown or unsupported field");
  }
}

std::optional<YamlNode> loadYamlString(const std::string& text, ErrorList& errors,
                                       const std::string& source_name) {
  try {
    YAML::Node root = YAML::Load(text);
    return YamlNode(root, "");
  } catch (const YAML::Exception& e) {
    errors.add(source_name, e.mark.line + 1, e.mark.column + 1, "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
}

std::optional<YamlNode> loadYamlFile(const std::string& path, ErrorList& errors) {
  std::ifstream in(path);
  if (!in) {
    errors.add(path, 0, 0, "cannot read the file");
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  return loadYamlString(text.str(), errors, path);
}

}  // namespace remora::config
