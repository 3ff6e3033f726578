#include <cctype>
#include <map>
#include <string>

#include "common/stats/store.h"

namespace remora::stats {

namespace {
bool matches(const std::string& name, std::string_view filter) {
  return filter.empty() || name.find(filter) != std::string::npos;
}

// Prometheus names allow [a-zA-Z0-9_:]; Envoy maps everything else to '_'.
std::string prometheusName(const std::string& name) {
  std::string out = "envoy_";
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  return out;
}
}  // namespace

std::string renderText(const Store& store, std::string_view filter) {
  std::map<std::string, std::string> lines;
  store.forEachCounter([&](const Counter& c) {
    if (matches(c.name(), filter)) lines[c.name()] = std::to_string(c.value());
  });
  store.forEachGauge([&](const Gauge& g) {
    if (matches(g.name(), filter)) lines[g.name()] = std::to_string(g.value());
  });
  store.forEachHistogram([&](const Histogram& h) {
    if (!matches(h.name(), filter)) return;
    auto s = h.summarize();
    if (s.count == 0) {
      lines[h.name()] = "No recorded values";
      return;
    }
    lines[h.name()] = "P50(" + std::to_string(s.quantile(0.5)) + ") P90(" +
                      std::to_string(s.quantile(0.9)) + ") P99(" + std::to_string(s.quantile(0.99)) +
                      ") P99.9(" + std::to_string(s.quantile(0.999)) + ") Max(" +
                      std::to_string(s.max) + ") Count(" + std::to_string(s.count) + ")";
  });
  std::string out;
  for (const auto& [name, value] : lines) out += name + ": " + value + "\n";
  return out;
}

std::string renderPrometheus(const Store& store) {
  std::string out;
  store.forEachCounter([&](const Counter& c) {
    std::string n = prometheusName(c.name());
    out += "# TYPE " + n + " counter\n" + n + " " + std::to_string(c.value()) + "\n";
  });
  store.forEachGauge([&](const Gauge& g) {
    std::string n = prometheusName(g.name());
    out += "# TYPE " + n + " gauge\n" + n + " " + std::to_string(g.value()) + "\n";
  });
  store.forEachHistogram([&](const Histogram& h) {
    std::string n = prometheusName(h.name());
    auto s = h.summarize();
    out += "# TYPE " + n + " histogram\n";
    uint64_t cumulative = 0;
    for (int b = 0; b < Histogram::kBuckets; ++b) {
      if (s.buckets[b] == 0) continue;
      cumulative += s.buckets[b];
      out += n + "_bucket{le=\"" + std::to_string(Histogram::bucketUpperBound(b)) + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += n + "_bucket{le=\"+Inf\"} " + std::to_string(s.count) + "\n";
    out += n + "_sum " + std::to_string(s.sum) + "\n";
    out += n + "_count " + std::to_string(s.count) + "\n";
  });
  return out;
}

}  // namespace remora::stats
