#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace remora::e2e {

// A process started inside a pod's network namespace with a chosen UID/GID (see
// PodNetwork::start). Its stdout and stderr go to a private file that output() reads at any
// time. It runs in its own process group, gets SIGKILL if the test process dies, and is stopped
// (SIGTERM, then SIGKILL after a grace period) when this object is destroyed.
// Not thread-safe; use from the thread that started it.
class PodProcess {
public:
  // Forks, joins the network namespace /run/netns/<netns>, drops to uid/gid with no
  // supplementary groups and execs argv[0] (searched in PATH). Returns nullptr and sets `error`
  // if the fork or the output file fails; an exec failure shows up as exit code 127 and a
  // message in output().
  static std::unique_ptr<PodProcess> start(const std::string& netns, uid_t uid, gid_t gid,
                                           const std::vector<std::string>& argv,
                                           std::string* error);
  ~PodProcess();
  PodProcess(const PodProcess&) = delete;
  PodProcess& operator=(const PodProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Everything written so far.
  std::string output() const;
  // Waits until output() contains `text` or the deadline passes; false on timeout or if the
  // process exited without printing it.
  bool waitForOutput(const std::string& text, std::chrono::milliseconds timeout);
  // Waits for the process to exit on its own; its exit code (128+signal if killed), or
  // nullopt if it is still running at the deadline.
  std::optional<int> waitForExit(std::chrono::milliseconds timeout);
  // SIGTERM to the process group, SIGKILL after `grace`; returns the exit code. Idempotent.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(2));

private:
  PodProcess(pid_t pid, std::string output_path)
      : pid_(pid), output_path_(std::move(output_path)) {}
  bool hasExited(bool block);

  pid_t pid_;
  std::string output_path_;
  std::optional<int> exit_code_;
  bool reaped_ = false;
};

} // namespace remora::e2e
