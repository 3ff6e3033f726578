#pragma once

// Answers info requests (proto type 1; reference §2, §3, §7 and §13): each
// request line is echoed with its value; an unknown command gets
// "ERROR:4:unrecognized command". Admin commands (truncate) act on the
// namespaces. Any worker thread may call it concurrently.

#include <string>
#include <string_view>

#include "kv/node/node_context.h"
#include "kv/protocol/info_codec.h"

namespace remora::kv::node {

class InfoHandler {
 public:
  explicit InfoHandler(NodeContext& context) : context_(context) {}

  // Returns the reply body (without proto header) for a request body.
  std::string handle(std::string_view body);
  // The value for one command ("ERROR:..." for failures).
  std::string value(const protocol::InfoCommand& cmd);

 private:
  std::string replicas(std::string_view args, bool legacy_all, bool legacy_master) const;
  std::string peers(bool tls) const;
  std::string namespaceInfo(std::string_view ns_name) const;
  std::string serviceConfig() const;
  std::string statistics() const;
  std::string sets(std::string_view args) const;
  std::string truncate(std::string_view args, bool whole_namespace);

  NodeContext& context_;
};

}  // namespace remora::kv::node
