#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace remora::e2e {

struct CommandResult {
  int exit_code = -1; // 128+signal when killed, -1 when it could not be started
  std::string output; // stdout and stderr, interleaved
};

// Runs argv (argv[0] searched in PATH) in the test's own network namespace, as the test's user,
// and waits at most `timeout`; a command still running then is killed (exit_code 128+9).
CommandResult runCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Why e2e tests cannot run here ("" when they can): not root, or `ip netns` unusable.
std::string e2eSkipReason();

} // namespace remora::e2e
