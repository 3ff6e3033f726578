#pragma once

#include <string>
#include <vector>

#include "iptables/result.h"

namespace remora::iptables {

struct CommandOutput {
  int exit_code = 0; // 127 when the program could not be started
  std::string out;
  std::string err;
};

// Runs external programs (iptables-save, iptables-restore, ...). An interface so that the
// installer's decisions can be tested without touching the kernel.
class CommandRunner {
public:
  virtual ~CommandRunner() = default;
  // Runs argv[0] (searched in PATH) with `input` on its stdin and waits for it. Fails only when
  // the process could not be created; a non-zero exit is reported in CommandOutput.
  virtual Result<CommandOutput> run(const std::vector<std::string>& argv,
                                    const std::string& input = "") = 0;
  // True if `program` can be run (found in PATH).
  virtual bool exists(const std::string& program) = 0;
};

// fork/exec with pipes; stdout and stderr captured separately.
class ProcessRunner : public CommandRunner {
public:
  Result<CommandOutput> run(const std::vector<std::string>& argv,
                            const std::string& input = "") override;
  bool exists(const std::string& program) override;
};

// True if `program` is an executable found in PATH.
bool programExists(const std::string& program);

} // namespace remora::iptables
