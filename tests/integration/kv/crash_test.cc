// Crash consistency of the device engine with commit-to-device: a remora-kvd
// process is killed with SIGKILL while client threads write and delete, then
// restarted on the same file. Every acknowledged put must read back with its
// value unless it was later acknowledged-deleted; no acknowledged delete may
// come back. Operations in flight at the kill may land either way.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kv/client/client.h"
#include "tests/test_support/process.h"
#include "tests/test_support/wait.h"

namespace remora::kv {
namespace {

using client::Key;
using client::Value;
using testing::ChildProcess;

constexpr int kWriterThreads = 4;
constexpr int kMaxAckedOps = 4000;
constexpr auto kWorkWindow = std::chrono::milliseconds(1500);
constexpr auto kWorkDeadline = std::chrono::seconds(15);
constexpr auto kStartDeadline = std::chrono::seconds(20);

// What the writers know about one key when the node dies.
enum class KeyState {
  kPutInFlight,     // put sent, no reply: may or may not exist
  kPresent,         // put acknowledged, never deleted
  kDeleteInFlight,  // put acknowledged, delete sent without a reply: either way
  kDeleted,         // put and delete acknowledged: must be gone
};

struct KeyRecord {
  std::string name;
  std::string value;
  KeyState state = KeyState::kPutInFlight;
};

class KvCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::makeTempDir();
    config_path_ = dir_ + "/kvd.yaml";
    testing::writeFile(config_path_,
                       "service:\n"
                       "  address: 127.0.0.1\n"
                       "  port: 3000\n"
                       "namespaces:\n"
                       "  - name: test\n"
                       "    replication-factor: 1\n"
                       "    storage-engine:\n"
                       "      type: device\n"
                       "      devices:\n"
                       "        - path: " + dir_ + "/test.dat\n"
                       "          filesize: 64M\n"
                       // Small blocks and an eager defragmenter, so that sealed
                       // blocks and moved copies are on the device at the kill.
                       "      write-block-size: 64K\n"
                       "      defrag-lwm-pct: 90\n"
                       "      defrag-sleep-ms: 50\n"
                       "      commit-to-device: true\n");
  }
  void TearDown() override {
    client_.reset();
    node_.reset();
    testing::removeTree(dir_);
  }

  // Starts remora-kvd on a fresh port and connects a client once it serves.
  void startNode(const std::string& log_name) {
    client_.reset();
    uint16_t port = testing::freePort();
    std::string log = dir_ + "/" + log_name;
    node_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{testing::binaryDir() + "/kv/node/remora-kvd", "-c", config_path_,
                                 "--port", std::to_string(port), "--threads", "2"},
        log);
    ASSERT_TRUE(testing::waitFor(
        [&] {
          return !node_->running() ||
                 node_->output().find("listening on port") != std::string::npos;
        },
        kStartDeadline))
        << node_->output();
    ASSERT_TRUE(node_->running()) << node_->output();
    client::ClientConfig cc;
    cc.seeds = {"127.0.0.1:" + std::to_string(port)};
    auto c = client::Client::connect(cc);
    ASSERT_TRUE(c.ok()) << c.error().message;
    client_ = std::move(*c);
  }

  static Key key(const std::string& name) { return *Key::make("test", "crash", Value(name)); }

  std::string dir_;
  std::string config_path_;
  std::unique_ptr<ChildProcess> node_;
  std::unique_ptr<client::Client> client_;
};

TEST_F(KvCrashTest, AcknowledgedPutsAndDeletesSurviveKillNine) {
  ASSERT_NO_FATAL_FAILURE(startNode("kvd-1.log"));

  std::atomic<bool> stop{false};
  std::atomic<int> acked_ops{0};
  std::atomic<int> acked_deletes{0};
  std::vector<std::vector<KeyRecord>> per_thread(kWriterThreads);
  std::vector<std::thread> writers;
  client::WritePolicy write;  // no retries: a reply is the only acknowledgement
  write.total_timeout_ms = 5000;
  for (int t = 0; t < kWriterThreads; ++t) {
    writers.emplace_back([&, t] {
      std::vector<KeyRecord>& records = per_thread[t];
      records.reserve(kMaxAckedOps);
      size_t next_delete = 0;
      for (int i = 0; !stop.load(); ++i) {
        KeyRecord& rec = records.emplace_back();
        rec.name = "t" + std::to_string(t) + "-" + std::to_string(i);
        rec.value = rec.name + "-" + std::string(300, static_cast<char>('a' + i % 26));
        // A failed request means the node is gone (or failing): stop, so that
        // only requests sent before the kill are in flight.
        if (!client_->put(write, key(rec.name), {{"v", Value(rec.value)}}).ok()) break;
        rec.state = KeyState::kPresent;
        acked_ops.fetch_add(1);
        // Every third put also deletes this thread's oldest acknowledged key.
        if (i % 3 != 2) continue;
        while (next_delete < records.size() && records[next_delete].state != KeyState::kPresent) {
          ++next_delete;
        }
        if (next_delete >= records.size()) continue;
        KeyRecord& victim = records[next_delete++];
        victim.state = KeyState::kDeleteInFlight;
        auto removed = client_->remove(write, key(victim.name));
        if (!removed.ok()) break;
        ASSERT_TRUE(*removed) << "acknowledged put not found by delete: " << victim.name;
        victim.state = KeyState::kDeleted;
        acked_ops.fetch_add(1);
        acked_deletes.fetch_add(1);
      }
    });
  }

  // Bounded work: the window, stretched (up to a deadline) until at least one
  // delete was acknowledged, or a fixed number of acknowledged operations.
  const auto window_end = std::chrono::steady_clock::now() + kWorkWindow;
  bool worked = testing::waitFor(
      [&] {
        return acked_ops.load() >= kMaxAckedOps ||
               (std::chrono::steady_clock::now() >= window_end && acked_deletes.load() > 0);
      },
      kWorkDeadline);

  // Writers are still running: the kill lands in the middle of requests.
  node_->signal(SIGKILL);
  std::optional<int> status = node_->wait(std::chrono::seconds(10));
  stop.store(true);
  for (auto& w : writers) w.join();
  ASSERT_TRUE(worked) << "acked ops " << acked_ops.load() << ", deletes " << acked_deletes.load();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 128 + SIGKILL);

  ASSERT_NO_FATAL_FAILURE(startNode("kvd-2.log"));

  client::ReadPolicy read;
  read.total_timeout_ms = 5000;
  int checked_present = 0, checked_deleted = 0, in_flight = 0, in_flight_landed = 0;
  for (const auto& records : per_thread) {
    for (const KeyRecord& rec : records) {
      auto got = client_->get(read, key(rec.name));
      ASSERT_TRUE(got.ok() || got.error().code == 2)
          << rec.name << ": " << got.error().message << " (code " << got.error().code << ")";
      std::optional<std::string> value;
      if (got.ok()) {
        auto it = got->bins.find("v");
        ASSERT_NE(it, got->bins.end()) << rec.name;
        ASSERT_TRUE(it->second.isString()) << rec.name << ": " << it->second.toString();
        value = it->second.asString();
      }
      switch (rec.state) {
        case KeyState::kPresent:
          ASSERT_TRUE(value.has_value()) << "acknowledged put lost: " << rec.name;
          EXPECT_EQ(*value, rec.value) << rec.name;
          ++checked_present;
          break;
        case KeyState::kDeleted:
          EXPECT_FALSE(value.has_value()) << "acknowledged delete came back: " << rec.name;
          ++checked_deleted;
          break;
        case KeyState::kPutInFlight:
        case KeyState::kDeleteInFlight:
          // Either outcome is allowed, but never a value that was not written.
          if (value) {
            EXPECT_EQ(*value, rec.value) << rec.name;
            ++in_flight_landed;
          }
          ++in_flight;
          break;
      }
    }
  }
  EXPECT_GT(checked_present, 0);
  EXPECT_GT(checked_deleted, 0);
  std::printf("crash test: %d acknowledged puts present, %d acknowledged deletes absent, "
              "%d in flight at the kill (%d landed)\n",
              checked_present, checked_deleted, in_flight, in_flight_landed);
  RecordProperty("acked_puts_checked", checked_present);
  RecordProperty("acked_deletes_checked", checked_deleted);
}

}  // namespace
}  // namespace remora::kv
