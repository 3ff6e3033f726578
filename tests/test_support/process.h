#pragma once

// Runs a program as a child process for integration tests: output to a file,
// stopped by its PID (only processes the test started), bounded waits.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace remora::testing {

class ChildProcess {
 public:
  // Starts `argv[0]` with `argv`; stdout and stderr go to `log_path`.
  ChildProcess(std::vector<std::string> argv, std::string log_path);
  ~ChildProcess();  // SIGKILL if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // The exit status (WEXITSTATUS, or 128+signal) once the process ended
  // within `timeout`, else nullopt.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  std::string output() const;
  // Resident set size in KiB from /proc/<pid>/status (0 if unknown).
  uint64_t rssKib() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> status_;
};

// A free TCP port on 127.0.0.1 (bound then released; fine for tests).
uint16_t freePort();
// A fresh temporary directory (removed by the caller with removeTree).
std::string makeTempDir();
void removeTree(const std::string& path);
void writeFile(const std::string& path, const std::string& text);
std::string readFile(const std::string& path);
// Directory of built binaries (REMORA_BINARY_DIR) and the source tree.
std::string binaryDir();
std::string sourceDir();

}  // namespace remora::testing
