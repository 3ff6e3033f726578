#include "tests/e2e/lib/command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace remora::e2e {

CommandResult runCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  CommandResult result;
  int fds[2];
  if (argv.empty() || pipe2(fds, O_CLOEXEC) != 0) {
    result.output = "cannot start command";
    return result;
  }
  std::vector<char*> c_argv;
  for (const std::string& arg : argv) {
    c_argv.push_back(const_cast<char*>(arg.c_str()));
  }
  c_argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, STDIN_FILENO);
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    execvp(c_argv[0], c_argv.data());
    const std::string message = "cannot run " + argv[0] + ": " + std::strerror(errno) + "\n";
    (void)!write(STDERR_FILENO, message.data(), message.size());
    _exit(127);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    result.output = "fork failed";
    return result;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool killed = false;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd{fds[0], POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
    if (ready == 0 && !killed) {
      kill(pid, SIGKILL); // the pipe closes when it dies
      killed = true;
      continue;
    }
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    char buffer[4096];
    const ssize_t n = ready > 0 ? read(fds[0], buffer, sizeof(buffer)) : 0;
    if (n <= 0) {
      break;
    }
    result.output.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string e2eSkipReason() {
  if (geteuid() != 0) {
    return "e2e tests need root (network namespaces, iptables); run them as root or in CI";
  }
  const CommandResult netns = runCommand({"ip", "netns", "list"}, std::chrono::seconds(5));
  if (netns.exit_code != 0) {
    return "`ip netns` is unavailable (install iproute2): " + netns.output;
  }
  for (const char* tool : {"iptables-save", "iptables-restore", "ip6tables-save"}) {
    if (runCommand({"sh", "-c", std::string("command -v ") + tool}).exit_code != 0) {
      return std::string(tool) + " not found (install the iptables package)";
    }
  }
  return "";
}

} // namespace remora::e2e
