// kv_storage_bench [--records N] [--dir DIR] [--commit]
//
// Prints: the primary index's accounted bytes per record and the process's
// RSS growth per record for N inserts; the device engine's write throughput
// for N records of 1 KiB; and the cold-start time for those N records.
// A measurement program, not a test: it asserts nothing.

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "kv/index/primary_index.h"
#include "kv/storage/device_engine.h"

namespace {

using namespace remora::kv;
using Clock = std::chrono::steady_clock;

uint64_t rssBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

storage::Digest digestFor(uint64_t i) {
  storage::Digest d{};
  for (size_t off = 0; off < d.size(); off += 8) {
    uint64_t x = i * 3 + off + 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    x ^= x >> 31;
    std::memcpy(d.data() + off, &x, std::min<size_t>(8, d.size() - off));
  }
  return d;
}

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void benchIndex(uint64_t n) {
  const uint64_t rss_before = rssBytes();
  index::PrimaryIndex idx;
  const uint64_t accounted_before = idx.memoryBytes();
  const auto t = Clock::now();
  for (uint64_t i = 0; i < n; ++i) {
    const auto d = digestFor(i);
    bool created = false;
    idx.findOrInsert(storage::partitionOf(d), d, created);
  }
  const double secs = secondsSince(t);
  std::printf(
      "index: %llu records, accounted %.1f B/record, RSS growth %.1f B/record, %.0f ns/insert\n",
      static_cast<unsigned long long>(n),
      static_cast<double>(idx.memoryBytes() - accounted_before) / n,
      static_cast<double>(rssBytes() - rss_before) / n, secs * 1e9 / n);
}

void benchDevice(uint64_t n, const std::string& dir, bool commit) {
  storage::StorageConfig config;
  config.kind = storage::EngineKind::kDevice;
  config.namespace_name = "bench";
  // ~1.1 KiB on the device per record, plus room for defrag.
  const uint64_t filesize = ((n * 1200 * 3 / 2) / (1 << 20) + 16) << 20;
  config.devices = {storage::DeviceConfig{dir + "/bench.dat", filesize}};
  config.commit_to_device = commit;
  config.defrag_sleep_ms = 0;
  auto clock = std::make_shared<storage::SystemClock>();

  storage::Record record;
  record.set_name = "bench";
  record.generation = 1;
  record.bins = {storage::Bin{"v", 4, std::string(1024, 'x')}};
  {
    storage::DeviceEngine engine(config, clock);
    if (!engine.start().ok()) {
      std::fprintf(stderr, "cannot start the device engine\n");
      return;
    }
    const auto t = Clock::now();
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < n; ++i) {
      record.digest = digestFor(i);
      if (!engine.write(storage::partitionOf(record.digest), record).ok()) {
        std::fprintf(stderr, "write %llu failed\n", static_cast<unsigned long long>(i));
        return;
      }
      bytes += 1024;
    }
    (void)engine.shutdown();  // includes the final flush + fdatasync
    const double secs = secondsSince(t);
    const auto stats = engine.stats();
    std::printf(
        "device write%s: %llu x 1 KiB records in %.2f s = %.1f MB/s of values, %.0f writes/s, "
        "direct_io=%s\n",
        commit ? " (commit-to-device)" : "", static_cast<unsigned long long>(n), secs,
        bytes / secs / 1e6, n / secs, stats.direct_io_fallbacks == 0 ? "yes" : "no");
  }
  {
    storage::DeviceEngine engine(config, clock);
    const auto t = Clock::now();
    if (!engine.start().ok()) {
      std::fprintf(stderr, "cold start failed\n");
      return;
    }
    const double secs = secondsSince(t);
    const auto stats = engine.stats();
    std::printf(
        "cold start: %llu records from a %.0f MiB device in %.2f s = %.2f s per million records "
        "(index %.1f B/record)\n",
        static_cast<unsigned long long>(stats.records), filesize / 1048576.0, secs,
        secs * 1e6 / static_cast<double>(stats.records),
        static_cast<double>(stats.index_bytes) / stats.records);
  }
  std::filesystem::remove(dir + "/bench.dat");
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t n = 1000000;
  std::string dir = "/tmp";
  bool commit = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--records") == 0 && i + 1 < argc) {
      n = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (std::strcmp(argv[i], "--commit") == 0) {
      commit = true;
    } else {
      std::fprintf(stderr, "usage: %s [--records N] [--dir DIR] [--commit]\n", argv[0]);
      return 2;
    }
  }
  if (n == 0) {
    return 2;
  }
  benchIndex(n);
  benchDevice(n, dir, commit);
  return 0;
}
