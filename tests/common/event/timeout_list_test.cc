#include "common/event/timeout_list.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace remora::event {
namespace {

using std::chrono::milliseconds;

// An entry that runs a callback: the tests' stand-in for an owner.
class CallbackEntry : public TimeoutList::Entry {
 public:
  explicit CallbackEntry(std::function<void()> cb) : cb_(std::move(cb)) {}
  ~CallbackEntry() = default;

 private:
  void onTimeout() override { cb_(); }
  std::function<void()> cb_;
};

class TimeoutListTest : public ::testing::Test {
 protected:
  // Runs the loop until no timer is left (the list's timer stops once it is empty).
  void run() { dispatcher_->run(RunType::UntilNoEvents); }

  DispatcherPtr dispatcher_ = createDispatcher("test");
  std::vector<std::string> fired_;
};

TEST_F(TimeoutListTest, EntriesFireInDeadlineOrderAfterTheDuration) {
  TimeoutList& list = dispatcher_->timeoutList(milliseconds(20));
  EXPECT_EQ(&list, &dispatcher_->timeoutList(milliseconds(20)));  // one list per duration
  CallbackEntry a([&] { fired_.push_back("a"); });
  CallbackEntry b([&] { fired_.push_back("b"); });
  auto start = std::chrono::steady_clock::now();
  a.restart(list);
  b.restart(list);
  EXPECT_TRUE(a.armed());
  run();
  EXPECT_EQ(fired_, (std::vector<std::string>{"a", "b"}));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(20));  // never early
  EXPECT_FALSE(a.armed());
  EXPECT_TRUE(list.empty());
}

TEST_F(TimeoutListTest, RestartPushesTheDeadlineBack) {
  TimeoutList& list = dispatcher_->timeoutList(milliseconds(40));
  CallbackEntry a([&] { fired_.push_back("a"); });
  CallbackEntry b([&] { fired_.push_back("b"); });
  a.restart(list);
  b.restart(list);
  // Activity on `a` 20 ms in: it now times out after `b`, though it was armed first.
  TimerPtr activity = dispatcher_->createTimer([&] { a.restart(list); });
  activity->enableTimer(milliseconds(20));
  run();
  EXPECT_EQ(fired_, (std::vector<std::string>{"b", "a"}));
}

TEST_F(TimeoutListTest, CancelledEntryNeverFires) {
  TimeoutList& list = dispatcher_->timeoutList(milliseconds(5));
  CallbackEntry a([&] { fired_.push_back("a"); });
  CallbackEntry b([&] { fired_.push_back("b"); });
  a.restart(list);
  b.restart(list);
  a.cancel();
  a.cancel();  // harmless twice
  run();
  EXPECT_EQ(fired_, (std::vector<std::string>{"b"}));
}

TEST_F(TimeoutListTest, CallbackMayDestroyOtherEntriesOrRestartItself) {
  TimeoutList& list = dispatcher_->timeoutList(milliseconds(5));
  auto victim = std::make_unique<CallbackEntry>([&] { fired_.push_back("victim"); });
  int again = 0;
  CallbackEntry* self = nullptr;
  CallbackEntry killer([&] {
    fired_.push_back("killer");
    victim.reset();  // due at the same time, after this one
    if (++again < 2) self->restart(list);
  });
  self = &killer;
  killer.restart(list);
  victim->restart(list);
  run();
  EXPECT_EQ(fired_, (std::vector<std::string>{"killer", "killer"}));
}

TEST_F(TimeoutListTest, DestroyingTheDispatcherDisarmsEntries) {
  CallbackEntry a([&] { fired_.push_back("a"); });
  a.restart(dispatcher_->timeoutList(milliseconds(1000)));
  dispatcher_.reset();
  EXPECT_FALSE(a.armed());  // and its destructor has nothing to unlink
  EXPECT_TRUE(fired_.empty());
}

}  // namespace
}  // namespace remora::event
