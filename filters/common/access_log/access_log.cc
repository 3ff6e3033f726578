#include "filters/common/access_log/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/listener_config.h"

namespace remora::filters::access_log {

LogFile::~LogFile() {
  if (owned_) ::close(fd_);
}

void LogFile::write(const std::string& line) {
  // O_APPEND makes each write(2) land whole even with several writers.
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::write(fd_, line.data() + off, line.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    off += static_cast<size_t>(n);
  }
}

Result<std::shared_ptr<LogFile>> LogFileManager::open(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = files_.find(path);
  if (it != files_.end()) {
    if (auto existing = it->second.lock()) return existing;
  }
  std::shared_ptr<LogFile> file;
  if (path == "/dev/stdout") {
    file = std::make_shared<LogFile>(STDOUT_FILENO, false);
  } else if (path == "/dev/stderr") {
    file = std::make_shared<LogFile>(STDERR_FILENO, false);
  } else {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return makeError("cannot open access log " + path + ": " + std::strerror(errno));
    file = std::make_shared<LogFile>(fd, true);
  }
  files_[path] = file;
  return file;
}

namespace {
std::optional<std::string> parseLogFormat(const config::YamlNode& node, config::ErrorList& errors) {
  config::MapReader r(node, errors);
  std::optional<std::string> format;
  if (auto text = r.child("text_format_source")) {
    config::MapReader t(*text, errors);
    format = t.string("inline_string", true);
  }
  if (auto text = r.string("text_format")) format = text;
  r.finish();
  return format;
}
}  // namespace

std::vector<AccessLogConstSharedPtr> parseAccessLogs(const std::vector<config::YamlNode>& nodes,
                                                     LogFileManager& files,
                                                     config::ErrorList& errors) {
  std::vector<AccessLogConstSharedPtr> logs;
  for (const auto& node : nodes) {
    config::MapReader r(node, errors);
    auto name = r.oneOf("name", {"envoy.access_loggers.file", "envoy.access_loggers.stdout",
                                 "envoy.access_loggers.stderr", "envoy.file_access_log",
                                 "file", "stdout", "stderr"}, true);
    auto typed = r.child("typed_config");
    r.finish();
    if (!name) continue;
    std::string kind = config::shortFilterName(*name);
    if (kind == "access_loggers.file" || kind == "file_access_log") kind = "file";
    if (kind == "access_loggers.stdout") kind = "stdout";
    if (kind == "access_loggers.stderr") kind = "stderr";
    std::string path = kind == "stdout" ? "/dev/stdout" : "/dev/stderr";
    std::string format = kDefaultFormat;
    if (typed) {
      config::MapReader t(*typed, errors);
      t.ignore("@type");
      if (kind == "file") {
        if (auto p = t.string("path", true)) path = *p;
      }
      if (auto f = t.string("format")) format = *f;
      if (auto lf = t.child("log_format")) {
        if (auto f = parseLogFormat(*lf, errors)) format = *f;
      }
      t.finish();
    } else if (kind == "file") {
      node.error(errors, "a file access log needs typed_config.path");
      continue;
    }
    auto formatter = Formatter::parse(format);
    if (!formatter) {
      node.error(errors, formatter.error().message);
      continue;
    }
    auto file = files.open(path);
    if (!file) {
      node.error(errors, file.error().message);
      continue;
    }
    logs.push_back(std::make_shared<AccessLog>(std::move(*formatter), std::move(*file)));
  }
  return logs;
}

}  // namespace remora::filters::access_log
