// The outbox sender with a real SQLite outbox, a scripted platform sender
// and a fake clock: ordering, retries with backoff, permanent failures.
#include "bot/channels/outbox_sender.h"

#include <catch2/catch.hpp>
#include <thread>

#include "storage/database.h"
#include "flooded_intake.h"
#include "test_support/temp_dir.h"

using namespace bhxh;
using namespace std::chrono;

namespace {

const system_clock::time_point kT0 = system_clock::time_point(seconds(1795662000));

class ScriptedSender final : public PlatformSender {
 public:
  std::vector<SendOutcome> script;  // consumed in order; then kSent
  std::vector<std::string> bodies;  // every body attempted, in order
  SendVerdict Send(const OutboxMessage& m) override {
    bodies.push_back(m.body);
    SendVerdict v;
    v.outcome = SendOutcome::kSent;
    v.reason = "sent";
    if (!script.empty()) {
      v.outcome = script.front();
      script.erase(script.begin());
      v.reason = v.outcome == SendOutcome::kPermanent ? "outside_window" : "server_error";
    }
    return v;
  }
};

struct Harness {
  testing::TempDir dir;
  std::unique_ptr<Database> db;
  std::unique_ptr<Outbox> outbox;
  FakeClock clock{kT0};
  ScriptedSender platform;
  SendingConfig config;
  std::unique_ptr<OutboxSender> sender;

  Harness() {
    auto opened = Database::Open(dir.File("bot.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    outbox = NewSqliteOutbox(*db);
    config.base_backoff_ms = 1000;
    config.max_backoff_ms = 60000;
    config.max_attempts = 3;
    sender = std::make_unique<OutboxSender>(*outbox, config, clock, [] { return 0.0; });
    sender->Register("messenger", &platform, 1e6);
  }
  long long Enqueue(const std::string& user, const std::string& body) {
    OutboxMessage m;
    m.channel = "messenger";
    m.user = user;
    m.body = body;
    m.created = clock.Now();
    m.next_attempt = clock.Now();
    auto ids = outbox->Enqueue({m});
    REQUIRE(ids.ok());
    return ids->front();
  }
  OutboxMessage Row(long long id) {
    auto row = outbox->Get(id);
    REQUIRE(row.ok());
    REQUIRE(row->has_value());
    return **row;
  }
  // Polls until row `id` is sent, for up to 2.5 s (a background sender).
  bool WaitUntilSent(long long id) {
    for (int i = 0; i < 1250; ++i) {
      if (Row(id).status == OutboxStatus::kSent) return true;
      std::this_thread::sleep_for(milliseconds(2));
    }
    return Row(id).status == OutboxStatus::kSent;
  }
};

}  // namespace

TEST_CASE("due rows are sent and marked sent") {
  Harness h;
  const long long a = h.Enqueue("u1", "a");
  const long long b = h.Enqueue("u2", "b");
  CHECK(h.sender->RunOnce() == 2);
  CHECK(h.Row(a).status == OutboxStatus::kSent);
  CHECK(h.Row(b).status == OutboxStatus::kSent);
  CHECK(h.sender->stats().sent == 2);
}

TEST_CASE("a transient failure is retried after the backoff, and a user's later rows wait behind it") {
  Harness h;
  h.platform.script = {SendOutcome::kRetry};
  const long long first = h.Enqueue("u1", "first");
  const long long second = h.Enqueue("u1", "second");
  CHECK(h.sender->RunOnce() == 1);  // only the head of u1
  CHECK(h.Row(first).status == OutboxStatus::kPending);
  CHECK(h.Row(first).attempts == 1);
  CHECK(h.Row(first).last_error.rfind("server_error", 0) == 0);
  // Equal jitter with random 0: half of base_backoff_ms.
  CHECK(h.Row(first).next_attempt == kT0 + milliseconds(500));
  CHECK(h.sender->RunOnce() == 0);  // not due yet; "second" waits behind it
  h.clock.Advance(milliseconds(500));
  h.sender->RunOnce();
  h.sender->RunOnce();
  CHECK(h.Row(first).status == OutboxStatus::kSent);
  CHECK(h.Row(second).status == OutboxStatus::kSent);
  CHECK(h.platform.bodies == std::vector<std::string>{"first", "first", "second"});
}

TEST_CASE("a permanent failure is recorded with its reason and never retried") {
  Harness h;
  h.platform.script = {SendOutcome::kPermanent};
  const long long id = h.Enqueue("u1", "x");
  h.sender->RunOnce();
  CHECK(h.Row(id).status == OutboxStatus::kFailed);
  CHECK(h.Row(id).last_error.rfind("outside_window", 0) == 0);
  h.clock.Advance(hours(1));
  CHECK(h.sender->RunOnce() == 0);
  CHECK(h.platform.bodies.size() == 1);
}

TEST_CASE("a row is given up after max_attempts transient failures") {
  Harness h;
  h.platform.script = {SendOutcome::kRetry, SendOutcome::kRetry, SendOutcome::kRetry,
                       SendOutcome::kRetry};
  const long long id = h.Enqueue("u1", "x");
  for (int i = 0; i < 5; ++i) {
    h.sender->RunOnce();
    h.clock.Advance(minutes(10));
  }
  CHECK(h.Row(id).status == OutboxStatus::kFailed);
  CHECK(h.Row(id).last_error.rfind("gave_up: server_error", 0) == 0);
  CHECK(h.platform.bodies.size() == 3);
}

TEST_CASE("backoff grows exponentially with jitter and is capped") {
  Harness h;
  OutboxSender full(*h.outbox, h.config, h.clock, [] { return 0.999; });
  CHECK(h.sender->Backoff(1) == milliseconds(500));
  CHECK(h.sender->Backoff(2) == milliseconds(1000));
  CHECK(h.sender->Backoff(3) == milliseconds(2000));
  CHECK(full.Backoff(3) >= milliseconds(3990));
  CHECK(full.Backoff(3) <= milliseconds(4000));
  CHECK(h.sender->Backoff(30) == milliseconds(30000));  // cap 60 s, half fixed
}

TEST_CASE("the background sender delivers rows enqueued while it runs") {
  Harness h;
  h.sender->Start();
  const long long id = h.Enqueue("u9", "hello");
  h.sender->Wake();
  (void)h.WaitUntilSent(id);
  h.sender->Stop();
  CHECK(h.Row(id).status == OutboxStatus::kSent);
}

TEST_CASE("while intake is flooded the workers pause before each send, and still send") {
  Harness h;
  auto priority = testing::FloodedIntake(h.clock, milliseconds(1));
  h.sender->YieldTo(priority.get());
  const long long a = h.Enqueue("u1", "first");
  const long long b = h.Enqueue("u1", "second");
  h.sender->Start();
  (void)h.WaitUntilSent(b);
  h.sender->Stop();
  CHECK(h.Row(a).status == OutboxStatus::kSent);
  CHECK(h.Row(b).status == OutboxStatus::kSent);
  CHECK(h.platform.bodies == std::vector<std::string>{"first", "second"});
  CHECK(priority->pauses() >= 2);  // one before each send
}

TEST_CASE("stopping does not wait for a sender's pause to end; its row stays pending") {
  Harness h;
  auto priority = testing::FloodedIntake(h.clock, hours(1));
  h.sender->YieldTo(priority.get());
  const long long id = h.Enqueue("u1", "first");
  h.sender->Start();
  for (int i = 0; i < 1000 && priority->pauses() == 0; ++i) std::this_thread::sleep_for(milliseconds(2));
  REQUIRE(priority->pauses() == 1);
  const auto before = steady_clock::now();
  h.sender->Stop();
  CHECK(steady_clock::now() - before < seconds(10));
  CHECK(h.Row(id).status == OutboxStatus::kPending);
  CHECK(h.platform.bodies.empty());
}
