#include "storage/channel_state_store.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>

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

TokenPair Tokens(const std::string& access, const std::string& refresh, int expires_s) {
  TokenPair t;
  t.access_token = access;
  t.refresh_token = refresh;
  t.access_expires = Second(expires_s);
  t.updated = Second(0);
  return t;
}

std::optional<TokenPair> LoadOrFail(ChannelStateStore& store, const std::string& channel) {
  Result<std::optional<TokenPair>> tokens = store.LoadTokens(channel);
  INFO(tokens.status().message());
  REQUIRE(tokens.ok());
  return *tokens;
}

std::optional<system_clock::time_point> PausedUntilOrFail(ChannelStateStore& store,
                                                          const std::string& user,
                                                          system_clock::time_point now) {
  Result<std::optional<system_clock::time_point>> until = store.PausedUntil("zalo", user, now);
  INFO(until.status().message());
  REQUIRE(until.ok());
  return *until;
}

void CheckSame(const TokenPair& a, const TokenPair& b) {
  CHECK(a.access_token == b.access_token);
  CHECK(a.refresh_token == b.refresh_token);
  CHECK(a.access_expires == b.access_expires);
  CHECK(a.updated == b.updated);
}

TEST_CASE("Tokens are absent until saved, then loaded as saved and replaced by the next save") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteChannelStateStore(*db);
  CHECK_FALSE(LoadOrFail(*store, "zalo").has_value());

  TokenPair first = Tokens("access-1", "refresh-1", 3600);
  first.updated = Second(0) + std::chrono::microseconds(999);  // floored to the millisecond
  RequireOk(store->SaveTokens("zalo", first));
  std::optional<TokenPair> loaded = LoadOrFail(*store, "zalo");
  REQUIRE(loaded.has_value());
  CheckSame(*loaded, Tokens("access-1", "refresh-1", 3600));

  TokenPair second = Tokens("access-2", "refresh-2", 7200);
  second.updated = Second(3500);
  RequireOk(store->SaveTokens("zalo", second));
  loaded = LoadOrFail(*store, "zalo");
  REQUIRE(loaded.has_value());
  CheckSame(*loaded, second);

  // Each channel has its own pair.
  CHECK_FALSE(LoadOrFail(*store, "messenger").has_value());
}

TEST_CASE("Seeding stores the initial tokens only when none are stored") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteChannelStateStore(*db);
  const TokenPair from_config = Tokens("config-access", "config-refresh", 60);

  SECTION("the first seed stores and returns them") {
    Result<TokenPair> seeded = store->SeedTokens("zalo", from_config);
    REQUIRE(seeded.ok());
    CheckSame(*seeded, from_config);
    std::optional<TokenPair> loaded = LoadOrFail(*store, "zalo");
    REQUIRE(loaded.has_value());
    CheckSame(*loaded, from_config);
  }
  SECTION("a later seed keeps and returns the refreshed pair") {
    // The config still holds the original pair after a refresh was saved:
    // seeding again at the next start must not bring the spent token back.
    REQUIRE(store->SeedTokens("zalo", from_config).ok());
    const TokenPair refreshed = Tokens("access-2", "refresh-2", 9000);
    RequireOk(store->SaveTokens("zalo", refreshed));
    Result<TokenPair> seeded = store->SeedTokens("zalo", from_config);
    REQUIRE(seeded.ok());
    CheckSame(*seeded, refreshed);
    CheckSame(LoadOrFail(*store, "zalo").value(), refreshed);
  }
}

TEST_CASE("Tokens and pauses survive closing and reopening the database") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  const TokenPair tokens = Tokens("access-1", "refresh-1", 3600);
  {
    auto db = OpenOrFail(path);
    auto store = NewSqliteChannelStateStore(*db);
    RequireOk(store->SaveTokens("zalo", tokens));
    RequireOk(store->PauseUser("zalo", "user-1", Second(600), "staff reply"));
  }
  auto db = OpenOrFail(path);
  auto store = NewSqliteChannelStateStore(*db);
  std::optional<TokenPair> loaded = LoadOrFail(*store, "zalo");
  REQUIRE(loaded.has_value());
  CheckSame(*loaded, tokens);
  CHECK(PausedUntilOrFail(*store, "user-1", Second(0)) == Second(600));
}

TEST_CASE("Tokens saved in a unit of work that fails are not kept") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteChannelStateStore(*db);
  auto unit = NewSqliteUnitOfWork(*db);
  Status s = unit->Run([&] {
    RequireOk(store->SaveTokens("zalo", Tokens("a", "r", 1)));
    return Unavailable("refresh aborted");
  });
  CHECK(s.message() == "refresh aborted");
  CHECK_FALSE(LoadOrFail(*store, "zalo").has_value());
}

TEST_CASE("A save that the database refuses is reported with its channel and keeps the old pair") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteChannelStateStore(*db);
  const TokenPair old_pair = Tokens("access-1", "refresh-1", 60);
  RequireOk(store->SaveTokens("zalo", old_pair));
  // The stand-in for a failing disk: a trigger that aborts the update.
  RequireOk(db->WithConnection([](sqlite3* c) {
    RawConnection::QueryTextOn(c,
                               "CREATE TRIGGER refuse BEFORE UPDATE ON channel_tokens "
                               "BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    return Status::Ok();
  }));

  Status s = store->SaveTokens("zalo", Tokens("access-2", "refresh-2", 120));
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == "channel state: save tokens of zalo: disk says no");
  CheckSame(LoadOrFail(*store, "zalo").value(), old_pair);
}

TEST_CASE("A paused user is paused until the end of the pause, not at it") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteChannelStateStore(*db);
  CHECK_FALSE(PausedUntilOrFail(*store, "user-1", Second(0)).has_value());
  RequireOk(store->PauseUser("zalo", "user-1", Second(600), "staff reply"));

  CHECK(PausedUntilOrFail(*store, "user-1", Second(0)) == Second(600));
  CHECK(PausedUntilOrFail(*store, "user-1", Second(600) - milliseconds(1)) == Second(600));
  CHECK_FALSE(PausedUntilOrFail(*store, "user-1", Second(600)).has_value());
  CHECK_FALSE(PausedUntilOrFail(*store, "user-1", Second(601)).has_value());
  // Only that user, on that channel.
  CHECK_FALSE(PausedUntilOrFail(*store, "user-2", Second(0)).has_value());
  Result<std::optional<system_clock::time_point>> messenger =
      store->PausedUntil("messenger", "user-1", Second(0));
  REQUIRE(messenger.ok());
  CHECK_FALSE(messenger->has_value());

  SECTION("pausing again replaces the end, even with an earlier one") {
    RequireOk(store->PauseUser("zalo", "user-1", Second(60), "shorter"));
    CHECK(PausedUntilOrFail(*store, "user-1", Second(0)) == Second(60));
    CHECK_FALSE(PausedUntilOrFail(*store, "user-1", Second(60)).has_value());
  }
  SECTION("pausing again after the pause ended starts a new one") {
    RequireOk(store->PauseUser("zalo", "user-1", Second(1200), "staff reply again"));
    CHECK(PausedUntilOrFail(*store, "user-1", Second(700)) == Second(1200));
  }
  SECTION("resuming ends the pause at once, and resuming again is OK") {
    RequireOk(store->ResumeUser("zalo", "user-1"));
    CHECK_FALSE(PausedUntilOrFail(*store, "user-1", Second(0)).has_value());
    RequireOk(store->ResumeUser("zalo", "user-1"));
    RequireOk(store->ResumeUser("zalo", "never-paused"));
  }
}

}  // namespace
}  // namespace bhxh
