#include "tests/e2e/lib/pod_process.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace remora::e2e {
namespace {

// Output files are polled, so the wait loops need a step; it bounds latency, not correctness.
constexpr auto kPollStep = std::chrono::milliseconds(5);

[[noreturn]] void childFail(int fd, const char* what) {
  const std::string message =
      std::string("pod process setup failed: ") + what + ": " + std::strerror(errno) + "\n";
  (void)!write(fd, message.data(), message.size());
  _exit(127);
}

} // namespace

std::unique_ptr<PodProcess> PodProcess::start(const std::string& netns, uid_t uid, gid_t gid,
                                              const std::vector<std::string>& argv,
                                              std::string* error) {
  char path_template[] = "/tmp/remora-e2e-out-XXXXXX";
  const int out_fd = mkostemp(path_template, O_CLOEXEC);
  if (out_fd < 0 || argv.empty()) {
    *error = std::string("cannot create output file: ") + std::strerror(errno);
    return nullptr;
  }
  const std::string netns_path = "/run/netns/" + netns;
  std::vector<char*> c_argv;
  for (const std::string& arg : argv) {
    c_argv.push_back(const_cast<char*>(arg.c_str()));
  }
  c_argv.push_back(nullptr);
  const pid_t parent = getpid();

  const pid_t pid = fork();
  if (pid < 0) {
    close(out_fd);
    unlink(path_template);
    *error = std::string("fork: ") + std::strerror(errno);
    return nullptr;
  }
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    const int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, STDIN_FILENO);
    setpgid(0, 0);
    const int ns_fd = open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0 || setns(ns_fd, CLONE_NEWNET) != 0) {
      childFail(STDERR_FILENO, "setns");
    }
    if (setgroups(0, nullptr) != 0 || setresgid(gid, gid, gid) != 0 ||
        setresuid(uid, uid, uid) != 0) {
      childFail(STDERR_FILENO, "setuid/setgid");
    }
    // After the credential change: changing credentials clears the parent-death signal.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
      _exit(1);
    }
    execvp(c_argv[0], c_argv.data());
    childFail(STDERR_FILENO, argv[0].c_str());
  }
  close(out_fd);
  setpgid(pid, pid); // also from here, so stop() works even before the child ran
  return std::unique_ptr<PodProcess>(new PodProcess(pid, path_template));
}

PodProcess::~PodProcess() {
  stop();
  unlink(output_path_.c_str());
}

std::string PodProcess::output() const {
  std::ifstream file(output_path_);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

bool PodProcess::hasExited(bool block) {
  if (exit_code_) {
    return true;
  }
  // WNOWAIT leaves the zombie in place: while it exists its PID and process group cannot be
  // reused, so stop() can still signal the group safely.
  siginfo_t info{};
  int rc;
  do {
    rc = waitid(P_PID, pid_, &info, WEXITED | WNOWAIT | (block ? 0 : WNOHANG));
  } while (rc < 0 && errno == EINTR);
  if (rc != 0 || info.si_pid != pid_) {
    return false;
  }
  exit_code_ = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
  return true;
}

bool PodProcess::waitForOutput(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (output().find(text) != std::string::npos) {
      return true;
    }
    // One more read after exit: the text may have been written just before.
    if (hasExited(false)) {
      return output().find(text) != std::string::npos;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(kPollStep);
  }
}

std::optional<int> PodProcess::waitForExit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!hasExited(false)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(kPollStep);
  }
  return exit_code_;
}

int PodProcess::stop(std::chrono::milliseconds grace) {
  if (reaped_) {
    return *exit_code_;
  }
  if (!hasExited(false)) {
    kill(-pid_, SIGTERM);
    if (!waitForExit(grace)) {
      kill(-pid_, SIGKILL);
      hasExited(true);
    }
  }
  // Anything the process left running in its group goes too; the unreaped leader keeps the
  // group id from being reused until this point.
  kill(-pid_, SIGKILL);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  return *exit_code_;
}

} // namespace remora::e2e
