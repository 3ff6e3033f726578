// remora-kv-bench: a load generator in the manner of Aerospike's asbench.
// Each of -z threads runs synchronous commands through the shared client
// (one in flight per thread, so -z is the concurrency); -g caps the total
// rate. At the end it prints, per op type, throughput and latency
// percentiles, one machine-readable line each:
//   op=read count=N tps=T p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=.. errors=E not_found=F
// and exits 1 when errors exceed --max-error-pct of all ops.

#include <csignal>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "kv/client/client.h"
#include "kv/tools/bench_options.h"
#include "kv/tools/latency_histogram.h"

namespace {

using namespace remora;
using namespace remora::kv;
using SteadyClock = std::chrono::steady_clock;

struct OpStats {
  tools::LatencyHistogram latency;
  uint64_t errors = 0;
  uint64_t not_found = 0;
  void merge(const OpStats& o) {
    latency.merge(o.latency);
    errors += o.errors;
    not_found += o.not_found;
  }
};

struct ThreadStats {
  OpStats read, write;
};

void printOp(const char* name, const OpStats& s, double seconds) {
  const uint64_t n = s.latency.count();
  std::printf("op=%s count=%llu tps=%.0f p50_us=%llu p90_us=%llu p99_us=%llu p999_us=%llu "
              "max_us=%llu errors=%llu not_found=%llu\n",
              name, static_cast<unsigned long long>(n), static_cast<double>(n) / seconds,
              static_cast<unsigned long long>(s.latency.quantile(0.5)),
              static_cast<unsigned long long>(s.latency.quantile(0.9)),
              static_cast<unsigned long long>(s.latency.quantile(0.99)),
              static_cast<unsigned long long>(s.latency.quantile(0.999)),
              static_cast<unsigned long long>(s.latency.max()),
              static_cast<unsigned long long>(s.errors),
              static_cast<unsigned long long>(s.not_found));
}

}  // namespace

int main(int argc, char** argv) {
  // A peer that resets while we write costs EPIPE on that socket, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  auto opts = tools::parseBenchOptions(argc, argv);
  if (!opts) {
    std::fprintf(stderr, "remora-kv-bench: %s\n", opts.error().message.c_str());
    std::fprintf(stderr,
                 "usage: remora-kv-bench [-h host:port] [-n ns] [-s set] [-k keys] [--start-key N]\n"
                 "         [-o object-size] [-w I|RU,<read%%>] [-z threads] [-g target-tps]\n"
                 "         [-d seconds] [--max-error-pct P] [--timeout ms]\n"
                 "         [--write-policy update|replace]\n");
    return 2;
  }
  const tools::BenchOptions o = *opts;
  client::ClientConfig config;
  config.seeds = {o.host};
  config.max_conns_per_node = o.threads + 8;
  auto c = client::Client::connect(config);
  if (!c) {
    std::fprintf(stderr, "remora-kv-bench: connect: %s\n", c.error().message.c_str());
    return 1;
  }
  client::Client& kv = **c;

  const std::string payload(o.object_size, 'v');
  std::atomic<uint64_t> next_insert{0};
  std::atomic<bool> stop{false};
  std::vector<ThreadStats> stats(o.threads);
  std::vector<std::thread> threads;
  const auto start = SteadyClock::now();
  const auto end = start + std::chrono::seconds(o.duration_s);
  // With a target rate each thread paces itself to its share.
  const double per_thread_interval_us =
      o.target_tps == 0 ? 0.0 : 1e6 * o.threads / static_cast<double>(o.target_tps);

  for (uint32_t t = 0; t < o.threads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(0x9E3779B97F4A7C15ull * (t + 1));
      std::uniform_int_distribution<uint64_t> key_dist(o.start_key, o.start_key + o.keys - 1);
      std::uniform_int_distribution<uint32_t> pct(0, 99);
      client::ReadPolicy read;
      read.total_timeout_ms = o.timeout_ms;
      client::WritePolicy write;
      write.total_timeout_ms = o.timeout_ms;
      if (o.replace) write.exists = client::ExistsAction::kReplace;
      const client::Bins bins{{"bin", client::Value(payload)}};
      auto next_due = SteadyClock::now();
      while (!stop.load(std::memory_order_relaxed)) {
        uint64_t k;
        bool is_read;
        if (o.insert) {
          k = next_insert.fetch_add(1);
          if (k >= o.keys) break;
          k += o.start_key;
          is_read = false;
        } else {
          if (SteadyClock::now() >= end) break;
          k = key_dist(rng);
          is_read = pct(rng) < o.read_pct;
        }
        if (per_thread_interval_us > 0) {
          std::this_thread::sleep_until(next_due);
          next_due += std::chrono::microseconds(static_cast<int64_t>(per_thread_interval_us));
        }
        auto key = client::Key::make(o.ns, o.set, client::Value(static_cast<int64_t>(k)));
        const auto t0 = SteadyClock::now();
        OpStats& s = is_read ? stats[t].read : stats[t].write;
        if (is_read) {
          auto r = kv.get(read, *key);
          if (!r) {
            if (r.error().code == 2) {
              ++s.not_found;
            } else {
              ++s.errors;
            }
          }
        } else {
          auto st = kv.put(write, *key, bins);
          if (!st) ++s.errors;
        }
        s.latency.record(static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - t0).count()));
      }
    });
  }
  for (auto& th : threads) th.join();
  const double seconds =
      std::chrono::duration<double>(SteadyClock::now() - start).count();
  OpStats read, write;
  for (const auto& s : stats) {
    read.merge(s.read);
    write.merge(s.write);
  }
  if (read.latency.count() > 0) printOp("read", read, seconds);
  if (write.latency.count() > 0) printOp("write", write, seconds);
  const uint64_t total = read.latency.count() + write.latency.count();
  const uint64_t errors = read.errors + write.errors;
  std::printf("total ops=%llu tps=%.0f seconds=%.2f errors=%llu threads=%u\n",
              static_cast<unsigned long long>(total), static_cast<double>(total) / seconds,
              seconds, static_cast<unsigned long long>(errors), o.threads);
  if (total > 0 && 100.0 * static_cast<double>(errors) / static_cast<double>(total) > o.max_error_pct) {
    std::fprintf(stderr, "remora-kv-bench: %llu errors exceed %.2f%% of %llu ops\n",
                 static_cast<unsigned long long>(errors), o.max_error_pct,
                 static_cast<unsigned long long>(total));
    return 1;
  }
  return 0;
}
