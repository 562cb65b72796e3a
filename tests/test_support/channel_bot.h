// The end-to-end harness shared by the channel tests: the real binary
// serving on loopback with Messenger and Zalo pointed at real HTTP fakes of
// the Graph API and of Zalo's OpenAPI and OAuth, the signatures and webhook
// bodies those platforms send, and read-only queries on the bot's SQLite
// file. Header-only: the including test defines BHXH_BINARY and links
// nlohmann_json, OpenSSL (through bhxh_bot_lib) and SQLite.
#ifndef BHXH_TESTS_TEST_SUPPORT_CHANNEL_BOT_H_
#define BHXH_TESTS_TEST_SUPPORT_CHANNEL_BOT_H_

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bot/channels/webhook_signature.h"
#include "test_support/fake_platform.h"
#include "test_support/http_client.h"
#include "test_support/server_process.h"
#include "test_support/temp_dir.h"

#ifndef BHXH_BINARY
#error "channel_bot.h needs BHXH_BINARY, the path of the bhxh-bot binary"
#endif

namespace bhxh::testing {

// Credentials the bot is configured with, and the timestamp of every
// webhook event (milliseconds; Zalo sends it as text).
inline constexpr char kAppSecret[] = "app-secret-e2e";
inline constexpr char kVerifyToken[] = "verify-e2e";
inline constexpr char kPageToken[] = "page-token-e2e";
inline constexpr char kZaloAppId[] = "1234567890";
inline constexpr char kOaSecret[] = "oa-secret-e2e";
inline constexpr char kTimestamp[] = "1795662000000";
inline constexpr long long kTimestampMs = 1795662000000LL;

// ---------------------------------------------------------------------------
// The platforms' answers when all goes well.

inline FakeAnswer GraphOk(const FakeRequest&) {
  return {200, R"({"recipient_id":"x","message_id":"m"})"};
}
inline FakeAnswer ZaloOk(const FakeRequest&) {
  return {200, R"({"error":0,"message":"Success","data":{"message_id":"z"}})"};
}
// A refresh that hands out the pair access-2 / refresh-2.
inline FakeAnswer ZaloOAuthOk(const FakeRequest&) {
  return {200, R"({"access_token":"access-2","refresh_token":"refresh-2","expires_in":"90000"})"};
}

// ---------------------------------------------------------------------------
// The server, with both channels pointed at the fakes. The configured Zalo
// token (access-1 / refresh-1) is treated as about to expire.

struct WebChatLimit {
  int messages_per_minute;
  int burst;
};

struct ChannelBot {
  TempDir dir;
  FakePlatform graph{GraphOk};
  FakePlatform zalo_api{ZaloOk};
  FakePlatform zalo_oauth{ZaloOAuthOk};
  std::unique_ptr<ServerProcess> server;

  // Writes config.json in a fresh `temp_prefix` directory and starts the
  // server; `web_chat` overrides the web chat rate limit.
  explicit ChannelBot(const std::string& temp_prefix,
                      std::optional<WebChatLimit> web_chat = std::nullopt)
      : dir(temp_prefix) {
    nlohmann::json config = {
        {"messenger",
         {{"page_access_token", kPageToken},
          {"app_secret", kAppSecret},
          {"verify_token", kVerifyToken},
          {"app_id", "999"},
          {"graph_base_url", graph.base_url()}}},
        {"zalo",
         {{"app_id", kZaloAppId},
          {"app_secret", "zalo-app-secret"},
          {"oa_secret_key", kOaSecret},
          {"access_token", "access-1"},
          {"refresh_token", "refresh-1"},
          {"openapi_base_url", zalo_api.base_url()},
          {"oauth_base_url", zalo_oauth.base_url()}}},
        {"sending",
         {{"base_backoff_ms", 30}, {"max_backoff_ms", 200}, {"max_attempts", 30},
          {"messenger_per_second", 300}, {"zalo_per_second", 300}, {"http_timeout_ms", 2000},
          {"token_refresh_margin_s", 0}}}};
    if (web_chat) {
      config["web_chat"] = {{"messages_per_minute", web_chat->messages_per_minute},
                            {"burst", web_chat->burst}};
    }
    dir.Write("config.json", config.dump(2));
    server = NewServer();
    const std::string problem = server->Start();
    INFO(problem);
    REQUIRE(problem.empty());
  }

  // A server process on the same config and data directory, not started.
  std::unique_ptr<ServerProcess> NewServer() const {
    return std::make_unique<ServerProcess>(
        BHXH_BINARY,
        std::vector<std::string>{"--config", dir.File("config.json"), "serve", "--host", "127.0.0.1",
                                 "--port", "{port}", "--data-dir", dir.File("data")},
        dir.path());
  }
  std::string db() const { return dir.File("data/bhxh-bot.db"); }
  HttpClient client() const { return HttpClient(server->base_url()); }
};

// ---------------------------------------------------------------------------
// Webhook signatures and bodies.

inline HeaderList MessengerSignature(const std::string& body) {
  return {{"X-Hub-Signature-256", "sha256=" + HmacSha256Hex(kAppSecret, body)}};
}

inline HeaderList ZaloSignature(const std::string& body) {
  return {{"X-ZEvent-Signature",
           "mac=" + Sha256Hex(std::string(kZaloAppId) + body + kTimestamp + kOaSecret)}};
}

// One messaging event from `psid` to PAGE1 with `event_fields` added.
inline std::string MessengerEnvelope(const std::string& psid, const nlohmann::json& event_fields) {
  nlohmann::json event = {{"sender", {{"id", psid}}},
                          {"recipient", {{"id", "PAGE1"}}},
                          {"timestamp", kTimestampMs}};
  event.update(event_fields);
  const nlohmann::json body = {
      {"object", "page"},
      {"entry", {{{"id", "PAGE1"}, {"time", kTimestampMs}, {"messaging", {event}}}}}};
  return body.dump();
}

inline std::string MessengerText(const std::string& psid, const std::string& mid,
                                 const std::string& text) {
  return MessengerEnvelope(psid, {{"message", {{"mid", mid}, {"text", text}}}});
}

// A Zalo OA event `event_name` to OA1 with `fields` added.
inline std::string ZaloEvent(const std::string& event_name, const nlohmann::json& fields) {
  nlohmann::json body = {{"app_id", kZaloAppId},
                         {"event_name", event_name},
                         {"timestamp", kTimestamp},
                         {"recipient", {{"id", "OA1"}}}};
  body.update(fields);
  return body.dump();
}

inline std::string ZaloText(const std::string& user, const std::string& msg_id,
                            const std::string& text) {
  return ZaloEvent("user_send_text", {{"user_id_by_app", "app-" + user},
                                      {"sender", {{"id", user}}},
                                      {"message", {{"text", text}, {"msg_id", msg_id}}}});
}

// ---------------------------------------------------------------------------
// Reading the server's SQLite file (read-only, beside the running server).

// Runs `sql` with `params` bound as text (?1, ?2...); the first column of
// the first row as text, "" when there is no row. Fails the test when the
// statement cannot run.
inline std::string QueryText(const std::string& db_path, const std::string& sql,
                             const std::vector<std::string>& params = {}) {
  sqlite3* db = nullptr;
  std::string value, problem;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    problem = "cannot open " + db_path;
  } else {
    sqlite3_busy_timeout(db, 2000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      problem = sqlite3_errmsg(db);
    } else {
      for (size_t i = 0; i < params.size(); ++i) {
        sqlite3_bind_text(st, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
      }
      const int rc = sqlite3_step(st);
      if (rc == SQLITE_ROW) {
        const unsigned char* text = sqlite3_column_text(st, 0);
        if (text) value = reinterpret_cast<const char*>(text);
      } else if (rc != SQLITE_DONE) {
        problem = sqlite3_errmsg(db);
      }
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  INFO(sql);
  if (!problem.empty()) FAIL("SQL failed: " << problem);
  return value;
}

// The first column of the first row as a number; -1 when there is no row
// or the value is NULL.
inline long long QueryInt(const std::string& db_path, const std::string& sql,
                          const std::vector<std::string>& params = {}) {
  const std::string text = QueryText(db_path, sql, params);
  return text.empty() ? -1 : std::stoll(text);
}

}  // namespace bhxh::testing

#endif  // BHXH_TESTS_TEST_SUPPORT_CHANNEL_BOT_H_
