// End to end: the real binary on loopback, with real HTTP fakes of the
// Graph API and of Zalo's OpenAPI and OAuth. Signed webhooks in, replies out
// at the fakes; failures, redeliveries, token rotation and restarts.
#include <atomic>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "bot/cli.h"
#include "test_support/channel_bot.h"

using namespace bhxh;
using namespace bhxh::testing;
using json = nlohmann::json;

namespace {

// Messages the fake Graph API received, without the typing indicators.
std::vector<json> GraphMessages(const FakePlatform& graph) {
  std::vector<json> out;
  for (const auto& r : graph.RequestsTo("/me/messages")) {
    json j = json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("message")) out.push_back(j);
  }
  return out;
}

std::vector<json> ZaloMessages(const FakePlatform& zalo) {
  std::vector<json> out;
  for (const auto& r : zalo.RequestsTo("/v3.0/oa/message/cs")) {
    out.push_back(json::parse(r.body, nullptr, false));
  }
  return out;
}

struct Bot : ChannelBot {
  Bot() : ChannelBot("bhxh-e2e-channels") {}
};

}  // namespace

TEST_CASE("the Messenger verification handshake echoes the challenge only for our token") {
  Bot bot;
  auto ok = bot.client().Get("/webhook/messenger?hub.mode=subscribe&hub.verify_token=" +
                             std::string(kVerifyToken) + "&hub.challenge=1158201444");
  CHECK(ok.status == 200);
  CHECK(ok.body == "1158201444");
  auto bad = bot.client().Get(
      "/webhook/messenger?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444");
  CHECK(bad.status == 403);
}

TEST_CASE("a signed Messenger message is answered once at the Graph API, even when redelivered") {
  Bot bot;
  const std::string body = MessengerText("PSID-1", "m-1", "mức đóng bhyt hộ gia đình bao nhiêu");
  CHECK(bot.client().Post("/webhook/messenger", body, MessengerSignature(body)).status == 200);
  CHECK(bot.client().Post("/webhook/messenger", body, MessengerSignature(body)).status == 200);
  REQUIRE(FakePlatform::WaitUntil([&] { return !GraphMessages(bot.graph).empty(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a second reply would show by now
  const auto messages = GraphMessages(bot.graph);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0]["recipient"]["id"] == "PSID-1");
  CHECK(messages[0]["messaging_type"] == "RESPONSE");
  CHECK(messages[0]["message"]["text"].get<std::string>().find("đồng") != std::string::npos);
  const auto requests = bot.graph.RequestsTo("/me/messages");
  CHECK(requests.front().query.find(std::string("access_token=") + kPageToken) != std::string::npos);
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM inbox_events") == 1);
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM outbox WHERE status = 'sent'") == 1);
}

TEST_CASE("forged or unsigned webhooks get 401 and store nothing") {
  Bot bot;
  const std::string body = MessengerText("PSID-2", "m-2", "xin chào");
  CHECK(bot.client().Post("/webhook/messenger", body).status == 401);
  CHECK(bot.client()
            .Post("/webhook/messenger", body,
                  {{"X-Hub-Signature-256", "sha256=" + HmacSha256Hex("wrong-secret", body)}})
            .status == 401);
  const std::string zbody = ZaloText("Z-2", "zm-2", "xin chào");
  CHECK(bot.client().Post("/webhook/zalo", zbody, {{"X-ZEvent-Signature", "mac=00"}}).status == 401);
  CHECK(bot.client().Post("/webhook/messenger", "{not json", MessengerSignature("{not json")).status ==
        400);
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM inbox_events") == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(GraphMessages(bot.graph).empty());
}

TEST_CASE("replies are delivered once and in order after the Graph API fails for a while") {
  Bot bot;
  std::atomic<int> failures{0};
  bot.graph.SetHandler([&](const FakeRequest& r) {
    if (r.body.find("typing_on") == std::string::npos && failures < 4) {
      ++failures;
      return FakeAnswer{500, R"({"error":{"message":"boom","code":1200}})"};
    }
    return GraphOk(r);
  });
  const std::vector<std::string> texts = {"xin chào", "mất thẻ bhyt thì làm sao", "cảm ơn"};
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string body = MessengerText("PSID-3", "m-3-" + std::to_string(i), texts[i]);
    REQUIRE(bot.client().Post("/webhook/messenger", body, MessengerSignature(body)).status == 200);
  }
  REQUIRE(FakePlatform::WaitUntil(
      [&] { return QueryInt(bot.db(), "SELECT count(*) FROM outbox WHERE status != 'sent'") == 0 &&
                   QueryInt(bot.db(), "SELECT count(*) FROM inbox_events WHERE status = 'done'") == 3; }));
  // Accepted answers, in the order the platform accepted them.
  std::vector<std::string> delivered;
  for (const auto& r : bot.graph.RequestsTo("/me/messages")) {
    json j = json::parse(r.body, nullptr, false);
    if (j.contains("message")) delivered.push_back(j["message"]["text"]);
  }
  const long long rows = QueryInt(bot.db(), "SELECT count(*) FROM outbox");
  CHECK(static_cast<long long>(delivered.size()) == rows + 4);  // 4 failed tries, then each once
  std::vector<std::string> accepted(delivered.begin() + 4, delivered.end());
  REQUIRE(accepted.size() >= 3);
  CHECK(accepted.front().find("trợ lý tự động") != std::string::npos);  // reply to "xin chào"
  CHECK(accepted.back().find("không có gì") != std::string::npos);     // reply to "cảm ơn"
}

TEST_CASE("a send outside the messaging window is recorded as failed and not retried") {
  Bot bot;
  bot.graph.SetHandler([](const FakeRequest& r) {
    if (r.body.find("typing_on") != std::string::npos) return GraphOk(r);
    return FakeAnswer{400, R"({"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278}})"};
  });
  const std::string body = MessengerText("PSID-4", "m-4", "xin chào");
  REQUIRE(bot.client().Post("/webhook/messenger", body, MessengerSignature(body)).status == 200);
  REQUIRE(FakePlatform::WaitUntil(
      [&] { return QueryInt(bot.db(), "SELECT count(*) FROM outbox WHERE status = 'failed'") == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(GraphMessages(bot.graph).size() == 1);
  CHECK(QueryText(bot.db(), "SELECT last_error FROM outbox").rfind("outside_window", 0) == 0);
}

TEST_CASE("a signed Zalo message is answered through the OA API with the access token") {
  Bot bot;
  const std::string body = ZaloText("Z-1", "zm-1", "mat the bhyt lam lai o dau");
  CHECK(bot.client().Post("/webhook/zalo", body, ZaloSignature(body)).status == 200);
  REQUIRE(FakePlatform::WaitUntil([&] { return !ZaloMessages(bot.zalo_api).empty(); }));
  const auto requests = bot.zalo_api.RequestsTo("/v3.0/oa/message/cs");
  const auto messages = ZaloMessages(bot.zalo_api);
  CHECK(messages[0]["recipient"]["user_id"] == "Z-1");
  CHECK(messages[0]["message"]["text"].get<std::string>().find("CCCD") != std::string::npos);
  // The configured token is treated as about to expire: refreshed first.
  CHECK(requests[0].headers.at("access_token") == "access-2");
}

TEST_CASE("a rejected Zalo token is refreshed, the new pair stored, and the send retried once") {
  Bot bot;
  std::atomic<int> rejected{0};
  bot.zalo_api.SetHandler([&](const FakeRequest& r) {
    if (r.headers.count("access_token") && r.headers.at("access_token") == "access-2" && rejected == 0) {
      ++rejected;
      return FakeAnswer{200, R"({"error":-216,"message":"Access token is invalid"})"};
    }
    return ZaloOk(r);
  });
  std::atomic<int> refreshes{0};
  bot.zalo_oauth.SetHandler([&](const FakeRequest& r) {
    ++refreshes;
    if (r.body.find("refresh_token=refresh-1") != std::string::npos) {
      return FakeAnswer{200, R"({"access_token":"access-2","refresh_token":"refresh-2","expires_in":"90000"})"};
    }
    return FakeAnswer{200, R"({"access_token":"access-3","refresh_token":"refresh-3","expires_in":90000})"};
  });
  const std::string body = ZaloText("Z-5", "zm-5", "xin chào");
  REQUIRE(bot.client().Post("/webhook/zalo", body, ZaloSignature(body)).status == 200);
  REQUIRE(FakePlatform::WaitUntil(
      [&] { return QueryInt(bot.db(), "SELECT count(*) FROM outbox WHERE status = 'sent'") == 1; }));
  const auto requests = bot.zalo_api.RequestsTo("/v3.0/oa/message/cs");
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].headers.at("access_token") == "access-3");
  CHECK(QueryText(bot.db(), "SELECT refresh_token FROM channel_tokens WHERE channel = 'zalo'") ==
        "refresh-3");
  const auto oauth = bot.zalo_oauth.RequestsTo("/v4/oa/access_token");
  REQUIRE(oauth.size() == 2);
  CHECK(oauth[0].headers.at("secret_key") == "zalo-app-secret");
  CHECK(oauth[1].body.find("refresh_token=refresh-2") != std::string::npos);
}

TEST_CASE("a reply still in the outbox when the server is killed is delivered after restart") {
  Bot bot;
  bot.graph.SetHandler(
      [](const FakeRequest&) { return FakeAnswer{503, R"({"error":{"message":"down","code":2}})"}; });
  const std::string body = MessengerText("PSID-6", "m-6", "mất thẻ bhyt");
  REQUIRE(bot.client().Post("/webhook/messenger", body, MessengerSignature(body)).status == 200);
  REQUIRE(FakePlatform::WaitUntil(
      [&] { return QueryInt(bot.db(), "SELECT max(attempts) FROM outbox") >= 1; }));
  bot.server->Kill();
  bot.graph.SetHandler(GraphOk);
  bot.server = bot.NewServer();
  REQUIRE(bot.server->Start() == "");
  REQUIRE(FakePlatform::WaitUntil(
      [&] { return QueryInt(bot.db(), "SELECT count(*) FROM outbox WHERE status = 'sent'") == 1; }));
  CHECK(GraphMessages(bot.graph).back()["recipient"]["id"] == "PSID-6");
}

TEST_CASE("a staff reply from the Page Inbox pauses the bot for that user") {
  Bot bot;
  json echo = {{"object", "page"},
               {"entry",
                {{{"id", "PAGE1"},
                  {"time", 1795662000000LL},
                  {"messaging",
                   {{{"sender", {{"id", "PAGE1"}}},
                     {"recipient", {{"id", "PSID-7"}}},
                     {"timestamp", 1795662000000LL},
                     {"message", {{"mid", "m-echo-7"}, {"is_echo", true}, {"app_id", 263902037430900LL},
                                  {"text", "Chào anh, em là cán bộ BHXH."}}}}}}}}}};
  const std::string echo_body = echo.dump();
  REQUIRE(bot.client().Post("/webhook/messenger", echo_body, MessengerSignature(echo_body)).status == 200);
  REQUIRE(FakePlatform::WaitUntil(
      [&] { return QueryInt(bot.db(), "SELECT count(*) FROM user_pauses") == 1; }));
  const std::string body = MessengerText("PSID-7", "m-7", "mất thẻ bhyt");
  REQUIRE(bot.client().Post("/webhook/messenger", body, MessengerSignature(body)).status == 200);
  REQUIRE(FakePlatform::WaitUntil(
      [&] { return QueryInt(bot.db(), "SELECT count(*) FROM inbox_events WHERE status = 'done'") == 2; }));
  CHECK(GraphMessages(bot.graph).empty());
}

TEST_CASE("messenger-setup sets Get Started, the greeting and the menu through the Profile API") {
  TempDir dir;
  FakePlatform graph([](const FakeRequest&) { return FakeAnswer{200, R"({"result":"success"})"}; });
  json config = {{"messenger",
                  {{"page_access_token", kPageToken}, {"app_secret", kAppSecret},
                   {"verify_token", kVerifyToken}, {"graph_base_url", graph.base_url()}}}};
  dir.Write("config.json", config.dump());
  const std::string config_path = dir.File("config.json"), data = dir.File("data");
  const char* argv[] = {"bhxh-bot", "--config", config_path.c_str(), "--data-dir", data.c_str(),
                        "messenger-setup"};
  std::istringstream in;
  std::ostringstream out, err;
  REQUIRE(RunCli(6, argv, in, out, err) == 0);
  CHECK(out.str().find("Messenger profile set") != std::string::npos);
  REQUIRE(graph.RequestsTo("/me/messenger_profile").size() == 1);
  const json profile = json::parse(graph.RequestsTo("/me/messenger_profile")[0].body);
  CHECK(profile["get_started"]["payload"] == "GET_STARTED");
  CHECK(profile["greeting"][0]["locale"] == "default");
  CHECK(profile["persistent_menu"][0]["call_to_actions"].size() == 3);
  CHECK(profile["persistent_menu"][0]["call_to_actions"][0]["payload"] == "MENU_FAQ");
}

TEST_CASE("the service log holds no secret, user id or message text") {
  Bot bot;
  const std::string text = "số điện thoại 0912345678, cccd 051234567890";
  const std::string body = MessengerText("PSID-SECRET-8", "m-8", text);
  REQUIRE(bot.client().Post("/webhook/messenger", body, MessengerSignature(body)).status == 200);
  const std::string zbody = ZaloText("Z-SECRET-8", "zm-8", text);
  REQUIRE(bot.client().Post("/webhook/zalo", zbody, ZaloSignature(zbody)).status == 200);
  REQUIRE(FakePlatform::WaitUntil(
      [&] { return QueryInt(bot.db(), "SELECT count(*) FROM outbox WHERE status = 'sent'") == 2; }));
  const std::string log = bot.server->StderrText();
  CHECK(log.find("\"route\":\"/webhook/messenger\"") != std::string::npos);  // the log is there
  for (const std::string& secret :
       {std::string(kPageToken), std::string(kAppSecret), std::string(kVerifyToken),
        std::string(kOaSecret), std::string("zalo-app-secret"), std::string("access-1"),
        std::string("access-2"), std::string("refresh-1"), std::string("refresh-2"),
        std::string("PSID-SECRET-8"), std::string("Z-SECRET-8"), std::string("0912345678"),
        std::string("051234567890")}) {
    CAPTURE(secret);
    CHECK(log.find(secret) == std::string::npos);
  }
}
