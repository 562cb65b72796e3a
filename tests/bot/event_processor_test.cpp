// The event processor with real SQLite stores and the real dialog engine:
// what each kind of event does, and that a turn commits as a whole.
#include "bot/channels/event_processor.h"

#include <catch2/catch.hpp>
#include <thread>

#include "storage/database.h"
#include "test_support/shipped_content.h"
#include "flooded_intake.h"
#include "test_support/temp_dir.h"

using namespace bhxh;
using namespace std::chrono;

namespace {

const system_clock::time_point kT0 = system_clock::time_point(seconds(1795662000));

struct Harness {
  testing::TempDir dir;
  std::unique_ptr<Database> db;
  std::unique_ptr<EventInbox> inbox;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<ChannelStateStore> state;
  std::unique_ptr<ConversationStore> conversations;
  std::unique_ptr<QuestionLog> questions;
  std::unique_ptr<UnitOfWork> unit;
  LiveContent content{testing::ShippedSnapshot()};
  FakeClock clock{kT0};
  std::unique_ptr<DialogEngine> engine;
  std::unique_ptr<EventProcessor> processor;

  Harness() {
    auto opened = Database::Open(dir.File("bot.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    inbox = NewSqliteEventInbox(*db);
    outbox = NewSqliteOutbox(*db);
    state = NewSqliteChannelStateStore(*db);
    conversations = NewSqliteConversationStore(*db);
    questions = NewSqliteQuestionLog(*db);
    unit = NewSqliteUnitOfWork(*db);
    engine = std::make_unique<DialogEngine>(content, conversations.get(), questions.get(), clock,
                                            unit.get());
    processor = std::make_unique<EventProcessor>(
        EventProcessorDeps{*inbox, *outbox, *state, *conversations, *questions, *unit, *engine,
                           clock, nullptr},
        2, minutes(60 * 24));
  }
  ChannelEvent Stored(ChannelEventKind kind, const std::string& user, const std::string& id,
                      const std::string& text = "", const std::string& channel = "messenger") {
    ChannelEvent e;
    e.channel = channel;
    e.platform_id = id;
    e.user = user;
    e.kind = kind;
    e.text = text;
    e.at = clock.Now();
    std::vector<long long> ids;
    REQUIRE(inbox->Append({e}, clock.Now(), &ids).ok());
    e.id = ids[0];
    return e;
  }
  size_t Pending() { return outbox->CountByStatus(OutboxStatus::kPending).value(); }
};

}  // namespace

TEST_CASE("a text event produces outbox rows for its replies and is marked done, together") {
  Harness h;
  const ChannelEvent e = h.Stored(ChannelEventKind::kText, "u1", "m1", "mất thẻ bhyt");
  REQUIRE(h.processor->Process(e).ok());
  CHECK(h.inbox->StatusOf(e.id).value() == InboxStatus::kDone);
  auto heads = h.outbox->DueHeads(h.clock.Now(), 10);
  REQUIRE(heads.ok());
  REQUIRE(heads->size() == 1);
  CHECK((*heads)[0].user == "u1");
  CHECK((*heads)[0].event_id == e.id);
  CHECK((*heads)[0].body.find("\"recipient\":{\"id\":\"u1\"}") != std::string::npos);
  CHECK(h.questions->Recent(10, false)->size() == 1);
}

TEST_CASE("Zalo events are rendered for the Zalo API") {
  Harness h;
  const ChannelEvent e = h.Stored(ChannelEventKind::kText, "z1", "zm1", "xin chào", "zalo");
  REQUIRE(h.processor->Process(e).ok());
  auto heads = h.outbox->DueHeads(h.clock.Now(), 10);
  REQUIRE(heads->size() == 1);
  CHECK((*heads)[0].body.find("\"user_id\":\"z1\"") != std::string::npos);
}

TEST_CASE("echoes, standby and unfollow are stored and done without a reply") {
  Harness h;
  for (auto kind : {ChannelEventKind::kEcho, ChannelEventKind::kStandby, ChannelEventKind::kUnfollow}) {
    const ChannelEvent e = h.Stored(kind, "u2", std::string("m-") + ChannelEventKindName(kind));
    REQUIRE(h.processor->Process(e).ok());
    CHECK(h.inbox->StatusOf(e.id).value() == InboxStatus::kDone);
  }
  CHECK(h.Pending() == 0);
}

TEST_CASE("a staff reply pauses the bot for that user until the pause ends") {
  Harness h;
  REQUIRE(h.processor->Process(h.Stored(ChannelEventKind::kHumanReply, "u3", "echo-1")).ok());
  REQUIRE(h.processor->Process(h.Stored(ChannelEventKind::kText, "u3", "m3", "mất thẻ")).ok());
  CHECK(h.Pending() == 0);  // silent while staff handle it
  h.clock.Advance(hours(25));
  REQUIRE(h.processor->Process(h.Stored(ChannelEventKind::kText, "u3", "m4", "mất thẻ")).ok());
  CHECK(h.Pending() == 1);
}

TEST_CASE("media and follow events get the text-only notice and the welcome") {
  Harness h;
  REQUIRE(h.processor->Process(h.Stored(ChannelEventKind::kMedia, "u4", "img")).ok());
  REQUIRE(h.processor->Process(h.Stored(ChannelEventKind::kFollow, "u5", "follow")).ok());
  auto heads = h.outbox->DueHeads(h.clock.Now(), 10);
  REQUIRE(heads->size() == 2);
  CHECK((*heads)[0].body.find("chỉ đọc được tin nhắn chữ") != std::string::npos);
  CHECK((*heads)[1].body.find("trợ lý tự động") != std::string::npos);
}

TEST_CASE("a withdraw request deletes the user's conversation, questions, outbox rows and events") {
  Harness h;
  REQUIRE(h.processor->Process(h.Stored(ChannelEventKind::kText, "u6", "m6", "mất thẻ bhyt")).ok());
  REQUIRE(h.Pending() == 1);
  REQUIRE(h.processor->Process(h.Stored(ChannelEventKind::kWithdraw, "u6", "w6")).ok());
  CHECK(h.Pending() == 0);
  CHECK_FALSE(h.conversations->Load({"messenger", "u6"})->has_value());
  CHECK(h.questions->Recent(10, false)->empty());
  CHECK(h.inbox->Pending(10)->empty());
}

TEST_CASE("recovery queues the events left pending by a crash and handles them in order") {
  Harness h;
  h.Stored(ChannelEventKind::kText, "u7", "m7a", "xin chào");
  h.Stored(ChannelEventKind::kText, "u7", "m7b", "cảm ơn");
  h.processor->Start();
  auto recovered = h.processor->Recover();
  REQUIRE(recovered.ok());
  CHECK(*recovered == 2);
  h.processor->WaitIdle();
  h.processor->Stop();
  CHECK(h.inbox->Pending(10)->empty());
  auto heads = h.outbox->DueHeads(h.clock.Now(), 10);
  REQUIRE(heads->size() == 1);  // one head per user
  CHECK((*heads)[0].body.find("trợ lý tự động") != std::string::npos);  // "xin chào" first
}

namespace {

// The harness's stores and engine, with workers that step back for
// `priority` (null: never) and hold at most `max_queued` events in memory.
std::unique_ptr<EventProcessor> Paced(Harness& h, IntakePriority* priority, int workers,
                                      size_t max_queued = 10000) {
  return std::make_unique<EventProcessor>(
      EventProcessorDeps{*h.inbox, *h.outbox, *h.state, *h.conversations, *h.questions, *h.unit,
                         *h.engine, h.clock, nullptr, {}, priority},
      workers, minutes(60), max_queued);
}

}  // namespace

TEST_CASE("while intake is flooded the workers pause before each event, and still handle them all") {
  Harness h;
  auto priority = testing::FloodedIntake(h.clock, milliseconds(1));
  auto paced = Paced(h, priority.get(), 2);
  h.Stored(ChannelEventKind::kText, "u1", "p1", "xin chào");
  h.Stored(ChannelEventKind::kText, "u2", "p2", "xin chào");
  h.Stored(ChannelEventKind::kText, "u1", "p3", "cảm ơn");
  paced->Start();
  REQUIRE(paced->Recover().value() == 3);
  paced->WaitIdle();
  paced->Stop();
  CHECK(h.inbox->Pending(10)->empty());
  CHECK(priority->flooded());
  CHECK(priority->pauses() >= 3);  // one before each event
}

TEST_CASE("stopping does not wait for a worker's pause to end; its event stays pending") {
  Harness h;
  auto priority = testing::FloodedIntake(h.clock, hours(1));
  auto paced = Paced(h, priority.get(), 1);
  h.Stored(ChannelEventKind::kText, "u1", "q1", "xin chào");
  paced->Start();
  REQUIRE(paced->Recover().value() == 1);
  for (int i = 0; i < 1000 && priority->pauses() == 0; ++i) std::this_thread::sleep_for(milliseconds(2));
  REQUIRE(priority->pauses() == 1);
  const auto before = steady_clock::now();
  paced->Stop();
  CHECK(steady_clock::now() - before < seconds(10));
  CHECK(h.inbox->Pending(10)->size() == 1);
}

namespace {

// Every user's replies were written in the order of their events: the
// outbox rows' event ids never go down per user.
bool RepliesInEventOrder(Outbox& outbox, const std::vector<std::string>& users) {
  for (const auto& user : users) {
    long long last = 0;
    for (long long id = 1; id < 1000; ++id) {
      auto row = outbox.Get(id);
      if (!row.ok() || !row->has_value() || (*row)->user != user) continue;
      if ((*row)->event_id < last) return false;
      last = (*row)->event_id;
    }
  }
  return true;
}

// The verdict of the read-back tests: no event left pending, at least one
// reply row per event, and each user's replies in the order of their events.
void CheckEveryEventAnsweredInOrder(Harness& h, size_t events,
                                    const std::vector<std::string>& users) {
  CHECK(h.inbox->Pending(100)->empty());
  CHECK(h.outbox->CountByStatus(OutboxStatus::kPending).value() >= events);
  CHECK(RepliesInEventOrder(*h.outbox, users));
}

}  // namespace

TEST_CASE("a backlog larger than the queue is read back from the inbox, every event once, in order") {
  Harness h;
  auto small = Paced(h, nullptr, 3, /*max_queued=*/2);
  const std::vector<std::string> users = {"u1", "u2", "u3"};
  const std::vector<std::string> texts = {"xin chào", "mất thẻ bhyt", "cảm ơn", "bhxh tự nguyện"};
  for (int i = 0; i < 12; ++i) {
    h.Stored(ChannelEventKind::kText, users[i % 3], "r" + std::to_string(i), texts[i % 4]);
  }
  small->Start();
  REQUIRE(small->Recover().value() == 12);
  small->WaitIdle();
  small->Stop();
  CheckEveryEventAnsweredInOrder(h, 12, users);
}

TEST_CASE("events submitted while the queue is full wait in the inbox and are handled after") {
  Harness h;
  // Workers pause 20 ms per event, so submissions outrun them.
  auto priority = testing::FloodedIntake(h.clock, milliseconds(20));
  auto small = Paced(h, priority.get(), 2, /*max_queued=*/2);
  small->Start();
  const std::vector<std::string> users = {"u1", "u2"};
  for (int i = 0; i < 10; ++i) {
    small->Submit(h.Stored(ChannelEventKind::kText, users[i % 2], "s" + std::to_string(i),
                          i % 2 ? "cảm ơn" : "xin chào"));
  }
  small->WaitIdle();
  small->Stop();
  CheckEveryEventAnsweredInOrder(h, 10, users);
}

TEST_CASE("an event left in the inbox by its submitter is read back, before the user's next ones") {
  // What the webhook route does when it cannot copy a committed event.
  Harness h;
  h.processor->Start();
  const ChannelEvent first = h.Stored(ChannelEventKind::kText, "u1", "l0", "xin chào");
  h.processor->LeaveInInbox(first.id);
  h.processor->Submit(h.Stored(ChannelEventKind::kText, "u1", "l1", "mất thẻ bhyt"));
  h.processor->Submit(h.Stored(ChannelEventKind::kText, "u2", "l2", "cảm ơn"));
  h.processor->WaitIdle();  // an idle worker was woken for the read-back
  h.processor->Stop();
  CheckEveryEventAnsweredInOrder(h, 3, {"u1", "u2"});
}

TEST_CASE("an event erased while waiting in the inbox does not stall the read-back") {
  Harness h;
  auto priority = testing::FloodedIntake(h.clock, milliseconds(20));
  auto small = Paced(h, priority.get(), 1, /*max_queued=*/1);
  small->Start();
  small->Submit(h.Stored(ChannelEventKind::kText, "u1", "e0", "xin chào"));
  const ChannelEvent gone = h.Stored(ChannelEventKind::kText, "u9", "e1", "xin chào");
  small->Submit(gone);  // the queue is full: left in the inbox
  REQUIRE(h.inbox->DeleteUser("messenger", "u9").ok());
  small->Submit(h.Stored(ChannelEventKind::kText, "u2", "e2", "xin chào"));
  small->WaitIdle();  // returns: the erased event is not waited for
  small->Stop();
  CHECK(h.inbox->Pending(100)->empty());
}
