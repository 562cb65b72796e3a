#include "storage/outbox.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
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

OutboxMessage Message(const std::string& user, const std::string& body,
                      system_clock::time_point next_attempt = Second(0)) {
  OutboxMessage m;
  m.channel = "zalo";
  m.user = user;
  m.event_id = 7;
  m.body = body;
  m.next_attempt = next_attempt;
  m.created = Second(0);
  return m;
}

std::vector<long long> EnqueueOrFail(Outbox& outbox, const std::vector<OutboxMessage>& messages) {
  Result<std::vector<long long>> ids = outbox.Enqueue(messages);
  INFO(ids.status().message());
  REQUIRE(ids.ok());
  return *ids;
}

// The bodies of the due heads at `now` (bodies name the rows in these tests).
std::vector<std::string> DueBodies(Outbox& outbox, system_clock::time_point now,
                                   size_t limit = 100) {
  Result<std::vector<OutboxMessage>> heads = outbox.DueHeads(now, limit);
  INFO(heads.status().message());
  REQUIRE(heads.ok());
  std::vector<std::string> bodies;
  for (const OutboxMessage& m : *heads) bodies.push_back(m.body);
  return bodies;
}

OutboxMessage GetOrFail(Outbox& outbox, long long id) {
  Result<std::optional<OutboxMessage>> m = outbox.Get(id);
  INFO(m.status().message());
  REQUIRE(m.ok());
  REQUIRE(m->has_value());
  return **m;
}

std::optional<system_clock::time_point> NextDueOrFail(Outbox& outbox) {
  Result<std::optional<system_clock::time_point>> next = outbox.NextDue();
  INFO(next.status().message());
  REQUIRE(next.ok());
  return *next;
}

size_t Count(Outbox& outbox, OutboxStatus status) {
  Result<size_t> n = outbox.CountByStatus(status);
  INFO(n.status().message());
  REQUIRE(n.ok());
  return *n;
}

TEST_CASE("Enqueued messages get increasing ids and are stored as pending with all their fields") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto outbox = NewSqliteOutbox(*db);
  OutboxMessage first = Message("user-1", R"({"text":"Chào anh/chị"})", Second(5));
  first.created = Second(1) + std::chrono::microseconds(999);  // floored to the millisecond
  // What the caller puts in the state fields is not taken over.
  first.status = OutboxStatus::kSent;
  first.attempts = 4;
  first.last_error = "stale";
  first.sent = Second(2);
  OutboxMessage second = Message("user-2", "{}");
  second.channel = "messenger";
  second.event_id = 0;

  std::vector<long long> ids = EnqueueOrFail(*outbox, {first, second});
  REQUIRE(ids.size() == 2);
  CHECK(ids[0] > 0);
  CHECK(ids[1] > ids[0]);
  CHECK(EnqueueOrFail(*outbox, {Message("user-1", "third")})[0] > ids[1]);

  const OutboxMessage a = GetOrFail(*outbox, ids[0]);
  CHECK(a.id == ids[0]);
  CHECK(a.channel == "zalo");
  CHECK(a.user == "user-1");
  CHECK(a.event_id == 7);
  CHECK(a.body == R"({"text":"Chào anh/chị"})");
  CHECK(a.status == OutboxStatus::kPending);
  CHECK(a.attempts == 0);
  CHECK(a.next_attempt == Second(5));
  CHECK(a.last_error == "");
  CHECK(a.created == Second(1));
  CHECK_FALSE(a.sent.has_value());
  const OutboxMessage b = GetOrFail(*outbox, ids[1]);
  CHECK(b.channel == "messenger");
  CHECK(b.user == "user-2");
  CHECK(b.event_id == 0);

  Result<std::optional<OutboxMessage>> missing = outbox->Get(ids[1] + 100);
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
  CHECK(EnqueueOrFail(*outbox, {}).empty());
}

TEST_CASE("A message without its channel, user or body is refused and nothing is enqueued") {
  auto db = OpenOrFail(":memory:");
  auto outbox = NewSqliteOutbox(*db);
  OutboxMessage no_channel = Message("u", "b");
  no_channel.channel = "";
  OutboxMessage no_user = Message("", "b");
  OutboxMessage no_body = Message("u", "");

  OutboxMessage bad;
  std::string message;
  std::tie(bad, message) = GENERATE_COPY(table<OutboxMessage, std::string>({
      {no_channel, "outbox: message 1 of the request has no channel"},
      {no_user, "outbox: message 1 of the request has no user"},
      {no_body, "outbox: message 1 of the request has no body"},
  }));
  CAPTURE(message);
  Result<std::vector<long long>> ids = outbox->Enqueue({Message("u", "ok"), bad});
  REQUIRE_FALSE(ids.ok());
  CHECK(ids.status().code() == StatusCode::kInvalidArgument);
  CHECK(ids.status().message() == message);
  CHECK(Count(*outbox, OutboxStatus::kPending) == 0);
}

TEST_CASE("DueHeads gives each user's oldest pending message, oldest first") {
  auto db = OpenOrFail(":memory:");
  auto outbox = NewSqliteOutbox(*db);
  EnqueueOrFail(*outbox, {Message("a", "a1"), Message("a", "a2")});
  EnqueueOrFail(*outbox, {Message("b", "b1"), Message("a", "a3"), Message("b", "b2")});
  OutboxMessage messenger_a = Message("a", "ma1");
  messenger_a.channel = "messenger";  // the same user id on another channel is another user
  EnqueueOrFail(*outbox, {messenger_a, Message("c", "c1", Second(60))});

  SECTION("one head per user, in id order, only when due") {
    CHECK(DueBodies(*outbox, Second(0)) == std::vector<std::string>{"a1", "b1", "ma1"});
    CHECK(DueBodies(*outbox, Second(59)) == std::vector<std::string>{"a1", "b1", "ma1"});
    CHECK(DueBodies(*outbox, Second(60)) == std::vector<std::string>{"a1", "b1", "ma1", "c1"});
  }
  SECTION("at most the limit") {
    CHECK(DueBodies(*outbox, Second(0), 2) == std::vector<std::string>{"a1", "b1"});
    CHECK(DueBodies(*outbox, Second(0), 0).empty());
  }
  SECTION("a message becomes due at its next attempt, not before") {
    CHECK(DueBodies(*outbox, Second(60) - milliseconds(1)) ==
          std::vector<std::string>{"a1", "b1", "ma1"});
  }
  SECTION("sending a head makes the user's next message the head") {
    const long long a1 = outbox->DueHeads(Second(0), 1).value()[0].id;
    RequireOk(outbox->MarkSent(a1, Second(1)));
    CHECK(DueBodies(*outbox, Second(1)) == std::vector<std::string>{"a2", "b1", "ma1"});
  }
  SECTION("a failed head no longer holds the user's later messages") {
    const long long a1 = outbox->DueHeads(Second(0), 1).value()[0].id;
    RequireOk(outbox->MarkFailed(a1, "blocked: user blocked the OA"));
    CHECK(DueBodies(*outbox, Second(1)) == std::vector<std::string>{"a2", "b1", "ma1"});
  }
  SECTION("a retrying head holds the user's later messages behind it until it is due") {
    const long long a1 = outbox->DueHeads(Second(0), 1).value()[0].id;
    RequireOk(outbox->MarkRetry(a1, Second(30), "http 502"));
    CHECK(DueBodies(*outbox, Second(1)) == std::vector<std::string>{"b1", "ma1"});
    CHECK(DueBodies(*outbox, Second(30)) == std::vector<std::string>{"a1", "b1", "ma1"});
  }
  SECTION("the returned head carries every field") {
    const OutboxMessage head = outbox->DueHeads(Second(0), 1).value()[0];
    const OutboxMessage stored = GetOrFail(*outbox, head.id);
    CHECK(head.channel == stored.channel);
    CHECK(head.user == stored.user);
    CHECK(head.event_id == stored.event_id);
    CHECK(head.body == stored.body);
    CHECK(head.status == OutboxStatus::kPending);
    CHECK(head.next_attempt == stored.next_attempt);
    CHECK(head.created == stored.created);
  }
}

TEST_CASE("MarkSent, MarkRetry and MarkFailed move a pending message on and count the attempt") {
  auto db = OpenOrFail(":memory:");
  auto outbox = NewSqliteOutbox(*db);
  const long long id = EnqueueOrFail(*outbox, {Message("u", "hello")})[0];

  SECTION("sent") {
    RequireOk(outbox->MarkSent(id, Second(3)));
    const OutboxMessage m = GetOrFail(*outbox, id);
    CHECK(m.status == OutboxStatus::kSent);
    CHECK(m.attempts == 1);
    REQUIRE(m.sent.has_value());
    CHECK(*m.sent == Second(3));
    CHECK(m.last_error == "");
  }
  SECTION("retried twice, then sent") {
    RequireOk(outbox->MarkRetry(id, Second(10), "http 502"));
    OutboxMessage m = GetOrFail(*outbox, id);
    CHECK(m.status == OutboxStatus::kPending);
    CHECK(m.attempts == 1);
    CHECK(m.next_attempt == Second(10));
    CHECK(m.last_error == "http 502");
    RequireOk(outbox->MarkRetry(id, Second(40), "timeout"));
    RequireOk(outbox->MarkSent(id, Second(41)));
    m = GetOrFail(*outbox, id);
    CHECK(m.status == OutboxStatus::kSent);
    CHECK(m.attempts == 3);
    CHECK(m.last_error == "timeout");  // the last failure stays for the record
  }
  SECTION("failed for good") {
    RequireOk(outbox->MarkFailed(id, "outside_window: (#10) outside of allowed window"));
    const OutboxMessage m = GetOrFail(*outbox, id);
    CHECK(m.status == OutboxStatus::kFailed);
    CHECK(m.attempts == 1);
    CHECK(m.last_error == "outside_window: (#10) outside of allowed window");
    CHECK_FALSE(m.sent.has_value());
    CHECK(DueBodies(*outbox, Second(100)).empty());
  }
}

TEST_CASE("Moving on a message that is not pending is refused and changes nothing") {
  auto db = OpenOrFail(":memory:");
  auto outbox = NewSqliteOutbox(*db);
  const long long sent = EnqueueOrFail(*outbox, {Message("u", "a")})[0];
  const long long failed = EnqueueOrFail(*outbox, {Message("v", "b")})[0];
  RequireOk(outbox->MarkSent(sent, Second(1)));
  RequireOk(outbox->MarkFailed(failed, "blocked"));
  const long long missing = failed + 1;

  long long id;
  StatusCode code;
  std::string message;
  std::tie(id, code, message) = GENERATE_COPY(table<long long, StatusCode, std::string>({
      {sent, StatusCode::kFailedPrecondition,
       "outbox: message " + std::to_string(sent) + " is sent, not pending"},
      {failed, StatusCode::kFailedPrecondition,
       "outbox: message " + std::to_string(failed) + " is failed, not pending"},
      {missing, StatusCode::kNotFound, "outbox: message " + std::to_string(missing) + " not found"},
  }));
  CAPTURE(message);
  for (const Status& s : {outbox->MarkSent(id, Second(9)), outbox->MarkRetry(id, Second(9), "x"),
                          outbox->MarkFailed(id, "y")}) {
    CHECK(s.code() == code);
    CHECK(s.message() == message);
  }
  const OutboxMessage a = GetOrFail(*outbox, sent);
  CHECK(a.attempts == 1);
  CHECK(*a.sent == Second(1));
  const OutboxMessage b = GetOrFail(*outbox, failed);
  CHECK(b.attempts == 1);
  CHECK(b.last_error == "blocked");
}

TEST_CASE("NextDue is the earliest next attempt among the users' head messages") {
  auto db = OpenOrFail(":memory:");
  auto outbox = NewSqliteOutbox(*db);
  CHECK_FALSE(NextDueOrFail(*outbox).has_value());

  const std::vector<long long> ids =
      EnqueueOrFail(*outbox, {Message("a", "a1", Second(20)), Message("b", "b1", Second(50))});
  CHECK(NextDueOrFail(*outbox) == Second(20));

  SECTION("a row waiting behind a retrying head does not count, though it is due") {
    EnqueueOrFail(*outbox, {Message("a", "a2", Second(0))});
    CHECK(DueBodies(*outbox, Second(0)).empty());
    CHECK(NextDueOrFail(*outbox) == Second(20));
  }
  SECTION("sent and failed rows do not count") {
    RequireOk(outbox->MarkSent(ids[0], Second(20)));
    CHECK(NextDueOrFail(*outbox) == Second(50));
    RequireOk(outbox->MarkFailed(ids[1], "blocked"));
    CHECK_FALSE(NextDueOrFail(*outbox).has_value());
  }
  SECTION("a retry moves it") {
    RequireOk(outbox->MarkRetry(ids[0], Second(70), "http 503"));
    CHECK(NextDueOrFail(*outbox) == Second(50));
  }
}

TEST_CASE("CountByStatus counts the rows in each status") {
  auto db = OpenOrFail(":memory:");
  auto outbox = NewSqliteOutbox(*db);
  const std::vector<long long> ids = EnqueueOrFail(
      *outbox, {Message("a", "1"), Message("b", "2"), Message("c", "3"), Message("d", "4")});
  RequireOk(outbox->MarkSent(ids[0], Second(1)));
  RequireOk(outbox->MarkSent(ids[1], Second(1)));
  RequireOk(outbox->MarkFailed(ids[2], "blocked"));
  RequireOk(outbox->MarkRetry(ids[3], Second(9), "http 500"));
  CHECK(Count(*outbox, OutboxStatus::kPending) == 1);
  CHECK(Count(*outbox, OutboxStatus::kSent) == 2);
  CHECK(Count(*outbox, OutboxStatus::kFailed) == 1);
}

TEST_CASE("Deleting a user removes all their rows on that channel, whatever the status") {
  auto db = OpenOrFail(":memory:");
  auto outbox = NewSqliteOutbox(*db);
  OutboxMessage other_channel = Message("a", "m1");
  other_channel.channel = "messenger";
  const std::vector<long long> ids = EnqueueOrFail(
      *outbox, {Message("a", "a1"), Message("a", "a2"), Message("b", "b1"), other_channel});
  RequireOk(outbox->MarkSent(ids[0], Second(1)));

  Result<size_t> deleted = outbox->DeleteUser("zalo", "a");
  REQUIRE(deleted.ok());
  CHECK(*deleted == 2);
  CHECK(DueBodies(*outbox, Second(1)) == std::vector<std::string>{"b1", "m1"});
  CHECK(outbox->DeleteUser("zalo", "a").value() == 0);

  // A sender still holding a deleted id cannot touch a newer row: ids are
  // never reused.
  const long long newest = ids.back();
  CHECK(outbox->DeleteUser("messenger", "a").value() == 1);
  const long long next = EnqueueOrFail(*outbox, {Message("c", "c1")})[0];
  CHECK(next > newest);
  CHECK(outbox->MarkSent(newest, Second(2)).code() == StatusCode::kNotFound);
}

TEST_CASE("Retention purges sent and failed rows created before the cutoff, never pending ones") {
  auto db = OpenOrFail(":memory:");
  auto outbox = NewSqliteOutbox(*db);
  OutboxMessage newer = Message("c", "c1");
  newer.created = Second(100);
  const std::vector<long long> ids = EnqueueOrFail(
      *outbox, {Message("a", "a1"), Message("b", "b1"), Message("d", "d1"), newer});
  RequireOk(outbox->MarkSent(ids[0], Second(1)));
  RequireOk(outbox->MarkFailed(ids[1], "blocked"));
  RequireOk(outbox->MarkSent(ids[3], Second(101)));

  Result<size_t> purged = outbox->PurgeFinishedBefore(Second(50));
  REQUIRE(purged.ok());
  CHECK(*purged == 2);
  CHECK_FALSE(outbox->Get(ids[0]).value().has_value());
  CHECK_FALSE(outbox->Get(ids[1]).value().has_value());
  CHECK(outbox->Get(ids[2]).value().has_value());  // still pending
  CHECK(outbox->Get(ids[3]).value().has_value());  // newer
}

TEST_CASE("Messages enqueued in a unit of work are kept or dropped with it") {
  auto db = OpenOrFail(":memory:");
  auto outbox = NewSqliteOutbox(*db);
  auto unit = NewSqliteUnitOfWork(*db);

  SECTION("a unit that fails after enqueueing leaves nothing") {
    Status s = unit->Run([&] {
      REQUIRE(outbox->Enqueue({Message("a", "1"), Message("a", "2")}).ok());
      return Internal("the conversation state could not be saved");
    });
    CHECK(s.message() == "the conversation state could not be saved");
    CHECK(Count(*outbox, OutboxStatus::kPending) == 0);
    CHECK_FALSE(NextDueOrFail(*outbox).has_value());
  }
  SECTION("a unit that succeeds keeps them") {
    RequireOk(unit->Run([&] { return outbox->Enqueue({Message("a", "1")}).status(); }));
    CHECK(Count(*outbox, OutboxStatus::kPending) == 1);
  }
}

TEST_CASE("Outbox rows survive closing and reopening the database") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  long long retrying = 0;
  {
    auto db = OpenOrFail(path);
    auto outbox = NewSqliteOutbox(*db);
    retrying = EnqueueOrFail(*outbox, {Message("a", "a1"), Message("a", "a2")})[0];
    RequireOk(outbox->MarkRetry(retrying, Second(30), "http 502"));
  }
  auto db = OpenOrFail(path);
  auto outbox = NewSqliteOutbox(*db);
  CHECK(DueBodies(*outbox, Second(29)).empty());
  CHECK(DueBodies(*outbox, Second(30)) == std::vector<std::string>{"a1"});
  CHECK(GetOrFail(*outbox, retrying).attempts == 1);
}

}  // namespace
}  // namespace bhxh
