#pragma once

// The filter factories known to the proxy, keyed by short YAML name. Filled
// once in main by registerBuiltinFilters() (filters/builtin.cc) — an explicit
// list, never self-registering statics.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/stats/store.h"
#include "config/listener_config.h"
#include "config/yaml_reader.h"
#include "filters/common/access_log/access_log.h"
#include "filters/listener/listener_filter.h"
#include "filters/network/network_filter.h"

namespace remora::filters {

// What factories may use while turning config into callbacks (main thread).
struct FactoryContext {
  stats::Store& stats;
  access_log::LogFileManager& log_files;
  // True if a cluster of this name is configured (for reference checks).
  std::function<bool(std::string_view)> cluster_exists;
};

class NetworkFilterFactory {
 public:
  virtual ~NetworkFilterFactory() = default;
  virtual std::string name() const = 0;
  // Terminal filters (tcp_proxy) must be last in a chain.
  virtual bool isTerminal() const = 0;
  // Validates the filter's typed_config; on failure adds errors and returns nullopt.
  virtual std::optional<NetworkFilterFactoryCb> createFilterFactory(
      const config::FilterConfig& config, FactoryContext& context, config::ErrorList& errors) = 0;
};

class ListenerFilterFactory {
 public:
  virtual ~ListenerFilterFactory() = default;
  virtual std::string name() const = 0;
  virtual std::optional<ListenerFilterFactoryCb> createFilterFactory(
      const config::FilterConfig& config, FactoryContext& context, config::ErrorList& errors) = 0;
};

class FilterRegistry {
 public:
  void add(std::unique_ptr<NetworkFilterFactory> factory);
  void add(std::unique_ptr<ListenerFilterFactory> factory);
  NetworkFilterFactory* networkFilter(std::string_view name) const;
  ListenerFilterFactory* listenerFilter(std::string_view name) const;
  std::string networkFilterNames() const;
  std::string listenerFilterNames() const;

 private:
  std::map<std::string, std::unique_ptr<NetworkFilterFactory>, std::less<>> network_;
  std::map<std::string, std::unique_ptr<ListenerFilterFactory>, std::less<>> listener_;
};

// The one list of built-in filters.
void registerBuiltinFilters(FilterRegistry& registry);

}  // namespace remora::filters
