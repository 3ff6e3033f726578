// Fuzzes the bootstrap parser: any bytes as YAML, through structure checks
// and every filter factory. Must never crash, leak or throw.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/stats/store.h"
#include "config/bootstrap.h"
#include "filters/filter_registry.h"
#include "proxy/listener/listener_runtime.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace remora;
  static filters::FilterRegistry* registry = [] {
    auto* r = new filters::FilterRegistry();
    filters::registerBuiltinFilters(*r);
    return r;
  }();
  config::ErrorList errors;
  auto root = config::loadYamlString(std::string(reinterpret_cast<const char*>(data), size), errors);
  if (!root) return 0;
  auto bootstrap = config::parseBootstrap(*root, errors);
  if (!bootstrap) return 0;
  stats::Store store(1);
  filters::access_log::LogFileManager files;
  filters::FactoryContext context{store, files, [](std::string_view) { return true; }};
  // TLS material is not fuzzed here (it reads files); transport sockets are refused.
  listener::TransportSocketFactoryBuilder no_tls =
      [](const config::YamlNode& node, bool, const std::string&, config::ErrorList& e)
      -> std::optional<network::TransportSocketFactoryPtr> {
    node.error(e, "transport sockets are not fuzzed");
    return std::nullopt;
  };
  for (const auto& listener : bootstrap->listeners) {
    (void)listener::ListenerRuntime::build(listener, *registry, context, no_tls, errors);
  }
  (void)errors.toString();
  return 0;
}
