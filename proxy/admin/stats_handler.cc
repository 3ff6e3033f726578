#include "proxy/admin/stats_handler.h"

#include <string>
#include <string_view>

#include "proxy/admin/json_text.h"

namespace remora::admin {

namespace {
constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=UTF-8";
// The quantiles /stats shows for histograms, in percent.
constexpr double kQuantiles[] = {50, 90, 99, 99.9, 100};

std::string queryValue(const AdminRequest& request, const std::string& key) {
  auto it = request.query.find(key);
  return it == request.query.end() ? std::string() : it->second;
}

bool matches(const std::string& name, const std::string& filter) {
  return filter.empty() || name.find(filter) != std::string::npos;
}

// "name: value" lines whose value shows the stat never moved.
bool unusedLine(std::string_view line) {
  return line.ends_with(": 0") || line.ends_with(": No recorded values");
}

std::string dropUnusedLines(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (!line.empty() && !unusedLine(line)) {
      out += line;
      out += '\n';
    }
    start = end + 1;
  }
  return out;
}

std::string quantileText(double percent) {
  std::string text = std::to_string(percent);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string renderJson(const stats::Store& store, const std::string& filter, bool used_only) {
  std::string entries;
  auto add = [&](const std::string& name, const std::string& value, bool used) {
    if (!matches(name, filter) || (used_only && !used)) return;
    if (!entries.empty()) entries += ",\n";
    entries += "  {\"name\": " + jsonQuote(name) + ", \"value\": " + value + "}";
  };
  store.forEachCounter(
      [&](const stats::Counter& c) { add(c.name(), std::to_string(c.value()), c.value() != 0); });
  store.forEachGauge(
      [&](const stats::Gauge& g) { add(g.name(), std::to_string(g.value()), g.value() != 0); });
  std::string computed;
  store.forEachHistogram([&](const stats::Histogram& h) {
    auto summary = h.summarize();
    if (!matches(h.name(), filter) || (used_only && summary.count == 0)) return;
    if (!computed.empty()) computed += ",\n";
    computed += "    {\"name\": " + jsonQuote(h.name()) + ", \"values\": [";
    const char* separator = "";
    for (double q : kQuantiles) {
      std::string value = summary.count == 0 ? "null"
                          : q >= 100         ? std::to_string(summary.max)
                                             : std::to_string(summary.quantile(q / 100));
      // No interval histograms here: every value is cumulative.
      computed += separator;
      computed += "{\"interval\": null, \"cumulative\": " + value + "}";
      separator = ", ";
    }
    computed += "]}";
  });
  std::string quantiles;
  for (double q : kQuantiles) quantiles += (quantiles.empty() ? "" : ", ") + quantileText(q);
  if (!entries.empty()) entries += ",\n";
  entries += "  {\"histograms\": {\"supported_quantiles\": [" + quantiles +
             "], \"computed_quantiles\": [\n" + computed + "\n  ]}}";
  return "{\"stats\": [\n" + entries + "\n]}\n";
}
}  // namespace

AdminHandler makeStatsHandler(const stats::Store& store) {
  return [&store](const AdminRequest& request) {
    std::string filter = queryValue(request, "filter");
    bool used_only = request.query.count("usedonly") != 0;
    std::string format = queryValue(request, "format");
    AdminResponse response;
    if (format.empty() || format == "text") {
      std::string text = stats::renderText(store, filter);
      response.body = used_only ? dropUnusedLines(text) : std::move(text);
    } else if (format == "json") {
      response.content_type = "application/json";
      response.body = renderJson(store, filter, used_only);
    } else if (format == "prometheus") {
      response.content_type = std::string(kPrometheusContentType);
      response.body = stats::renderPrometheus(store);
    } else {
      response.status = 400;
      response.body = "usage: /stats?format=(text|json|prometheus)&filter=<substring>&usedonly\n";
    }
    return response;
  };
}

AdminHandler makePrometheusHandler(const stats::Store& store) {
  return [&store](const AdminRequest&) {
    AdminResponse response;
    response.content_type = std::string(kPrometheusContentType);
    response.body = stats::renderPrometheus(store);
    return response;
  };
}

}  // namespace remora::admin
