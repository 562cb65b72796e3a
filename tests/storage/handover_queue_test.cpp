#include "storage/handover_queue.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "storage/channel_state_store.h"
#include "storage/database.h"
#include "storage/unit_of_work.h"
#include "tests/storage/scratch_dir.h"

namespace bhxh {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// 2026-11-26T15:19:49.123Z plus `m` minutes.
system_clock::time_point Minute(int m) {
  return system_clock::time_point(milliseconds(1795706389123LL) + std::chrono::minutes(m));
}

HandoverRequest RequestOrFail(HandoverQueue& queue, const std::string& user,
                              const std::string& reason, system_clock::time_point now,
                              system_clock::time_point until, const std::string& channel = "zalo") {
  Result<HandoverRequest> r = queue.Request(channel, user, reason, now, until);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

std::optional<HandoverRequest> OpenForOrFail(HandoverQueue& queue, const std::string& user,
                                             const std::string& channel = "zalo") {
  Result<std::optional<HandoverRequest>> r = queue.OpenFor(channel, user);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

// "channel/user" of the open requests, in the order given.
std::vector<std::string> OpenUsers(HandoverQueue& queue) {
  Result<std::vector<HandoverRequest>> open = queue.Open();
  INFO(open.status().message());
  REQUIRE(open.ok());
  std::vector<std::string> users;
  for (const HandoverRequest& r : *open) users.push_back(r.channel + "/" + r.user);
  return users;
}

std::optional<system_clock::time_point> QueuePaused(HandoverQueue& queue, const std::string& user,
                                                    system_clock::time_point now) {
  Result<std::optional<system_clock::time_point>> until = queue.PausedUntil("zalo", user, now);
  INFO(until.status().message());
  REQUIRE(until.ok());
  return *until;
}

std::optional<system_clock::time_point> ChannelPaused(ChannelStateStore& state,
                                                      const std::string& user,
                                                      system_clock::time_point now) {
  Result<std::optional<system_clock::time_point>> until = state.PausedUntil("zalo", user, now);
  INFO(until.status().message());
  REQUIRE(until.ok());
  return *until;
}

size_t ExpireOrFail(HandoverQueue& queue, system_clock::time_point now) {
  Result<size_t> n = queue.ExpireDue(now);
  INFO(n.status().message());
  REQUIRE(n.ok());
  return *n;
}

TEST_CASE("The handover status names are the ones stored") {
  CHECK(std::string(HandoverStatusName(HandoverStatus::kOpen)) == "open");
  CHECK(std::string(HandoverStatusName(HandoverStatus::kReleased)) == "released");
  CHECK(std::string(HandoverStatusName(HandoverStatus::kExpired)) == "expired");
}

TEST_CASE("Request queues the conversation and pauses the bot for the user until `until`") {
  auto db = OpenOrFail(":memory:");
  auto queue = NewSqliteHandoverQueue(*db);
  auto state = NewSqliteChannelStateStore(*db);

  const HandoverRequest r = RequestOrFail(*queue, "u1", "asked", Minute(0), Minute(60));
  CHECK(r.id > 0);
  CHECK(r.channel == "zalo");
  CHECK(r.user == "u1");
  CHECK(r.reason == "asked");
  CHECK(r.requested == Minute(0));
  CHECK(r.until == Minute(60));
  CHECK(r.status == HandoverStatus::kOpen);
  CHECK_FALSE(r.closed.has_value());

  const std::optional<HandoverRequest> open = OpenForOrFail(*queue, "u1");
  REQUIRE(open.has_value());
  CHECK(open->id == r.id);
  CHECK(open->until == Minute(60));
  CHECK(OpenUsers(*queue) == std::vector<std::string>{"zalo/u1"});
  CHECK_FALSE(OpenForOrFail(*queue, "u1", "messenger").has_value());

  // The channels see the pause through ChannelStateStore; a pause until T
  // is over at T.
  CHECK(ChannelPaused(*state, "u1", Minute(1)) == Minute(60));
  CHECK(QueuePaused(*queue, "u1", Minute(1)) == Minute(60));
  CHECK(QueuePaused(*queue, "u1", Minute(60) - milliseconds(1)) == Minute(60));
  CHECK_FALSE(ChannelPaused(*state, "u1", Minute(60)).has_value());
  CHECK_FALSE(QueuePaused(*queue, "u1", Minute(60)).has_value());
  CHECK_FALSE(QueuePaused(*queue, "u2", Minute(1)).has_value());
}

TEST_CASE("A second Request keeps the user's one open request and replaces the pause") {
  auto db = OpenOrFail(":memory:");
  auto queue = NewSqliteHandoverQueue(*db);
  auto state = NewSqliteChannelStateStore(*db);
  const HandoverRequest first =
      RequestOrFail(*queue, "u1", "unknown_twice", Minute(0), Minute(120));

  // Shorter than the first: the later decision wins.
  const HandoverRequest second = RequestOrFail(*queue, "u1", "asked", Minute(10), Minute(70));
  CHECK(second.id == first.id);
  CHECK(second.requested == Minute(0));  // still the oldest wait in the inbox
  CHECK(second.until == Minute(70));
  CHECK(second.reason == "asked");
  CHECK(second.status == HandoverStatus::kOpen);
  CHECK(OpenUsers(*queue) == std::vector<std::string>{"zalo/u1"});
  CHECK(ChannelPaused(*state, "u1", Minute(69)) == Minute(70));
  CHECK_FALSE(ChannelPaused(*state, "u1", Minute(70)).has_value());

  SECTION("the same user id on another channel is another user") {
    const HandoverRequest other =
        RequestOrFail(*queue, "u1", "asked", Minute(11), Minute(71), "messenger");
    CHECK(other.id != first.id);
    CHECK(OpenUsers(*queue) == std::vector<std::string>{"zalo/u1", "messenger/u1"});
  }
}

TEST_CASE("Request refuses a missing channel or user and a pause that is already over") {
  auto db = OpenOrFail(":memory:");
  auto queue = NewSqliteHandoverQueue(*db);
  std::string channel, user, message;
  system_clock::time_point until;
  std::tie(channel, user, until, message) =
      GENERATE(table<std::string, std::string, system_clock::time_point, std::string>({
          {"", "u1", Minute(60), "handover: request: no channel"},
          {"zalo", "", Minute(60), "handover: request: no user"},
          {"zalo", "u1", Minute(0), "handover: request: the pause must end after now"},
          {"zalo", "u1", Minute(-1), "handover: request: the pause must end after now"},
      }));
  CAPTURE(message);
  Result<HandoverRequest> r = queue->Request(channel, user, "asked", Minute(0), until);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message() == message);
  CHECK(OpenUsers(*queue).empty());
  CHECK_FALSE(QueuePaused(*queue, "u1", Minute(0)).has_value());
}

// "status closed_ms" of request `id`, read from the file behind the store.
std::string StoredState(const std::string& path, long long id) {
  RawConnection raw(path);
  return raw.QueryText(
      "SELECT status || ' ' || ifnull(closed_ms, 'null') FROM handover_requests "
      "WHERE id = " +
      std::to_string(id));
}

std::string Ms(system_clock::time_point t) {
  return std::to_string(std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count());
}

TEST_CASE("Release closes the open request and ends the pause") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  auto db = OpenOrFail(path);
  auto queue = NewSqliteHandoverQueue(*db);
  auto state = NewSqliteChannelStateStore(*db);
  const HandoverRequest r = RequestOrFail(*queue, "u1", "asked", Minute(0), Minute(60));
  RequestOrFail(*queue, "u2", "asked", Minute(1), Minute(61));

  Result<bool> released = queue->Release("zalo", "u1", Minute(5));
  REQUIRE(released.ok());
  CHECK(*released);
  CHECK(StoredState(path, r.id) == "released " + Ms(Minute(5)));
  CHECK_FALSE(OpenForOrFail(*queue, "u1").has_value());
  CHECK(OpenUsers(*queue) == std::vector<std::string>{"zalo/u2"});
  CHECK_FALSE(ChannelPaused(*state, "u1", Minute(5)).has_value());
  CHECK_FALSE(QueuePaused(*queue, "u1", Minute(5)).has_value());
  CHECK(ChannelPaused(*state, "u2", Minute(5)) == Minute(61));
  CHECK(ExpireOrFail(*queue, Minute(100)) == 1);  // u2 only: u1's is released, not expired
  CHECK(StoredState(path, r.id) == "released " + Ms(Minute(5)));

  SECTION("releasing again is OK and releases nothing") {
    Result<bool> again = queue->Release("zalo", "u1", Minute(6));
    REQUIRE(again.ok());
    CHECK_FALSE(*again);
  }
  SECTION("a later Request is a new request") {
    const HandoverRequest next =
        RequestOrFail(*queue, "u1", "personal_case", Minute(10), Minute(70));
    CHECK(next.id > r.id);
    CHECK(next.requested == Minute(10));
  }
}

TEST_CASE("Release without a request still ends a pause a staff reply set") {
  auto db = OpenOrFail(":memory:");
  auto queue = NewSqliteHandoverQueue(*db);
  auto state = NewSqliteChannelStateStore(*db);
  RequireOk(state->PauseUser("zalo", "u1", Minute(60), "staff replied"));

  Result<bool> released = queue->Release("zalo", "u1", Minute(5));
  REQUIRE(released.ok());
  CHECK_FALSE(*released);
  CHECK_FALSE(ChannelPaused(*state, "u1", Minute(5)).has_value());
}

TEST_CASE("ExpireDue closes the open requests whose pause has run out") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  auto db = OpenOrFail(path);
  auto queue = NewSqliteHandoverQueue(*db);
  auto state = NewSqliteChannelStateStore(*db);
  const long long ends_at_30 = RequestOrFail(*queue, "a", "asked", Minute(0), Minute(30)).id;
  RequestOrFail(*queue, "b", "asked", Minute(1), Minute(60));
  RequestOrFail(*queue, "c", "asked", Minute(2), Minute(30));

  CHECK(ExpireOrFail(*queue, Minute(30) - milliseconds(1)) == 0);
  CHECK(OpenUsers(*queue) == std::vector<std::string>{"zalo/a", "zalo/b", "zalo/c"});

  SECTION("at the end of the pause") {
    CHECK(ExpireOrFail(*queue, Minute(30)) == 2);
    CHECK(StoredState(path, ends_at_30) == "expired " + Ms(Minute(30)));
    CHECK(OpenUsers(*queue) == std::vector<std::string>{"zalo/b"});
    CHECK(ExpireOrFail(*queue, Minute(31)) == 0);
    CHECK(ExpireOrFail(*queue, Minute(60)) == 1);
    CHECK(OpenUsers(*queue).empty());
  }
  SECTION("a staff reply on the platform extended the pause: the request stays open") {
    RequireOk(state->PauseUser("zalo", "a", Minute(90), "staff replied"));
    CHECK(ExpireOrFail(*queue, Minute(30)) == 1);
    CHECK(OpenUsers(*queue) == std::vector<std::string>{"zalo/a", "zalo/b"});
    CHECK(ExpireOrFail(*queue, Minute(90)) == 2);
  }
  SECTION("the pause was ended another way: the next sweep expires the request") {
    RequireOk(state->ResumeUser("zalo", "b"));
    CHECK(ExpireOrFail(*queue, Minute(10)) == 1);
    CHECK(OpenUsers(*queue) == std::vector<std::string>{"zalo/a", "zalo/c"});
  }
  SECTION("a Request after the pause ran out, before the sweep, opens a new request") {
    const HandoverRequest next =
        RequestOrFail(*queue, "a", "unknown_twice", Minute(40), Minute(100));
    CHECK(next.id != ends_at_30);
    CHECK(next.requested == Minute(40));
    CHECK(StoredState(path, ends_at_30) == "expired " + Ms(Minute(40)));
    CHECK(OpenUsers(*queue) == std::vector<std::string>{"zalo/b", "zalo/c", "zalo/a"});
    CHECK(ExpireOrFail(*queue, Minute(40)) == 1);  // c
  }
}

TEST_CASE("Open lists open requests, the longest wait first") {
  auto db = OpenOrFail(":memory:");
  auto queue = NewSqliteHandoverQueue(*db);
  RequestOrFail(*queue, "late", "asked", Minute(20), Minute(200));
  RequestOrFail(*queue, "early", "asked", Minute(5), Minute(200));
  RequestOrFail(*queue, "tie-2", "asked", Minute(10), Minute(200));
  RequestOrFail(*queue, "tie-1", "asked", Minute(10), Minute(200));
  RequestOrFail(*queue, "gone", "asked", Minute(1), Minute(200));
  REQUIRE(queue->Release("zalo", "gone", Minute(21)).value());

  const Result<std::vector<HandoverRequest>> open = queue->Open();
  REQUIRE(open.ok());
  std::vector<std::string> users;
  for (const HandoverRequest& r : *open) {
    users.push_back(r.user);
    CHECK(r.status == HandoverStatus::kOpen);
    CHECK_FALSE(r.closed.has_value());
  }
  // Equal request times keep the order they came in.
  CHECK(users == std::vector<std::string>{"early", "tie-2", "tie-1", "late"});
}

TEST_CASE("DeleteUser removes the user's requests and pause and counts them") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  auto db = OpenOrFail(path);
  auto queue = NewSqliteHandoverQueue(*db);
  RequestOrFail(*queue, "u1", "asked", Minute(0), Minute(30));
  REQUIRE(queue->Release("zalo", "u1", Minute(5)).value());
  RequestOrFail(*queue, "u1", "asked", Minute(10), Minute(40));
  RequestOrFail(*queue, "u1", "asked", Minute(10), Minute(40), "messenger");
  RequestOrFail(*queue, "u2", "asked", Minute(10), Minute(40));

  Result<size_t> deleted = queue->DeleteUser("zalo", "u1");
  REQUIRE(deleted.ok());
  CHECK(*deleted == 3);  // two requests, one pause
  CHECK_FALSE(OpenForOrFail(*queue, "u1").has_value());
  CHECK_FALSE(QueuePaused(*queue, "u1", Minute(11)).has_value());
  CHECK(OpenUsers(*queue) == std::vector<std::string>{"messenger/u1", "zalo/u2"});
  RawConnection raw(path);
  CHECK(raw.QueryInt("SELECT count(*) FROM handover_requests WHERE channel = 'zalo' AND "
                     "user_id = 'u1'") == 0);
  CHECK(queue->DeleteUser("zalo", "u1").value() == 0);
}

TEST_CASE("A Request in a unit of work that fails leaves no request and no pause") {
  auto db = OpenOrFail(":memory:");
  auto queue = NewSqliteHandoverQueue(*db);
  auto unit = NewSqliteUnitOfWork(*db);
  Status s = unit->Run([&] {
    REQUIRE(queue->Request("zalo", "u1", "asked", Minute(0), Minute(60)).ok());
    return Internal("the reply could not be queued");
  });
  CHECK(s.message() == "the reply could not be queued");
  CHECK(OpenUsers(*queue).empty());
  CHECK_FALSE(QueuePaused(*queue, "u1", Minute(1)).has_value());
}

TEST_CASE("Requests and pauses survive closing and reopening the database") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  long long id = 0;
  {
    auto db = OpenOrFail(path);
    auto queue = NewSqliteHandoverQueue(*db);
    id = RequestOrFail(*queue, "u1", "personal_case", Minute(0), Minute(60)).id;
    RequestOrFail(*queue, "u2", "asked", Minute(1), Minute(61));
    REQUIRE(queue->Release("zalo", "u2", Minute(2)).value());
  }
  auto db = OpenOrFail(path);
  auto queue = NewSqliteHandoverQueue(*db);
  const std::optional<HandoverRequest> open = OpenForOrFail(*queue, "u1");
  REQUIRE(open.has_value());
  CHECK(open->id == id);
  CHECK(open->reason == "personal_case");
  CHECK(open->requested == Minute(0));
  CHECK(open->until == Minute(60));
  CHECK(OpenUsers(*queue) == std::vector<std::string>{"zalo/u1"});
  CHECK(QueuePaused(*queue, "u1", Minute(3)) == Minute(60));
  CHECK_FALSE(QueuePaused(*queue, "u2", Minute(3)).has_value());
}

}  // namespace
}  // namespace bhxh
