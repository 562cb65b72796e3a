// End to end: the real bhxh-bot binary serving the shipped content and web
// page on a loopback port, driven over HTTP like the chat page does.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "test_support/http_client.h"
#include "test_support/server_process.h"
#include "test_support/temp_dir.h"

namespace bhxh {
namespace {

using json = nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::ProcessExit;
using testing::ServerProcess;
using testing::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

json Chat(const HttpClient& client, const json& body) {
  HttpResult r = client.Post("/api/chat", body.dump());
  INFO("request " << body.dump() << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
  CHECK(r.Header("Content-Type") == "application/json; charset=utf-8");
  json j = json::parse(r.body, nullptr, false);
  REQUIRE(j.is_object());
  REQUIRE(j["replies"].is_array());
  REQUIRE_FALSE(j["replies"].empty());
  for (const json& reply : j["replies"]) {
    REQUIRE(reply["text"].is_string());
    REQUIRE(reply["choices"].is_array());
  }
  return j["replies"];
}

std::string AllText(const json& replies) {
  std::string all;
  for (const json& r : replies) all += r["text"].get<std::string>() + "\n";
  return all;
}

size_t ChoiceCount(const json& replies) {
  size_t n = 0;
  for (const json& r : replies) n += r["choices"].size();
  return n;
}

// The fixed beginning of every shipped FAQ answer (the text before its first
// placeholder or line break, at most ~60 bytes, cut on a UTF-8 boundary after
// the polite "Dạ, " every answer starts with), to recognise an FAQ answer in
// a reply.
std::vector<std::string> AnswerOpenings() {
  json faq = json::parse(ReadFile(std::string(BHXH_TEST_CONTENT_DIR) + "/faq.json"), nullptr,
                         false);
  REQUIRE(faq.is_object());
  std::vector<std::string> openings;
  for (const json& e : faq["faq"]) {
    std::string a = e["answer"].get<std::string>();
    const std::string polite = "Dạ, ";
    if (a.compare(0, polite.size(), polite) == 0) a = a.substr(polite.size());
    a = a.substr(0, std::min({a.find("{{"), a.find('\n'), a.size()}));
    if (a.size() > 60) {
      size_t cut = 60;
      while (cut > 0 && (static_cast<unsigned char>(a[cut]) & 0xC0) == 0x80) --cut;
      a = a.substr(0, cut);
    }
    if (a.size() >= 15) openings.push_back(a);
  }
  REQUIRE(openings.size() > 10);
  return openings;
}

TEST_CASE("the real binary serves the web chat end to end and stops cleanly on SIGTERM",
          "[e2e]") {
  TempDir dir("bhxh-e2e");
  const std::string data_dir = dir.File("data");
  ServerProcess server(BHXH_BINARY,
                       {"serve", "--host", "127.0.0.1", "--port", "{port}", "--data-dir",
                        data_dir},
                       dir.path());
  const std::string problem = server.Start();
  INFO(problem);
  REQUIRE(problem.empty());
  HttpClient client(server.base_url());
  INFO("server stderr:\n" << server.StderrText());

  // GET / has the chat page.
  HttpResult page = client.Get("/");
  CHECK(page.status == 200);
  CHECK(page.Header("Content-Type") == "text/html; charset=utf-8");
  CHECK_THAT(page.body, Catch::Contains("Trợ lý tự động BHXH cơ sở Sơn Hà"));
  CHECK_THAT(page.body, Catch::Contains("chat.js"));
  CHECK(client.Get("/chat.js").status == 200);
  CHECK(client.Get("/chat.css").status == 200);

  // The page's first call: a welcome with choices.
  const std::string session = "e2e-session-1";
  json welcome = Chat(client, {{"session", session}, {"payload", "GET_STARTED"}});
  CHECK(ChoiceCount(welcome) > 0);

  // A question from the FAQ is answered with an amount in đồng.
  json answer =
      Chat(client, {{"session", session}, {"text", "mức đóng bhyt hộ gia đình là bao nhiêu"}});
  CHECK_THAT(AllText(answer), Catch::Contains("đồng"));
  CHECK(AllText(answer).find("{{") == std::string::npos);  // every placeholder rendered

  // A greeting is not mistaken for a question.
  json greeting = Chat(client, {{"session", session}, {"text", "xin chào"}});
  const std::string greeting_text = AllText(greeting);
  for (const std::string& opening : AnswerOpenings()) {
    CAPTURE(opening);
    CHECK(greeting_text.find(opening) == std::string::npos);
  }

  // The menu button's payload works.
  Chat(client, {{"session", session}, {"payload", "MENU"}});

  // Health.
  HttpResult health = client.Get("/healthz");
  CHECK(health.status == 200);
  json h = json::parse(health.body, nullptr, false);
  CHECK(h["status"] == "ok");
  CHECK(h["database"] == "ok");
  CHECK(h["version"].is_string());

  // The SQLite database lives in the data directory.
  CHECK(std::filesystem::is_regular_file(data_dir + "/bhxh-bot.db"));

  // SIGTERM ends the process with exit code 0 within 5 s.
  ProcessExit exit = server.Stop(std::chrono::seconds(5));
  CHECK_FALSE(exit.needed_kill);
  CHECK(exit.exited);
  CHECK(exit.code == 0);
  CHECK(exit.took < std::chrono::seconds(5));
  CHECK_FALSE(server.Running());
}

TEST_CASE("the binary starts again on the data dir of an earlier run",
          "[e2e]") {
  TempDir dir("bhxh-e2e");
  const std::vector<std::string> args = {"serve",      "--host", "127.0.0.1",
                                         "--port",     "{port}", "--data-dir",
                                         dir.File("data")};
  {
    ServerProcess first(BHXH_BINARY, args, dir.path());
    const std::string problem = first.Start();
    INFO(problem);
    REQUIRE(problem.empty());
    Chat(HttpClient(first.base_url()), {{"session", "e2e-restart"}, {"payload", "GET_STARTED"}});
    CHECK(first.Stop().code == 0);
  }
  ServerProcess second(BHXH_BINARY, args, dir.path());
  const std::string problem = second.Start();
  INFO(problem);
  REQUIRE(problem.empty());
  HttpClient client(second.base_url());
  Chat(client, {{"session", "e2e-restart"}, {"text", "mức đóng bhyt hộ gia đình là bao nhiêu"}});
  CHECK(client.Get("/healthz").status == 200);
}

TEST_CASE("the binary answers bad chat requests with 4xx, not a crash", "[e2e]") {
  TempDir dir("bhxh-e2e");
  ServerProcess server(BHXH_BINARY,
                       {"serve", "--host", "127.0.0.1", "--port", "{port}", "--data-dir",
                        dir.File("data")},
                       dir.path());
  const std::string problem = server.Start();
  INFO(problem);
  REQUIRE(problem.empty());
  HttpClient client(server.base_url());
  CHECK(client.Post("/api/chat", "not json").status == 400);
  CHECK(client.Post("/api/chat", R"({"session":"x"})").status == 400);
  CHECK(client.Post("/api/chat", std::string(100000, ' ')).status == 413);
  CHECK(client.Get("/../content/faq.json").status == 404);
  CHECK(client.Get("/data/bhxh-bot.db").status == 404);
  CHECK(client.Get("/api/chat").status == 405);
  CHECK(server.Running());
  CHECK(client.Get("/healthz").status == 200);
}

}  // namespace
}  // namespace bhxh
