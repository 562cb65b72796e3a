#include "storage/conversation_store.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "storage/database.h"
#include "tests/storage/scratch_dir.h"

namespace bhxh {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// 2026-11-26T15:19:49.123Z plus `s` seconds.
system_clock::time_point Second(int s) {
  return system_clock::time_point(milliseconds(1795706389123LL) + std::chrono::seconds(s));
}

std::optional<StoredConversation> LoadOrFail(ConversationStore& store, const ConversationKey& key) {
  Result<std::optional<StoredConversation>> loaded = store.Load(key);
  INFO(loaded.status().message());
  REQUIRE(loaded.ok());
  return *loaded;
}

TEST_CASE("Loading a conversation that was never saved gives nothing") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto store = NewSqliteConversationStore(*db);
  CHECK_FALSE(LoadOrFail(*store, {"web", "nobody"}).has_value());
}

TEST_CASE("A saved conversation can be loaded, overwritten and deleted") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto store = NewSqliteConversationStore(*db);
  const ConversationKey key{"zalo", "user-1"};
  const std::string state = R"({"step":"ask_commune","draft":{"name":"Nguyễn Văn A"}})";
  RequireOk(store->Save(key, state, Second(0)));

  std::optional<StoredConversation> loaded = LoadOrFail(*store, key);
  REQUIRE(loaded.has_value());
  CHECK(loaded->state == state);
  CHECK(loaded->updated_at == Second(0));

  SECTION("saving again replaces the state and the time") {
    RequireOk(store->Save(key, "menu", Second(30)));
    loaded = LoadOrFail(*store, key);
    REQUIRE(loaded.has_value());
    CHECK(loaded->state == "menu");
    CHECK(loaded->updated_at == Second(30));
  }
  SECTION("an empty state is kept as empty, not as missing") {
    RequireOk(store->Save(key, "", Second(30)));
    loaded = LoadOrFail(*store, key);
    REQUIRE(loaded.has_value());
    CHECK(loaded->state == "");
  }
  SECTION("the same user id on another channel is another conversation") {
    CHECK_FALSE(LoadOrFail(*store, {"messenger", "user-1"}).has_value());
    RequireOk(store->Save({"messenger", "user-1"}, "other", Second(5)));
    loaded = LoadOrFail(*store, key);
    REQUIRE(loaded.has_value());
    CHECK(loaded->state == state);
  }
  SECTION("deleting removes it, and deleting again is not an error") {
    RequireOk(store->Delete(key));
    CHECK_FALSE(LoadOrFail(*store, key).has_value());
    RequireOk(store->Delete(key));
  }
}

TEST_CASE("Old conversations are purged and stale ones with a marker are found") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto store = NewSqliteConversationStore(*db);
  REQUIRE(store->Save({"web", "old-form"}, "v=1\nflow=lead\n", Second(0)).ok());
  REQUIRE(store->Save({"web", "old-plain"}, "v=1\n", Second(10)).ok());
  REQUIRE(store->Save({"zalo", "new-form"}, "v=1\nflow=lead\n", Second(100)).ok());

  Result<std::vector<ConversationKey>> stale = store->StaleWithMarker("flow=lead", Second(50), 10);
  REQUIRE(stale.ok());
  REQUIRE(stale->size() == 1);
  CHECK(stale->front().channel == "web");
  CHECK(stale->front().user == "old-form");
  Result<std::vector<ConversationKey>> limited = store->StaleWithMarker("v=1", Second(200), 2);
  REQUIRE(limited.ok());
  REQUIRE(limited->size() == 2);
  CHECK(limited->at(0).user == "old-form");  // oldest first
  CHECK(limited->at(1).user == "old-plain");

  // updated_at < cutoff is purged; a conversation updated at the cutoff stays.
  Result<size_t> purged = store->PurgeUpdatedBefore(Second(10));
  REQUIRE(purged.ok());
  CHECK(*purged == 1);
  CHECK_FALSE(LoadOrFail(*store, {"web", "old-form"}).has_value());
  CHECK(LoadOrFail(*store, {"web", "old-plain"}).has_value());
  CHECK(LoadOrFail(*store, {"zalo", "new-form"}).has_value());
}

TEST_CASE("Saved conversations survive closing and reopening the database") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  {
    auto db = OpenOrFail(path);
    auto store = NewSqliteConversationStore(*db);
    RequireOk(store->Save({"web", "s1"}, "ask_date", Second(1)));
    RequireOk(store->Save({"web", "s2"}, "menu", Second(2)));
    RequireOk(store->Delete({"web", "s2"}));
  }
  auto db = OpenOrFail(path);
  auto store = NewSqliteConversationStore(*db);
  std::optional<StoredConversation> s1 = LoadOrFail(*store, {"web", "s1"});
  REQUIRE(s1.has_value());
  CHECK(s1->state == "ask_date");
  CHECK(s1->updated_at == Second(1));
  CHECK_FALSE(LoadOrFail(*store, {"web", "s2"}).has_value());
}

}  // namespace
}  // namespace bhxh
