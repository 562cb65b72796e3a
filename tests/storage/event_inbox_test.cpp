#include "storage/event_inbox.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <future>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "storage/database.h"
#include "storage/unit_of_work.h"
#include "tests/storage/scratch_dir.h"

namespace bhxh {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// 2026-11-26T15:19:49.123Z plus `s` seconds.
system_clock::time_point Second(int s) {
  return system_clock::time_point(milliseconds(1795706389123LL) + std::chrono::seconds(s));
}

ChannelEvent Event(const std::string& platform_id, const std::string& text = "xin chào") {
  ChannelEvent e;
  e.channel = "zalo";
  e.platform_id = platform_id;
  e.user = "user-1";
  e.recipient = "oa-1";
  e.kind = ChannelEventKind::kText;
  e.text = text;
  e.raw_type = "user_send_text";
  e.at = Second(0);
  return e;
}

std::vector<bool> AppendOrFail(EventInbox& inbox, const std::vector<ChannelEvent>& events,
                               system_clock::time_point received = Second(1)) {
  Result<std::vector<bool>> inserted = inbox.Append(events, received);
  INFO(inserted.status().message());
  REQUIRE(inserted.ok());
  return *inserted;
}

std::vector<ChannelEvent> PendingOrFail(EventInbox& inbox, size_t limit = 100) {
  Result<std::vector<ChannelEvent>> pending = inbox.Pending(limit);
  INFO(pending.status().message());
  REQUIRE(pending.ok());
  return *pending;
}

std::vector<std::string> PlatformIds(const std::vector<ChannelEvent>& events) {
  std::vector<std::string> ids;
  for (const ChannelEvent& e : events) ids.push_back(e.platform_id);
  return ids;
}

std::string Query(Database& db, const std::string& sql) {
  std::string text;
  RequireOk(db.WithConnection([&](sqlite3* c) {
    text = RawConnection::QueryTextOn(c, sql);
    return Status::Ok();
  }));
  return text;
}

long long CountEvents(Database& db) {
  return std::stoll(Query(db, "SELECT count(*) FROM inbox_events"));
}

std::future<Result<std::vector<bool>>> AppendOnThread(EventInbox& inbox,
                                                   std::vector<ChannelEvent> events) {
  return std::async(std::launch::async,
                    [&inbox, events] { return inbox.Append(events, Second(1)); });
}

// Makes the database's writer put the requests of each `later` entry in
// one batch, after a first batch holding `first` alone: the test holds the
// connection, so the writer, having taken `first`, waits for it while the
// others queue in order. Returns the futures of `first` and then of each
// of `later`.
std::vector<std::future<Result<std::vector<bool>>>> AppendInTwoBatches(
    Database& db, EventInbox& inbox, const std::vector<ChannelEvent>& first,
    const std::vector<std::vector<ChannelEvent>>& later) {
  std::vector<std::future<Result<std::vector<bool>>>> futures;
  RequireOk(db.WithConnection([&](sqlite3*) {
    const size_t started = db.batches_started();
    futures.push_back(AppendOnThread(inbox, first));
    REQUIRE(WaitFor([&] { return db.batches_started() == started + 1; }));
    for (size_t i = 0; i < later.size(); ++i) {
      futures.push_back(AppendOnThread(inbox, later[i]));
      REQUIRE(WaitFor([&] { return db.transactions_queued() == i + 1; }));
    }
    return Status::Ok();
  }));
  return futures;
}

TEST_CASE("Every event kind has a stable name that parses back") {
  ChannelEventKind kind;
  std::string name;
  std::tie(kind, name) = GENERATE(table<ChannelEventKind, std::string>({
      {ChannelEventKind::kText, "text"},
      {ChannelEventKind::kPayload, "payload"},
      {ChannelEventKind::kMedia, "media"},
      {ChannelEventKind::kFollow, "follow"},
      {ChannelEventKind::kUnfollow, "unfollow"},
      {ChannelEventKind::kUserInfo, "user_info"},
      {ChannelEventKind::kHumanReply, "human_reply"},
      {ChannelEventKind::kWithdraw, "withdraw"},
      {ChannelEventKind::kStandby, "standby"},
      {ChannelEventKind::kEcho, "echo"},
  }));
  CAPTURE(name);
  CHECK(std::string(ChannelEventKindName(kind)) == name);
  ChannelEventKind parsed = ChannelEventKind::kText;
  CHECK(ParseChannelEventKind(name, &parsed));
  CHECK(parsed == kind);

  // And an event of that kind comes back from the inbox with it.
  auto db = OpenOrFail(":memory:");
  auto inbox = NewSqliteEventInbox(*db);
  ChannelEvent e = Event("m-1");
  e.kind = kind;
  AppendOrFail(*inbox, {e});
  std::vector<ChannelEvent> pending = PendingOrFail(*inbox);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].kind == kind);
  CHECK(Query(*db, "SELECT kind FROM inbox_events") == name);
}

TEST_CASE("A name that is no event kind does not parse") {
  const std::string name = GENERATE(as<std::string>{}, "", "Text", "unknown", "text ", "postback");
  CAPTURE(name);
  ChannelEventKind parsed = ChannelEventKind::kEcho;
  CHECK_FALSE(ParseChannelEventKind(name, &parsed));
  CHECK(parsed == ChannelEventKind::kEcho);
}

TEST_CASE("Appended events are stored with all their fields and read back in arrival order") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto inbox = NewSqliteEventInbox(*db);
  ChannelEvent text = Event("msg-1", "Mất thẻ BHYT thì làm sao?");
  text.at = Second(0) + std::chrono::microseconds(999);  // floored to the millisecond
  ChannelEvent payload;
  payload.channel = "messenger";
  payload.platform_id = "mid.$cAAJ";
  payload.user = "psid-7";
  payload.recipient = "page-3";
  payload.kind = ChannelEventKind::kPayload;
  payload.payload = "MENU_MEETINGS";
  payload.raw_type = "postback";
  payload.at = Second(-5);

  CHECK(AppendOrFail(*inbox, {text, payload}, Second(2)) == std::vector<bool>{true, true});

  std::vector<ChannelEvent> pending = PendingOrFail(*inbox);
  REQUIRE(pending.size() == 2);
  const ChannelEvent& a = pending[0];
  CHECK(a.id > 0);
  CHECK(a.channel == "zalo");
  CHECK(a.platform_id == "msg-1");
  CHECK(a.user == "user-1");
  CHECK(a.recipient == "oa-1");
  CHECK(a.kind == ChannelEventKind::kText);
  CHECK(a.text == "Mất thẻ BHYT thì làm sao?");
  CHECK(a.payload == "");
  CHECK(a.raw_type == "user_send_text");
  CHECK(a.at == Second(0));
  const ChannelEvent& b = pending[1];
  CHECK(b.id > a.id);
  CHECK(b.channel == "messenger");
  CHECK(b.platform_id == "mid.$cAAJ");
  CHECK(b.user == "psid-7");
  CHECK(b.recipient == "page-3");
  CHECK(b.kind == ChannelEventKind::kPayload);
  CHECK(b.text == "");
  CHECK(b.payload == "MENU_MEETINGS");
  CHECK(b.raw_type == "postback");
  CHECK(b.at == Second(-5));

  // The receive time is the request's, for every event of it.
  CHECK(Query(*db, "SELECT group_concat(received_ms) FROM inbox_events") ==
        std::to_string(1795706391123LL) + "," + std::to_string(1795706391123LL));
  CHECK(Query(*db,
              "SELECT count(*) FROM inbox_events WHERE status = 'pending' AND done_ms IS NULL") ==
        "2");
}

TEST_CASE("A redelivered event is not inserted again and keeps its first content") {
  auto db = OpenOrFail(":memory:");
  auto inbox = NewSqliteEventInbox(*db);
  CHECK(AppendOrFail(*inbox, {Event("msg-1", "first")}) == std::vector<bool>{true});

  SECTION("in a later request") {
    CHECK(AppendOrFail(*inbox, {Event("msg-1", "second"), Event("msg-2")}) ==
          std::vector<bool>{false, true});
    std::vector<ChannelEvent> pending = PendingOrFail(*inbox);
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].text == "first");
  }
  SECTION("after it was processed: it stays done") {
    const long long id = PendingOrFail(*inbox)[0].id;
    RequireOk(inbox->MarkDone(id, Second(3)));
    CHECK(AppendOrFail(*inbox, {Event("msg-1", "second")}) == std::vector<bool>{false});
    CHECK(PendingOrFail(*inbox).empty());
    CHECK(inbox->StatusOf(id).value() == InboxStatus::kDone);
  }
  SECTION("the same platform id on another channel is another event") {
    ChannelEvent other = Event("msg-1", "other");
    other.channel = "messenger";
    CHECK(AppendOrFail(*inbox, {other}) == std::vector<bool>{true});
    CHECK(PlatformIds(PendingOrFail(*inbox)) == std::vector<std::string>{"msg-1", "msg-1"});
  }
  CHECK(Query(*db,
              "SELECT text FROM inbox_events WHERE channel = 'zalo' AND platform_id = 'msg-1'") ==
        "first");
}

TEST_CASE("AppendAsync returns before the commit and then reports what Append would, with row ids") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto inbox = NewSqliteEventInbox(*db);
  AppendOrFail(*inbox, {Event("old")});
  struct Report {
    Result<std::vector<bool>> inserted;
    std::vector<long long> ids;
  };
  std::promise<Report> reported;
  auto report = reported.get_future();
  auto events = std::make_shared<const std::vector<ChannelEvent>>(
      std::vector<ChannelEvent>{Event("new-1"), Event("old"), Event("new-2")});
  // Holding the connection keeps the writer from committing meanwhile.
  RequireOk(db->WithConnection([&](sqlite3*) {
    std::thread caller([&] {
      inbox->AppendAsync(events, Second(2), [&](Result<std::vector<bool>> inserted, std::vector<long long> ids) {
        reported.set_value(Report{std::move(inserted), std::move(ids)});
      });
    });
    caller.join();
    CHECK(report.wait_for(milliseconds(50)) == std::future_status::timeout);
    return Status::Ok();
  }));
  Report r = report.get();
  INFO(r.inserted.status().message());
  REQUIRE(r.inserted.ok());
  CHECK(*r.inserted == std::vector<bool>{true, false, true});
  REQUIRE(r.ids.size() == 3);
  CHECK(r.ids[1] == 0);
  CHECK(Query(*db, "SELECT platform_id FROM inbox_events WHERE id = " + std::to_string(r.ids[0])) == "new-1");
  CHECK(Query(*db, "SELECT platform_id FROM inbox_events WHERE id = " + std::to_string(r.ids[2])) == "new-2");
}

TEST_CASE("AppendAsync refuses an invalid event on the calling thread and stores nothing") {
  auto db = OpenOrFail(":memory:");
  auto inbox = NewSqliteEventInbox(*db);
  ChannelEvent no_key = Event("");
  bool called = false;
  Status status;
  inbox->AppendAsync(std::make_shared<const std::vector<ChannelEvent>>(
                         std::vector<ChannelEvent>{Event("fine"), no_key}),
                     Second(1), [&](Result<std::vector<bool>> inserted, std::vector<long long> ids) {
                       called = true;
                       status = inserted.status();
                       CHECK(ids.empty());
                     });
  CHECK(called);
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK(status.message() == "inbox: event 1 of the request has no platform_id");
  CHECK(CountEvents(*db) == 0);
}

TEST_CASE("A key repeated inside one request is inserted for its first occurrence only") {
  auto db = OpenOrFail(":memory:");
  auto inbox = NewSqliteEventInbox(*db);
  CHECK(AppendOrFail(*inbox, {Event("a", "one"), Event("b"), Event("a", "two")}) ==
        std::vector<bool>{true, true, false});
  CHECK(CountEvents(*db) == 2);
  CHECK(Query(*db, "SELECT text FROM inbox_events WHERE platform_id = 'a'") == "one");
}

TEST_CASE("A key repeated by two requests of the same batch is inserted for the earlier one") {
  auto db = OpenOrFail(":memory:");
  auto inbox_owner = NewSqliteEventInbox(*db);
  EventInbox& inbox = *inbox_owner;
  auto futures = AppendInTwoBatches(
      *db, inbox, {Event("first")},
      {{Event("dup", "earlier"), Event("x")}, {Event("y"), Event("dup", "later")}});
  std::vector<std::vector<bool>> results;
  for (auto& f : futures) {
    Result<std::vector<bool>> r = f.get();
    INFO(r.status().message());
    REQUIRE(r.ok());
    results.push_back(*r);
  }
  CHECK(results == std::vector<std::vector<bool>>{{true}, {true, true}, {true, false}});
  CHECK(db->batches_started() == 2);
  CHECK(db->batches_committed() == 2);
  CHECK(Query(*db, "SELECT text FROM inbox_events WHERE platform_id = 'dup'") == "earlier");
  CHECK(PlatformIds(PendingOrFail(inbox)) == std::vector<std::string>{"first", "dup", "x", "y"});
}

TEST_CASE("Pending lists unprocessed events oldest first, at most the limit") {
  auto db = OpenOrFail(":memory:");
  auto inbox = NewSqliteEventInbox(*db);
  AppendOrFail(*inbox, {Event("m1"), Event("m2")});
  AppendOrFail(*inbox, {Event("m3")});
  AppendOrFail(*inbox, {Event("m4")});
  std::vector<ChannelEvent> all = PendingOrFail(*inbox);
  REQUIRE(PlatformIds(all) == std::vector<std::string>{"m1", "m2", "m3", "m4"});

  CHECK(PlatformIds(PendingOrFail(*inbox, 2)) == std::vector<std::string>{"m1", "m2"});
  CHECK(PendingOrFail(*inbox, 0).empty());

  RequireOk(inbox->MarkDone(all[1].id, Second(5)));
  RequireOk(inbox->MarkDone(all[2].id, Second(5)));
  CHECK(PlatformIds(PendingOrFail(*inbox, 2)) == std::vector<std::string>{"m1", "m4"});
}

TEST_CASE("MarkDone marks an event done once and reports unknown events") {
  auto db = OpenOrFail(":memory:");
  auto inbox = NewSqliteEventInbox(*db);
  AppendOrFail(*inbox, {Event("m1")});
  const long long id = PendingOrFail(*inbox)[0].id;
  CHECK(inbox->StatusOf(id).value() == InboxStatus::kPending);

  RequireOk(inbox->MarkDone(id, Second(10)));
  CHECK(inbox->StatusOf(id).value() == InboxStatus::kDone);
  CHECK(Query(*db, "SELECT done_ms FROM inbox_events") == std::to_string(1795706399123LL));

  SECTION("marking it again is OK and keeps the first time") {
    RequireOk(inbox->MarkDone(id, Second(20)));
    CHECK(Query(*db, "SELECT done_ms FROM inbox_events") == std::to_string(1795706399123LL));
  }
  SECTION("an id that is not in the inbox is NotFound") {
    Status s = inbox->MarkDone(id + 1, Second(20));
    CHECK(s.code() == StatusCode::kNotFound);
    CHECK(s.message() == "inbox: event " + std::to_string(id + 1) + " not found");
    Result<InboxStatus> status = inbox->StatusOf(id + 1);
    REQUIRE_FALSE(status.ok());
    CHECK(status.status().code() == StatusCode::kNotFound);
    CHECK(status.status().message() == "inbox: event " + std::to_string(id + 1) + " not found");
  }
}

TEST_CASE("MarkDone inside a unit of work commits and rolls back with it") {
  auto db = OpenOrFail(":memory:");
  auto inbox = NewSqliteEventInbox(*db);
  auto unit = NewSqliteUnitOfWork(*db);
  AppendOrFail(*inbox, {Event("m1")});
  const long long id = PendingOrFail(*inbox)[0].id;

  SECTION("a unit that fails after it leaves the event pending") {
    Status s = unit->Run([&] {
      RequireOk(inbox->MarkDone(id, Second(5)));
      return Unavailable("the reply could not be queued");
    });
    CHECK(s.message() == "the reply could not be queued");
    CHECK(inbox->StatusOf(id).value() == InboxStatus::kPending);
    CHECK(PendingOrFail(*inbox).size() == 1);
  }
  SECTION("a unit that succeeds commits it") {
    RequireOk(unit->Run([&] { return inbox->MarkDone(id, Second(5)); }));
    CHECK(inbox->StatusOf(id).value() == InboxStatus::kDone);
  }
}

TEST_CASE("Events survive closing and reopening the database") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  long long done_id = 0;
  {
    auto db = OpenOrFail(path);
    auto inbox = NewSqliteEventInbox(*db);
    AppendOrFail(*inbox, {Event("m1", "một"), Event("m2", "hai")});
    done_id = PendingOrFail(*inbox)[0].id;
    RequireOk(inbox->MarkDone(done_id, Second(4)));
  }
  auto db = OpenOrFail(path);
  auto inbox = NewSqliteEventInbox(*db);
  std::vector<ChannelEvent> pending = PendingOrFail(*inbox);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].platform_id == "m2");
  CHECK(pending[0].text == "hai");
  CHECK(inbox->StatusOf(done_id).value() == InboxStatus::kDone);
  // The keys survive too: a redelivery after a restart is recognised.
  CHECK(AppendOrFail(*inbox, {Event("m1"), Event("m2")}) == std::vector<bool>{false, false});
}

TEST_CASE("Events appended by a process killed right after Append returned are in the inbox") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child: no Catch2 here; exit codes tell what went wrong.
    Result<std::unique_ptr<Database>> db = Database::Open(path);
    if (!db.ok()) _exit(2);
    auto inbox = NewSqliteEventInbox(**db);
    if (!inbox->Append({Event("m1", "trước khi chết")}, Second(1)).ok()) _exit(3);
    raise(SIGKILL);  // no destructor, no checkpoint, no close
    _exit(4);
  }
  int wait_status = 0;
  REQUIRE(waitpid(child, &wait_status, 0) == child);
  REQUIRE(WIFSIGNALED(wait_status));
  CHECK(WTERMSIG(wait_status) == SIGKILL);

  auto db = OpenOrFail(path);
  auto inbox = NewSqliteEventInbox(*db);
  std::vector<ChannelEvent> pending = PendingOrFail(*inbox);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].text == "trước khi chết");
}

TEST_CASE("Concurrent appends are each committed exactly once, several per transaction") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto inbox_owner = NewSqliteEventInbox(*db);
  EventInbox& inbox = *inbox_owner;
  constexpr int kThreads = 8;
  constexpr int kAppendsPerThread = 250;  // 2,000 events, one per Append
  std::vector<std::thread> threads;
  // No Catch2 macros in the threads: its assertions are not thread-safe.
  std::vector<std::string> failures(kThreads);
  std::vector<int> inserted(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsPerThread; ++i) {
        ChannelEvent e = Event("t" + std::to_string(t) + "-" + std::to_string(i));
        e.user = "user-" + std::to_string(t);
        Result<std::vector<bool>> r = inbox.Append({e}, Second(1));
        if (!r.ok()) {
          failures[t] = r.status().message();
        } else if (r->size() == 1 && (*r)[0]) {
          ++inserted[t];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();

  for (int t = 0; t < kThreads; ++t) {
    CAPTURE(t);
    CHECK(failures[t] == "");
    CHECK(inserted[t] == kAppendsPerThread);
  }
  constexpr int kTotal = kThreads * kAppendsPerThread;
  CHECK(CountEvents(*db) == kTotal);
  CHECK(Query(*db, "SELECT count(DISTINCT platform_id) FROM inbox_events") ==
        std::to_string(kTotal));
  // Each thread's events in the order it appended them.
  CHECK(Query(*db,
              "SELECT group_concat(platform_id) FROM (SELECT platform_id FROM inbox_events "
              "WHERE user_id = 'user-3' ORDER BY id) WHERE platform_id LIKE 't3-24_'") ==
        "t3-240,t3-241,t3-242,t3-243,t3-244,t3-245,t3-246,t3-247,t3-248,t3-249");
  CAPTURE(db->batches_committed());
  CHECK(db->batches_committed() == db->batches_started());
  CHECK(db->batches_committed() < static_cast<size_t>(kTotal));
  CHECK(db->transactions_queued() == 0);
}

TEST_CASE("Two requests delivering the same events at once insert each event exactly once") {
  auto db = OpenOrFail(":memory:");
  auto inbox_owner = NewSqliteEventInbox(*db);
  EventInbox& inbox = *inbox_owner;
  constexpr int kEvents = 300;
  std::vector<std::vector<bool>> results(2);
  std::vector<std::string> failures(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEvents; ++i) {
        Result<std::vector<bool>> r = inbox.Append({Event("m" + std::to_string(i))}, Second(1));
        if (!r.ok()) failures[t] = r.status().message();
        results[t].push_back(r.ok() && (*r)[0]);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(failures == std::vector<std::string>{"", ""});
  int inserted_by_both = 0;
  int inserted_by_none = 0;
  for (int i = 0; i < kEvents; ++i) {
    if (results[0][i] && results[1][i]) ++inserted_by_both;
    if (!results[0][i] && !results[1][i]) ++inserted_by_none;
  }
  CHECK(inserted_by_both == 0);
  CHECK(inserted_by_none == 0);
  CHECK(CountEvents(*db) == kEvents);
}

TEST_CASE("A request whose insert fails gets its error and stores nothing; its batch goes on") {
  auto db = OpenOrFail(":memory:");
  auto inbox_owner = NewSqliteEventInbox(*db);
  EventInbox& inbox = *inbox_owner;
  // The stand-in for a bad row: a trigger that aborts the statement.
  RequireOk(db->WithConnection([](sqlite3* c) {
    RawConnection::QueryTextOn(c,
                               "CREATE TRIGGER poison BEFORE INSERT ON inbox_events "
                               "WHEN NEW.text = 'poison' "
                               "BEGIN SELECT RAISE(ABORT, 'poisoned event'); END");
    return Status::Ok();
  }));

  SECTION("several requests in one batch, one of them failing") {
    auto futures = AppendInTwoBatches(
        *db, inbox, {Event("before")},
        {{Event("b1"), Event("b2")}, {Event("c1"), Event("c2", "poison")}, {Event("d1")}});
    std::vector<Status> statuses;
    for (auto& f : futures) statuses.push_back(f.get().status());
    CHECK(statuses[0].ok());
    CHECK(statuses[1].ok());
    CHECK(statuses[2].code() == StatusCode::kInvalidArgument);
    CHECK(statuses[2].message() == "inbox: append: poisoned event");
    CHECK(statuses[3].ok());
    CHECK(db->batches_started() == 2);
    CHECK(db->batches_committed() == 2);
    // Nothing of the failed request, all of the others.
    CHECK(PlatformIds(PendingOrFail(inbox)) ==
          std::vector<std::string>{"before", "b1", "b2", "d1"});
  }
  SECTION("one request whose last event fails") {
    Result<std::vector<bool>> r =
        inbox.Append({Event("a1"), Event("a2"), Event("a3", "poison")}, Second(1));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "inbox: append: poisoned event");
    CHECK(CountEvents(*db) == 0);
  }
  CHECK(AppendOrFail(inbox, {Event("after")}) == std::vector<bool>{true});
}

TEST_CASE("Requests without their key are refused before they reach a batch") {
  auto db = OpenOrFail(":memory:");
  auto inbox_owner = NewSqliteEventInbox(*db);
  EventInbox& inbox = *inbox_owner;
  ChannelEvent no_channel = Event("m2");
  no_channel.channel = "";
  ChannelEvent no_id = Event("");
  ChannelEvent bad_kind = Event("m3");
  bad_kind.kind = static_cast<ChannelEventKind>(99);

  std::vector<ChannelEvent> events;
  std::string message;
  std::tie(events, message) = GENERATE_COPY(table<std::vector<ChannelEvent>, std::string>({
      {{Event("m1"), no_channel}, "inbox: event 1 of the request has no channel"},
      {{no_id}, "inbox: event 0 of the request has no platform_id"},
      {{Event("m1"), Event("m2"), bad_kind}, "inbox: event 2 of the request has an unknown kind"},
  }));
  CAPTURE(message);
  Result<std::vector<bool>> r = inbox.Append(events, Second(1));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message() == message);
  CHECK(CountEvents(*db) == 0);
  CHECK(db->batches_started() == 0);
}

TEST_CASE("An empty request is answered at once without a transaction") {
  auto db = OpenOrFail(":memory:");
  auto inbox = NewSqliteEventInbox(*db);
  CHECK(AppendOrFail(*inbox, {}).empty());
  CHECK(db->batches_started() == 0);
}

TEST_CASE("Deleting a user removes all their events on that channel only") {
  auto db = OpenOrFail(":memory:");
  auto inbox = NewSqliteEventInbox(*db);
  ChannelEvent other_user = Event("o1");
  other_user.user = "user-2";
  ChannelEvent other_channel = Event("o2");
  other_channel.channel = "messenger";
  AppendOrFail(*inbox, {Event("m1"), other_user, Event("m2"), other_channel});
  RequireOk(inbox->MarkDone(PendingOrFail(*inbox)[0].id, Second(2)));

  Result<size_t> deleted = inbox->DeleteUser("zalo", "user-1");
  REQUIRE(deleted.ok());
  CHECK(*deleted == 2);  // one done, one pending
  CHECK(PlatformIds(PendingOrFail(*inbox)) == std::vector<std::string>{"o1", "o2"});
  CHECK(inbox->DeleteUser("zalo", "user-1").value() == 0);
  // The keys went with the events: a redelivery is new again.
  CHECK(AppendOrFail(*inbox, {Event("m1")}) == std::vector<bool>{true});
}

TEST_CASE("Retention purges handled events received before the cutoff, never pending ones") {
  auto db = OpenOrFail(":memory:");
  auto inbox = NewSqliteEventInbox(*db);
  AppendOrFail(*inbox, {Event("old-done"), Event("old-pending")}, Second(1));
  AppendOrFail(*inbox, {Event("new-done")}, Second(100));
  for (const ChannelEvent& e : PendingOrFail(*inbox)) {
    if (e.platform_id != "old-pending") RequireOk(inbox->MarkDone(e.id, Second(101)));
  }
  Result<size_t> purged = inbox->PurgeDoneBefore(Second(50));
  REQUIRE(purged.ok());
  CHECK(*purged == 1);
  CHECK(PlatformIds(PendingOrFail(*inbox)) == std::vector<std::string>{"old-pending"});
  // The purged event's key is gone, the newer one's is kept.
  CHECK(AppendOrFail(*inbox, {Event("old-done"), Event("new-done")}) ==
        std::vector<bool>{true, false});
}

TEST_CASE("An event whose stored kind this build does not know fails Pending as Internal") {
  auto db = OpenOrFail(":memory:");
  auto inbox = NewSqliteEventInbox(*db);
  AppendOrFail(*inbox, {Event("m1")});
  RequireOk(db->InTransaction([](sqlite3* c) {
    RawConnection::QueryTextOn(c, "UPDATE inbox_events SET kind = 'carrier_pigeon'");
    return Status::Ok();
  }));
  Result<std::vector<ChannelEvent>> pending = inbox->Pending(10);
  REQUIRE_FALSE(pending.ok());
  CHECK(pending.status().code() == StatusCode::kInternal);
  CHECK(pending.status().message() == "inbox: event 1 has unknown kind \"carrier_pigeon\"");
}

TEST_CASE("Append reports the new row ids, and 0 for an event already stored") {
  ScratchDir dir;
  auto db = Database::Open(dir.File("bot.db"));
  REQUIRE(db.ok());
  auto inbox = NewSqliteEventInbox(**db);
  std::vector<long long> ids;
  auto first = inbox->Append({Event("id-a"), Event("id-b")}, Second(1), &ids);
  REQUIRE(first.ok());
  REQUIRE(ids.size() == 2);
  CHECK(ids[0] > 0);
  CHECK(ids[1] == ids[0] + 1);
  auto pending = inbox->Pending(10);
  REQUIRE(pending.ok());
  REQUIRE(pending->size() == 2);
  CHECK((*pending)[0].id == ids[0]);
  auto again = inbox->Append({Event("id-b"), Event("id-c")}, Second(2), &ids);
  REQUIRE(again.ok());
  CHECK(ids[0] == 0);
  CHECK(ids[1] > ids[0]);
}

}  // namespace
}  // namespace bhxh
