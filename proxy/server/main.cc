// remora: the sidecar proxy.

#include <csignal>
#include <cstdio>

#include "common/buffer/heap_tuning.h"
#include "proxy/server/options.h"
#include "proxy/server/server.h"

int main(int argc, char** argv) {
  // A peer that resets while we write must cost an EPIPE on that socket, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  if (!remora::buffer::tuneHeapForBuffers()) std::fprintf(stderr, "remora: mallopt refused\n");
  auto options = remora::server::parseOptions(argc, argv);
  if (!options) {
    std::fprintf(stderr, "remora: %s\n%s", options.error().message.c_str(),
                 remora::server::usage().c_str());
    return 2;
  }
  if (options->show_help) {
    std::printf("%s", remora::server::usage().c_str());
    return 0;
  }
  if (options->show_version) {
    std::printf("%s\n", remora::server::versionString().c_str());
    return 0;
  }
  remora::server::Server server(std::move(*options));
  return server.run();
}
