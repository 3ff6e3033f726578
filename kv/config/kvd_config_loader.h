#pragma once

// Turns a remora-kvd YAML file into a validated KvdConfig. Every problem is
// reported at once, each naming its YAML path, line and column
// ("namespaces[0].storage-engine.write-block-size: ... (line 9, col 25)");
// unknown keys are errors. Runs on the main thread before anything starts.

#include <string>

#include "common/result.h"
#include "kv/config/kvd_config.h"

namespace remora::kv::config {

// The error's message holds one problem per line.
Result<KvdConfig> loadKvdConfigFile(const std::string& path);
Result<KvdConfig> loadKvdConfigString(const std::string& yaml,
                                      const std::string& source_name = "<string>");

}  // namespace remora::kv::config
