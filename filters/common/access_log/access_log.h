#pragma once

// File and stdout access logs (envoy.access_loggers.file / .stdout). One
// writer per path, shared by every filter that logs there; writes from any
// worker thread are whole lines (one write(2) each, O_APPEND).

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/yaml_reader.h"
#include "filters/common/access_log/formatter.h"

namespace remora::filters::access_log {

class LogFile {
 public:
  explicit LogFile(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~LogFile();
  void write(const std::string& line);

 private:
  int fd_;
  bool owned_;
};

// Opens each path once; made in main and shared via the factory context.
class LogFileManager {
 public:
  Result<std::shared_ptr<LogFile>> open(const std::string& path);

 private:
  std::mutex mutex_;
  std::map<std::string, std::weak_ptr<LogFile>> files_;
};

class AccessLog {
 public:
  AccessLog(Formatter formatter, std::shared_ptr<LogFile> file)
      : formatter_(std::move(formatter)), file_(std::move(file)) {}
  void log(const StreamInfo& info) const { file_->write(formatter_.format(info)); }
  const Formatter& formatter() const { return formatter_; }

 private:
  Formatter formatter_;
  std::shared_ptr<LogFile> file_;
};
using AccessLogConstSharedPtr = std::shared_ptr<const AccessLog>;

// Parses an `access_log:` list (file and stdout loggers, text_format_source /
// format); errors go to `errors`.
std::vector<AccessLogConstSharedPtr> parseAccessLogs(const std::vector<config::YamlNode>& nodes,
                                                     LogFileManager& files,
                                                     config::ErrorList& errors);

}  // namespace remora::filters::access_log
