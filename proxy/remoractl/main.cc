// remoractl: the operator's command-line tool: `remoractl ca ...` and
// `remoractl sidecar-config ...`.

#include <cstdio>
#include <string>
#include <vector>

#include "proxy/remoractl/ca_command.h"
#include "proxy/remoractl/sidecar_config.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs("usage: remoractl ca {init|issue|show} [flags]   (remoractl ca --help)\n"
               "       remoractl sidecar-config [flags]         (remoractl sidecar-config --help)\n",
               args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "ca") {
    return remora::remoractl::runCaCommand(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (args[0] == "sidecar-config") {
    return remora::remoractl::runSidecarConfigCommand(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  std::fprintf(stderr, "remoractl: unknown command '%s'\n", args[0].c_str());
  return 2;
}
