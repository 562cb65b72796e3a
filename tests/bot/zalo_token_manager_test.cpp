#include "bot/channels/zalo_token_manager.h"

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "test_support/fake_platform.h"
#include "test_support/temp_dir.h"

using namespace bhxh;
using namespace bhxh::testing;
using namespace std::chrono;

namespace {

const system_clock::time_point kT0 = system_clock::time_point(seconds(1795662000));

struct Harness {
  TempDir dir;
  std::unique_ptr<Database> db;
  std::unique_ptr<ChannelStateStore> store;
  FakeClock clock{kT0};
  FakePlatform oauth{[](const FakeRequest& r) {
    if (r.body.find("refresh_token=r1") != std::string::npos) {
      return FakeAnswer{200, R"({"access_token":"a2","refresh_token":"r2","expires_in":"90000"})"};
    }
    return FakeAnswer{200, R"({"error":-14014,"error_name":"Invalid refresh token"})"};
  }};
  PlatformHttp http{seconds(5)};
  ZaloConfig config;

  Harness() {
    auto opened = Database::Open(dir.File("bot.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    store = NewSqliteChannelStateStore(*db);
    config.app_id = "app";
    config.app_secret = "app-secret";
    config.access_token = "a1";
    config.refresh_token = "r1";
    config.oauth_base_url = oauth.base_url();
  }
};

}  // namespace

TEST_CASE("the first use refreshes the configured token and stores the new pair before using it") {
  Harness h;
  ZaloTokenManager tokens(*h.store, h.config, h.http, h.clock, seconds(3600));
  REQUIRE(tokens.Init().ok());
  auto t = tokens.AccessToken();
  REQUIRE(t.ok());
  CHECK(*t == "a2");
  auto stored = h.store->LoadTokens("zalo");
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->refresh_token == "r2");
  CHECK((*stored)->access_expires == kT0 + seconds(90000));
  const auto calls = h.oauth.RequestsTo("/v4/oa/access_token");
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].headers.at("secret_key") == "app-secret");
  CHECK(calls[0].body == "refresh_token=r1&app_id=app&grant_type=refresh_token");
  CHECK(tokens.Health() == "ok");
  // Valid for a while: no second refresh.
  h.clock.Advance(hours(20));
  CHECK(*tokens.AccessToken() == "a2");
  CHECK(h.oauth.RequestsTo("/v4/oa/access_token").size() == 1);
}

TEST_CASE("a restarted service uses the stored pair, not the configured one") {
  Harness h;
  {
    ZaloTokenManager tokens(*h.store, h.config, h.http, h.clock, seconds(3600));
    REQUIRE(tokens.Init().ok());
    REQUIRE(tokens.AccessToken().ok());
  }
  ZaloTokenManager again(*h.store, h.config, h.http, h.clock, seconds(3600));
  REQUIRE(again.Init().ok());
  CHECK(*again.AccessToken() == "a2");
  CHECK(h.oauth.RequestsTo("/v4/oa/access_token").size() == 1);
}

TEST_CASE("a failed refresh is reported by Health and the old token kept while it is valid") {
  Harness h;
  ZaloTokenManager tokens(*h.store, h.config, h.http, h.clock, seconds(3600));
  REQUIRE(tokens.Init().ok());
  REQUIRE(*tokens.AccessToken() == "a2");
  // Near expiry, the refresh with r2 is refused by the fake.
  h.clock.Advance(seconds(90000 - 1800));
  auto t = tokens.AccessToken();
  REQUIRE(t.ok());
  CHECK(*t == "a2");
  CHECK(tokens.Health().find("token refresh") != std::string::npos);
  CHECK(tokens.Health().find("a2") == std::string::npos);  // never a token in messages
  h.clock.Advance(hours(1));
  CHECK_FALSE(tokens.AccessToken().ok());
}

TEST_CASE("a rejected token is refreshed once even when two senders report it") {
  Harness h;
  ZaloTokenManager tokens(*h.store, h.config, h.http, h.clock, seconds(0));
  REQUIRE(tokens.Init().ok());
  REQUIRE(*tokens.AccessToken() == "a2");
  h.oauth.SetHandler([](const FakeRequest&) {
    return FakeAnswer{200, R"({"access_token":"a3","refresh_token":"r3","expires_in":90000})"};
  });
  REQUIRE(tokens.RefreshAfterRejection("a2").ok());
  REQUIRE(tokens.RefreshAfterRejection("a2").ok());  // the second report finds a3 already
  CHECK(*tokens.AccessToken() == "a3");
  CHECK(h.oauth.RequestsTo("/v4/oa/access_token").size() == 2);  // r1->a2, then r2->a3
}
