#include "iptables/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace remora::iptables {
namespace {

struct Pipe {
  int read = -1;
  int write = -1;
  bool open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      return false;
    }
    read = fds[0];
    write = fds[1];
    return true;
  }
  void closeAll() {
    for (int* fd : {&read, &write}) {
      if (*fd >= 0) {
        close(*fd);
        *fd = -1;
      }
    }
  }
};

} // namespace

bool programExists(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return access(program.c_str(), X_OK) == 0;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    if (colon == std::string::npos) {
      colon = dirs.size();
    }
    const std::string candidate = dirs.substr(start, colon - start) + "/" + program;
    struct stat info {};
    if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return true;
    }
    start = colon + 1;
  }
  return false;
}

bool ProcessRunner::exists(const std::string& program) {
  return programExists(program);
}

Result<CommandOutput> ProcessRunner::run(const std::vector<std::string>& argv,
                                         const std::string& input) {
  if (argv.empty()) {
    return Result<CommandOutput>::failure("empty command");
  }
  Pipe in, out, err;
  if (!in.open() || !out.open() || !err.open()) {
    in.closeAll();
    out.closeAll();
    err.closeAll();
    return Result<CommandOutput>::failure(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<char*> c_argv;
  for (const std::string& arg : argv) {
    c_argv.push_back(const_cast<char*>(arg.c_str()));
  }
  c_argv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) {
    in.closeAll();
    out.closeAll();
    err.closeAll();
    return Result<CommandOutput>::failure(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    dup2(in.read, STDIN_FILENO);
    dup2(out.write, STDOUT_FILENO);
    dup2(err.write, STDERR_FILENO);
    execvp(c_argv[0], c_argv.data());
    const std::string message = "cannot run " + argv[0] + ": " + std::strerror(errno) + "\n";
    (void)!write(STDERR_FILENO, message.data(), message.size());
    _exit(127);
  }
  close(in.read);
  close(out.write);
  close(err.write);
  in.read = out.write = err.write = -1;

  // A child that exits without reading stdin must not kill us with SIGPIPE.
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);

  CommandOutput result;
  size_t written = 0;
  if (input.empty()) {
    in.closeAll();
  }
  while (out.read >= 0 || err.read >= 0) {
    pollfd fds[3];
    int count = 0;
    for (int fd : {out.read, err.read}) {
      if (fd >= 0) {
        fds[count++] = {fd, POLLIN, 0};
      }
    }
    if (in.write >= 0) {
      fds[count++] = {in.write, POLLOUT, 0};
    }
    if (poll(fds, count, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    for (int i = 0; i < count; ++i) {
      if (fds[i].revents == 0) {
        continue;
      }
      if (fds[i].fd == in.write) {
        const ssize_t n = write(in.write, input.data() + written, input.size() - written);
        if (n > 0) {
          written += static_cast<size_t>(n);
        }
        if (n < 0 || written == input.size()) {
          in.closeAll();
        }
        continue;
      }
      char buffer[4096];
      const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      std::string& sink = fds[i].fd == out.read ? result.out : result.err;
      if (n > 0) {
        sink.append(buffer, static_cast<size_t>(n));
      } else {
        int& fd = fds[i].fd == out.read ? out.read : err.read;
        close(fd);
        fd = -1;
      }
    }
  }
  in.closeAll();
  sigaction(SIGPIPE, &previous, nullptr);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

} // namespace remora::iptables
