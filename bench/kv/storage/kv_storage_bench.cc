// kv_storage_bench [--records N] [--dir DIR] [--commit] [--threads T] [--reads R] [--prewrite]
//                  [--value-size BYTES]
//
// Prints: the primary index's accounted bytes per record and the process's
// RSS growth per record for N inserts; the device engine's write throughput
// for N records with one bin of BYTES (default 1024) written by T threads
// (each its own slice of keys), and the CPU time those threads spent per
// record;
// the read throughput of those records from the device (T threads, random
// keys, none in the write buffers; R of them, default 200000); and the cold-start time for them.
// --prewrite fills the device file with zeros first (untimed): every block is
// then free but already written once, so the timed writes overwrite allocated
// extents, as fio's looping over its 1 GiB file mostly does. On a new sparse
// file each block's first write also pays the file system's extent
// allocation/conversion (ext4 here: ~560-600 us per 1 MiB instead of ~360).
// A measurement program, not a test: it asserts nothing.

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "kv/index/primary_index.h"
#include "kv/storage/block_buffers.h"
#include "kv/storage/block_format.h"
#include "kv/storage/device_engine.h"
#include "kv/storage/record_codec.h"

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

// Writes zeros over [0, size) of `path` (created if missing), O_DIRECT, and
// syncs. False on any error.
bool prewrite(const std::string& path, uint64_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_DIRECT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return false;
  }
  constexpr uint32_t kChunk = 1u << 20;
  storage::BlockBuffers zeros(kChunk, 1);
  bool ok = true;
  for (uint64_t off = 0; ok && off < size; off += kChunk) {
    const size_t len = static_cast<size_t>(std::min<uint64_t>(kChunk, size - off));
    ok = ::pwrite(fd, zeros.at(0), len, static_cast<off_t>(off)) == static_cast<ssize_t>(len);
  }
  ok = ok && ::fdatasync(fd) == 0;
  ::close(fd);
  return ok;
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

// CPU time of the calling thread.
uint64_t threadCpuNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// Runs `work(thread_index)` on `threads` threads; returns the seconds taken.
template <class Work>
double runThreads(uint32_t threads, Work work) {
  const auto t = Clock::now();
  std::vector<std::thread> pool;
  for (uint32_t i = 0; i < threads; ++i) {
    pool.emplace_back([&work, i] {
      (void)::pthread_setname_np(::pthread_self(), "kvbench-worker");  // for perf --comm
      work(i);
    });
  }
  for (auto& th : pool) {
    th.join();
  }
  return secondsSince(t);
}

void benchDevice(uint64_t n, const std::string& dir, bool commit, uint32_t threads,
                 uint64_t read_count, bool prewritten, uint32_t value_size) {
  storage::StorageConfig config;
  config.kind = storage::EngineKind::kDevice;
  config.namespace_name = "bench";
  storage::Record prototype;
  prototype.set_name = "bench";
  prototype.generation = 1;
  prototype.bins = {storage::Bin{"v", 4, std::string(value_size, 'x')}};
  // A record must fit in one write block (docs/kv_storage.md); the blocks
  // the records fill, half as many again for defrag room, and 16 MiB.
  const uint32_t on_device = storage::alignRecord(storage::encodedRecordSize(prototype));
  const uint32_t per_block = (config.write_block_size - storage::kBlockHeaderSize) / on_device;
  if (on_device == 0 || per_block == 0) {
    std::fprintf(stderr, "a %u-byte value does not fit in a %u-byte write block\n", value_size,
                 config.write_block_size);
    return;
  }
  const uint64_t blocks = (n + per_block - 1) / per_block;
  const uint64_t filesize = (blocks * 3 / 2 + 16) * config.write_block_size;
  config.devices = {storage::DeviceConfig{dir + "/bench.dat", filesize}};
  config.commit_to_device = commit;
  config.defrag_sleep_ms = 0;
  auto clock = std::make_shared<storage::SystemClock>();
  if (prewritten && !prewrite(config.devices[0].path, filesize)) {
    std::fprintf(stderr, "cannot prewrite %s\n", config.devices[0].path.c_str());
    return;
  }
  {
    storage::DeviceEngine engine(config, clock);
    if (!engine.start().ok()) {
      std::fprintf(stderr, "cannot start the device engine\n");
      return;
    }
    // Timed up to the end of the flush + fdatasync. (An overwrite pass of
    // the same keys measured the same: the index's cache misses, not its
    // growth, are what costs.)
    std::atomic<uint64_t> failed{0};
    std::atomic<uint64_t> cpu_ns{0};  // the writing threads' CPU time
    const auto t = Clock::now();
    (void)runThreads(threads, [&](uint32_t self) {
      const uint64_t cpu_before = threadCpuNs();
      storage::Record record = prototype;
      for (uint64_t i = self; i < n; i += threads) {
        record.digest = digestFor(i);
        if (!engine.write(storage::partitionOf(record.digest), record).ok()) {
          failed.fetch_add(1);
          return;
        }
      }
      cpu_ns.fetch_add(threadCpuNs() - cpu_before);
    });
    const bool flushed = engine.flushNow().ok();
    const double secs = secondsSince(t);
    if (failed.load() != 0 || !flushed) {
      std::fprintf(stderr, "writes failed\n");
      return;
    }
    const auto stats = engine.stats();
    // Value bytes only: the record header, bin framing, set name and the
    // padding to 16 bytes and to the block's end are not counted.
    std::printf(
        "device write%s: %llu x %u B records, %u threads, in %.2f s = %.1f MB/s of values, "
        "%.0f writes/s, direct_io=%s, writer CPU %.0f ns/record, %s file\n",
        commit ? " (commit-to-device)" : "", static_cast<unsigned long long>(n), value_size,
        threads, secs, static_cast<double>(n) * value_size / secs / 1e6, n / secs,
        stats.direct_io_fallbacks == 0 ? "yes" : "no",
        static_cast<double>(cpu_ns.load()) / static_cast<double>(n),
        prewritten ? "prewritten" : "new sparse");
    // What reached the device for those values: whole write blocks.
    std::printf(
        "device write layout: %u B per record on the device (%u per %u B block), "
        "values %.1f %% of the block bytes\n",
        on_device, per_block, config.write_block_size,
        100.0 * per_block * value_size / config.write_block_size);
    // Whether the device or the writing threads bound the run: the block
    // writer's time in pwrite, and the writers' time waiting for a buffer.
    std::printf(
        "device write path: %llu block writes, %.0f us each, busy %.0f %% of the run; "
        "%llu waits for a block buffer, %.2f s in all\n",
        static_cast<unsigned long long>(stats.block_writes),
        static_cast<double>(stats.block_write_us) /
            static_cast<double>(std::max<uint64_t>(stats.block_writes, 1)),
        static_cast<double>(stats.block_write_us) / 1e4 / secs,
        static_cast<unsigned long long>(stats.buffer_waits),
        static_cast<double>(stats.buffer_wait_us) / 1e6);
    (void)engine.shutdown();
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
    // Random reads straight after a restart: every record is on the device
    // (O_DIRECT: no page cache), none in a write buffer.
    const uint64_t reads = std::min<uint64_t>(n, read_count);
    if (reads == 0) {
      std::filesystem::remove(dir + "/bench.dat");
      return;
    }
    std::atomic<uint64_t> found{0};
    const double read_secs = runThreads(threads, [&](uint32_t self) {
      uint64_t x = 0x2545f4914f6cdd1dull + self;
      for (uint64_t i = self; i < reads; i += threads) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const auto d = digestFor(x % n);
        auto r = engine.read(storage::partitionOf(d), d);
        if (r.ok() && r->has_value()) {
          found.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
    std::printf(
        "device read: %llu random %u B records, %u threads, in %.2f s = %.0f reads/s, "
        "%.1f MB/s of values, %llu found\n",
        static_cast<unsigned long long>(reads), value_size, threads, read_secs, reads / read_secs,
        static_cast<double>(reads) * value_size / read_secs / 1e6,
        static_cast<unsigned long long>(found.load()));
  }
  std::filesystem::remove(dir + "/bench.dat");
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t n = 1000000;
  std::string dir = "/tmp";
  bool commit = false;
  uint32_t threads = 1;
  uint64_t reads = 200000;
  bool prewritten = false;
  uint32_t value_size = 1024;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--records") == 0 && i + 1 < argc) {
      n = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (std::strcmp(argv[i], "--commit") == 0) {
      commit = true;
    } else if (std::strcmp(argv[i], "--prewrite") == 0) {
      prewritten = true;
    } else if (std::strcmp(argv[i], "--reads") == 0 && i + 1 < argc) {
      reads = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--value-size") == 0 && i + 1 < argc) {
      value_size = static_cast<uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = static_cast<uint32_t>(std::max(1L, std::strtol(argv[++i], nullptr, 10)));
    } else {
      std::fprintf(stderr,
                   "usage: %s [--records N] [--dir DIR] [--commit] [--threads T] [--reads R] "
                   "[--prewrite] [--value-size BYTES]\n",
                   argv[0]);
      return 2;
    }
  }
  if (n == 0) {
    return 2;
  }
  benchIndex(n);
  benchDevice(n, dir, commit, threads, reads, prewritten, value_size);
  return 0;
}
