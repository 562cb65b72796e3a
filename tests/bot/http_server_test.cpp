// The web chat HTTP service, in-process on a free loopback port, with a real
// DialogEngine over a tiny in-memory FAQ and a FakeClock.
#include "bot/http_server.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "base/clock.h"
#include "bot/build_info.h"
#include "bot/static_files.h"
#include "content/faq_index.h"
#include "content/lexicon.h"
#include "content/messages.h"
#include "content/text_normalizer.h"
#include "content/variables.h"
#include "handlers/dialog_engine.h"
#include "handlers/live_content.h"
#include "storage/conversation_store.h"
#include "test_support/http_client.h"
#include "test_support/temp_dir.h"

namespace bhxh {
namespace {

using json = nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::RawHttpExchange;
using testing::RawStatus;
using testing::TempDir;

// 2026-08-01 10:00 UTC.
std::chrono::system_clock::time_point TestNow() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1785578400));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<FaqEntry> TinyFaq() {
  FaqEntry hgd;
  hgd.id = "bhyt-hgd-muc-dong";
  hgd.topic = "BHYT hộ gia đình";
  hgd.questions = {"mức đóng bảo hiểm y tế hộ gia đình là bao nhiêu",
                   "bhyt hộ gia đình đóng bao nhiêu tiền một năm"};
  hgd.answer = "Người thứ nhất đóng 4,5% lương cơ sở ({{luong_co_so}}) mỗi tháng.";
  hgd.follow_up = {"bhxh-tn-dang-ky"};
  FaqEntry dk;
  dk.id = "bhxh-tn-dang-ky";
  dk.topic = "BHXH tự nguyện";
  dk.questions = {"đăng ký bảo hiểm xã hội tự nguyện ở đâu", "muốn tham gia bhxh tự nguyện"};
  dk.answer = "Đăng ký tại đại lý thu hoặc bưu điện xã.";
  return {hgd, dk};
}

std::shared_ptr<const ContentSnapshot> TinyContent() {
  Lexicon lexicon;
  lexicon.abbreviations = {{"bhyt", "bao hiem y te"}, {"bhxh", "bao hiem xa hoi"}};
  lexicon.smalltalk = {"xin chao", "cam on"};
  lexicon.stopwords = {"a", "ha", "nhe", "oi"};
  auto normalizer = std::make_shared<const TextNormalizer>(lexicon);

  std::vector<ContentProblem> problems;
  std::shared_ptr<const VariableTable> variables = VariableTable::Parse(
      R"({"variables": [{"name": "luong_co_so", "label": "Lương cơ sở", "unit": "dong",
          "values": [{"from": "2024-07-01", "value": 2340000, "source": "NĐ 73/2024/NĐ-CP"}]}]})",
      "variables.json", &problems);
  json messages_json = json::object();
  for (const std::string& key : RequiredMessageKeys()) messages_json[key] = "Lời nhắn " + key;
  std::shared_ptr<const Messages> messages =
      Messages::Parse(messages_json.dump(), "messages.vi.json", RequiredMessageKeys(), &problems);
  INFO(JoinProblems(problems));
  REQUIRE(problems.empty());
  REQUIRE(variables);
  REQUIRE(messages);

  auto snapshot = std::make_shared<ContentSnapshot>();
  snapshot->faq = std::make_shared<const FaqIndex>(TinyFaq(), normalizer);
  snapshot->variables = variables;
  snapshot->messages = messages;
  return snapshot;
}

// A conversation store whose every call fails, to drive the engine's error path.
class FailingConversationStore final : public ConversationStore {
 public:
  explicit FailingConversationStore(StatusCode code = StatusCode::kInternal) : code_(code) {}
  Result<std::optional<StoredConversation>> Load(const ConversationKey&) override {
    return Status(code_, "disk I/O error");
  }
  Status Save(const ConversationKey&, const std::string&,
              std::chrono::system_clock::time_point) override {
    return Status(code_, "disk I/O error");
  }
  Status Delete(const ConversationKey&) override { return Status(code_, "disk I/O error"); }
  Result<size_t> PurgeUpdatedBefore(std::chrono::system_clock::time_point) override {
    return Status(code_, "disk I/O error");
  }
  Result<std::vector<ConversationKey>> StaleWithMarker(const std::string&,
                                                       std::chrono::system_clock::time_point,
                                                       size_t) override {
    return Status(code_, "disk I/O error");
  }

 private:
  StatusCode code_;
};

// A running server with its engine, content and clock.
struct TestServer {
  explicit TestServer(HttpServerOptions options = {},
                      std::function<HealthReport()> health = {},
                      ConversationStore* conversations = nullptr,
                      std::function<void(HttpServer&)> add_routes = {})
      : clock(TestNow()), content(TinyContent()), engine(content, conversations, nullptr, clock) {
    if (options.web_dir.empty()) options.web_dir = BHXH_TEST_WEB_DIR;
    options.host = "127.0.0.1";
    if (!health) health = [] { return HealthReport{true, "ok", {}}; };
    // The port was free a moment ago; another process may take it first.
    Status started = Unavailable("not started");
    for (int attempt = 0; attempt < 5 && !started.ok(); ++attempt) {
      options.port = testing::FindFreeLoopbackPort();
      server = std::make_unique<HttpServer>(options, engine, health, clock);
      if (add_routes) add_routes(*server);
      started = server->Start();
    }
    INFO(started.message());
    REQUIRE(started.ok());
    port = options.port;
    client = std::make_unique<HttpClient>("http://127.0.0.1:" + std::to_string(port));
  }

  HttpResult Chat(const json& body) const { return client->Post("/api/chat", body.dump()); }

  FakeClock clock;
  LiveContent content;
  DialogEngine engine;
  std::unique_ptr<HttpServer> server;
  int port = 0;
  std::unique_ptr<HttpClient> client;
};

json ParseJson(const HttpResult& r) {
  json j = json::parse(r.body, nullptr, false);
  INFO("body: " << r.body);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

// Checks the documented shape of a 200 chat answer and returns the replies.
json CheckReplies(const HttpResult& r) {
  INFO("status " << r.status << " body: " << r.body);
  REQUIRE(r.status == 200);
  CHECK(r.Header("Content-Type") == "application/json; charset=utf-8");
  CHECK(r.Header("Cache-Control") == "no-store");
  json j = ParseJson(r);
  REQUIRE(j.is_object());
  REQUIRE(j.contains("replies"));
  const json& replies = j["replies"];
  REQUIRE(replies.is_array());
  REQUIRE_FALSE(replies.empty());
  for (const json& reply : replies) {
    REQUIRE(reply.is_object());
    REQUIRE(reply["text"].is_string());
    CHECK_FALSE(reply["text"].get<std::string>().empty());
    REQUIRE(reply["choices"].is_array());
    for (const json& c : reply["choices"]) {
      REQUIRE(c["title"].is_string());
      REQUIRE(c["payload"].is_string());
      CHECK_FALSE(c["payload"].get<std::string>().empty());
    }
  }
  return replies;
}

std::string AllText(const json& replies) {
  std::string all;
  for (const json& r : replies) all += r["text"].get<std::string>() + "\n";
  return all;
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// ---------------------------------------------------------------------------
// Static file rules (pure functions).

TEST_CASE("StaticFileName maps the root to index.html and keeps plain names",
          "[static_files]") {
  auto [path, expected] = GENERATE(table<std::string, std::string>({
      {"/", "index.html"},
      {"/index.html", "index.html"},
      {"/chat.css", "chat.css"},
      {"/chat.js", "chat.js"},
      {"/logo-bhxh_2.svg", "logo-bhxh_2.svg"},
      {"/icon.png", "icon.png"},
      {"/favicon.ico", "favicon.ico"},
      {"/site.webmanifest", "site.webmanifest"},
  }));
  CAPTURE(path);
  REQUIRE(StaticFileName(path).has_value());
  CHECK(*StaticFileName(path) == expected);
}

TEST_CASE("StaticFileName refuses anything outside the web directory's own files",
          "[static_files]") {
  auto path = GENERATE(as<std::string>{}, "", "index.html", "//", "/..", "/../secret.html",
                       "/..%2fsecret.html", "/%2e%2e/secret.html", "/a/../index.html",
                       "/sub/inner.html", "/sub/", "/.hidden.html", "/.", "/...html",
                       "/index.html/", "/index..html", "/index.html%00.png", "/back\\slash.html",
                       "/index.html?x=1", "/space name.html", "/secret.txt", "/chat.JS",
                       "/config.json", "/bhxh-bot.db", "/Makefile", "/noext",
                       "/s\xe1\xbb\x91.html");
  CAPTURE(path);
  CHECK_FALSE(StaticFileName(path).has_value());
}

TEST_CASE("StaticFileName refuses a NUL and over-long names", "[static_files]") {
  CHECK_FALSE(StaticFileName(std::string("/index.html\0.png", 16)).has_value());
  CHECK_FALSE(StaticFileName(std::string("/a\0", 3)).has_value());
  CHECK(StaticFileName("/" + std::string(95, 'a') + ".html").has_value());  // 100 bytes
  CHECK_FALSE(StaticFileName("/" + std::string(96, 'a') + ".html").has_value());
}

TEST_CASE("StaticContentType gives the type of each whitelisted extension",
          "[static_files]") {
  auto [name, type] = GENERATE(table<std::string, std::string>({
      {"index.html", "text/html; charset=utf-8"},
      {"chat.css", "text/css; charset=utf-8"},
      {"chat.js", "text/javascript; charset=utf-8"},
      {"logo.svg", "image/svg+xml"},
      {"icon.png", "image/png"},
      {"favicon.ico", "image/x-icon"},
      {"site.webmanifest", "application/manifest+json; charset=utf-8"},
  }));
  CAPTURE(name);
  REQUIRE(StaticContentType(name).has_value());
  CHECK(*StaticContentType(name) == type);
  CHECK_FALSE(StaticContentType("data.db").has_value());
  CHECK_FALSE(StaticContentType("html").has_value());
}

TEST_CASE("ReadStaticFile reads regular files only", "[static_files]") {
  TempDir dir;
  dir.Write("a.html", "<p>xin chào</p>");
  std::filesystem::create_directory(dir.File("d.html"));
  CHECK(ReadStaticFile(dir.path(), "a.html") == std::optional<std::string>("<p>xin chào</p>"));
  CHECK_FALSE(ReadStaticFile(dir.path(), "missing.html").has_value());
  CHECK_FALSE(ReadStaticFile(dir.path(), "d.html").has_value());
}

// ---------------------------------------------------------------------------
// POST /api/chat

TEST_CASE("a typed question is answered with the rendered FAQ answer", "[http_server]") {
  TestServer s;
  HttpResult r = s.Chat({{"session", "s-answer"},
                         {"text", "mức đóng bảo hiểm y tế hộ gia đình là bao nhiêu"}});
  json replies = CheckReplies(r);
  CHECK_THAT(AllText(replies), Catch::Contains("2.340.000 đồng"));
  CHECK_FALSE(r.Header("X-Request-Id").empty());
  CHECK(r.Header("X-Content-Type-Options") == "nosniff");
}

TEST_CASE("the GET_STARTED payload gets a welcome with choices that can be tapped",
          "[http_server]") {
  HttpServerOptions options;
  options.chat_burst = 100;
  TestServer s(options);
  json replies = CheckReplies(s.Chat({{"session", "s-start"}, {"payload", "GET_STARTED"}}));
  std::vector<std::string> payloads;
  for (const json& r : replies) {
    for (const json& c : r["choices"]) payloads.push_back(c["payload"]);
  }
  REQUIRE_FALSE(payloads.empty());
  for (const std::string& p : payloads) {
    CAPTURE(p);
    CheckReplies(s.Chat({{"session", "s-start"}, {"payload", p}}));
  }
  SECTION("MENU shows the menu again") {
    CheckReplies(s.Chat({{"session", "s-start"}, {"payload", "MENU"}}));
  }
  SECTION("an unknown payload is answered, not an error") {
    CheckReplies(s.Chat({{"session", "s-start"}, {"payload", "NO_SUCH_THING"}}));
  }
}

TEST_CASE("a body with both text and payload, or null fields, is accepted", "[http_server]") {
  TestServer s;
  CheckReplies(s.Chat({{"session", "s-both"}, {"text", "xin chào"}, {"payload", "MENU"}}));
  CheckReplies(s.Chat({{"session", "s-both"}, {"text", nullptr}, {"payload", "MENU"}}));
  CheckReplies(s.Chat({{"session", "s-both"}, {"text", "cảm ơn"}, {"extra", 1}}));
  CheckReplies(s.Chat({{"session", std::string(128, 'x')}, {"text", "xin chào"}}));
  CheckReplies(s.Chat({{"session", "AZaz09_-"}, {"text", "   "}}));
}

TEST_CASE("malformed chat bodies are 400 with a message naming the problem", "[http_server]") {
  TestServer s;
  auto [body, message] = GENERATE(table<std::string, std::string>({
      {"", "nội dung không phải JSON hợp lệ"},
      {"{", "nội dung không phải JSON hợp lệ"},
      {"session=abc&text=hi", "nội dung không phải JSON hợp lệ"},
      {R"({"session":"s","text":"hi"} trailing)", "nội dung không phải JSON hợp lệ"},
      {"{\"session\":\"s\",\"text\":\"\xff\xfe\"}", "nội dung không phải JSON hợp lệ"},
      {"{\"session\":\"s\",\"text\":\"\xc3\"}", "nội dung không phải JSON hợp lệ"},
      {"[]", "nội dung phải là một đối tượng JSON"},
      {R"("session")", "nội dung phải là một đối tượng JSON"},
      {"null", "nội dung phải là một đối tượng JSON"},
      {"42", "nội dung phải là một đối tượng JSON"},
      {"{}", "thiếu trường \"session\""},
      {R"({"text":"xin chào"})", "thiếu trường \"session\""},
      {R"({"session":5,"text":"hi"})", "trường \"session\" phải là chuỗi"},
      {R"({"session":null,"text":"hi"})", "trường \"session\" phải là chuỗi"},
      {R"({"session":["a"],"text":"hi"})", "trường \"session\" phải là chuỗi"},
      {R"({"session":"","text":"hi"})",
       "trường \"session\" phải gồm 1–128 ký tự A-Z, a-z, 0-9, _ hoặc -"},
      {R"({"session":"a b","text":"hi"})",
       "trường \"session\" phải gồm 1–128 ký tự A-Z, a-z, 0-9, _ hoặc -"},
      {R"({"session":"../etc","text":"hi"})",
       "trường \"session\" phải gồm 1–128 ký tự A-Z, a-z, 0-9, _ hoặc -"},
      {R"({"session":"phiên-số-1","text":"hi"})",
       "trường \"session\" phải gồm 1–128 ký tự A-Z, a-z, 0-9, _ hoặc -"},
      {R"({"session":"a\u0000b","text":"hi"})",
       "trường \"session\" phải gồm 1–128 ký tự A-Z, a-z, 0-9, _ hoặc -"},
      {R"({"session":")" + std::string(129, 'x') + R"(","text":"hi"})",
       "trường \"session\" phải gồm 1–128 ký tự A-Z, a-z, 0-9, _ hoặc -"},
      {R"({"session":"s"})", "cần có \"text\" hoặc \"payload\""},
      {R"({"session":"s","text":""})", "cần có \"text\" hoặc \"payload\""},
      {R"({"session":"s","text":"","payload":""})", "cần có \"text\" hoặc \"payload\""},
      {R"({"session":"s","text":null,"payload":null})", "cần có \"text\" hoặc \"payload\""},
      {R"({"session":"s","text":5})", "trường \"text\" phải là chuỗi"},
      {R"({"session":"s","text":{"a":1}})", "trường \"text\" phải là chuỗi"},
      {R"({"session":"s","text":true,"payload":"MENU"})", "trường \"text\" phải là chuỗi"},
      {R"({"session":"s","payload":[]})", "trường \"payload\" phải là chuỗi"},
      {R"({"session":"s","payload":1.5})", "trường \"payload\" phải là chuỗi"},
  }));
  CAPTURE(body);
  HttpResult r = s.client->Post("/api/chat", body);
  INFO("response: " << r.body);
  CHECK(r.status == 400);
  CHECK(r.Header("Content-Type") == "application/json; charset=utf-8");
  CHECK(r.Header("Cache-Control") == "no-store");
  CHECK(ParseJson(r) == json{{"error", message}});
}

TEST_CASE("an over-size body is 413 whether announced or chunked", "[http_server]") {
  HttpServerOptions options;
  options.max_chat_body_bytes = 200;
  TestServer s(options);
  const std::string expected = R"x({"error":"nội dung yêu cầu quá lớn (tối đa 200 byte)"})x";
  const std::string prefix = R"({"session":"s-size","text":"xin chào"})";

  SECTION("a body of exactly the limit is accepted") {
    std::string body = prefix + std::string(200 - prefix.size(), ' ');
    REQUIRE(body.size() == 200);
    CheckReplies(s.client->Post("/api/chat", body));
  }
  SECTION("one byte more is refused") {
    std::string body = prefix + std::string(201 - prefix.size(), ' ');
    HttpResult r = s.client->Post("/api/chat", body);
    CHECK(r.status == 413);
    CHECK(r.body == expected);
  }
  SECTION("a large body is refused from its Content-Length") {
    HttpResult r = s.client->Post("/api/chat", std::string(1 << 20, '{'));
    CHECK(r.status == 413);
    CHECK(r.body == expected);
  }
  SECTION("an announced length that is not a number is refused") {
    std::string raw = RawHttpExchange(
        s.port,
        "POST /api/chat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        "Content-Type: application/json\r\nContent-Length: 12abc\r\n\r\n" + prefix);
    CHECK(RawStatus(raw) >= 400);
    CHECK(RawStatus(raw) < 500);
  }
  SECTION("a chunked body without Content-Length is measured once read") {
    std::string chunk(300, ' ');
    std::ostringstream raw_request;
    raw_request << "POST /api/chat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                << "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                << std::hex << prefix.size() << "\r\n" << prefix << "\r\n"
                << chunk.size() << "\r\n" << chunk << "\r\n0\r\n\r\n";
    std::string raw = RawHttpExchange(s.port, raw_request.str());
    CHECK(RawStatus(raw) == 413);
    CHECK_THAT(raw, Catch::EndsWith(expected));
  }
}

TEST_CASE("text over max_text_chars code points is 413", "[http_server]") {
  HttpServerOptions options;
  options.max_text_chars = 50;
  TestServer s(options);
  // "ệ" is 3 bytes in UTF-8 but one code point: the limit counts code points.
  SECTION("exactly the limit is accepted") {
    CheckReplies(s.Chat({{"session", "s-len"}, {"text", Repeat("ệ", 50)}}));
  }
  SECTION("one more is refused") {
    HttpResult r = s.Chat({{"session", "s-len"}, {"text", Repeat("ệ", 51)}});
    CHECK(r.status == 413);
    CHECK(ParseJson(r) == json{{"error", "câu hỏi quá dài (tối đa 50 ký tự)"}});
  }
  SECTION("an over-long payload is refused too") {
    HttpResult r = s.Chat({{"session", "s-len"}, {"payload", std::string(51, 'P')}});
    CHECK(r.status == 413);
    CHECK(ParseJson(r) == json{{"error", "payload quá dài (tối đa 50 ký tự)"}});
  }
}

TEST_CASE("a session over its burst gets 429 with Retry-After until tokens refill",
          "[http_server]") {
  HttpServerOptions options;
  options.chat_burst = 3;
  options.chat_messages_per_minute = 20;  // one token per 3 s
  TestServer s(options);
  const json hello = {{"session", "s-fast"}, {"text", "xin chào"}};
  for (int i = 0; i < 3; ++i) CheckReplies(s.Chat(hello));

  HttpResult r = s.Chat(hello);
  CHECK(r.status == 429);
  CHECK(r.Header("Retry-After") == "3");
  CHECK(ParseJson(r) == json{{"error", "bạn gửi quá nhanh, vui lòng thử lại sau ít giây"}});

  SECTION("another session is not affected") {
    CheckReplies(s.Chat({{"session", "s-other"}, {"text", "xin chào"}}));
  }
  SECTION("Retry-After counts down with the clock") {
    s.clock.Advance(std::chrono::seconds(1));
    CHECK(s.Chat(hello).Header("Retry-After") == "2");
  }
  SECTION("after the refill time one more message passes") {
    s.clock.Advance(std::chrono::seconds(3));
    CheckReplies(s.Chat(hello));
    CHECK(s.Chat(hello).status == 429);
  }
  SECTION("malformed requests do not spend tokens") {
    s.clock.Advance(std::chrono::seconds(3));
    for (int i = 0; i < 5; ++i) {
      CHECK(s.client->Post("/api/chat", R"({"session":"s-fast","text":5})").status == 400);
    }
    CheckReplies(s.Chat(hello));
  }
}

TEST_CASE("an engine error is 500 with a polite message and the request id", "[http_server]") {
  FailingConversationStore broken;
  TestServer s({}, {}, &broken);
  HttpResult r = s.Chat({{"session", "s-broken"}, {"text", "xin chào"}});
  REQUIRE(r.status == 500);
  json j = ParseJson(r);
  CHECK(j["error"] == "lỗi máy chủ, vui lòng thử lại");
  REQUIRE(j["request_id"].is_string());
  CHECK(j["request_id"] == r.Header("X-Request-Id"));
  CHECK(j.size() == 2);  // nothing of the internal error leaks
  CHECK(r.body.find("disk") == std::string::npos);
}

TEST_CASE("a transient engine error is 503 with Retry-After, so the page can retry",
          "[http_server]") {
  FailingConversationStore busy(StatusCode::kUnavailable);
  TestServer s({}, {}, &busy);
  HttpResult r = s.Chat({{"session", "s-busy"}, {"text", "xin chào"}});
  REQUIRE(r.status == 503);
  CHECK(r.Header("Retry-After") == "2");
  json j = ParseJson(r);
  CHECK(j["error"] == "máy chủ đang bận, vui lòng thử lại sau ít giây");
  CHECK(j["request_id"] == r.Header("X-Request-Id"));
  CHECK(r.body.find("disk") == std::string::npos);
}

TEST_CASE("request ids differ between requests", "[http_server]") {
  TestServer s;
  std::string a = s.client->Get("/healthz").Header("X-Request-Id");
  std::string b = s.client->Get("/healthz").Header("X-Request-Id");
  CHECK_FALSE(a.empty());
  CHECK(a != b);
}

TEST_CASE("sessions chatting at the same time are all answered", "[http_server]") {
  HttpServerOptions options;
  options.chat_burst = 100;
  TestServer s(options);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client("http://127.0.0.1:" + std::to_string(s.port));
      for (int i = 0; i < 10; ++i) {
        // Two threads share each session: their calls must be serialised.
        json body = {{"session", "s-par-" + std::to_string(t % 3)},
                     {"text", i % 2 ? "xin chào" : "bhyt hộ gia đình đóng bao nhiêu"}};
        if (client.Post("/api/chat", body.dump()).status == 200) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok.load() == 60);
}

TEST_CASE("a flood of garbage bodies gets 4xx each and never breaks the server",
          "[http_server]") {
  HttpServerOptions options;
  options.chat_burst = 1000;
  TestServer s(options);
  std::mt19937 rng(20260801);
  auto random_bytes = [&](size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(rng() & 0xFF));
    return out;
  };
  const std::string valid = R"({"session":"s-flood","text":"mức đóng bhyt hộ gia đình"})";
  std::vector<std::string> bodies;
  for (int i = 0; i < 60; ++i) bodies.push_back("#" + random_bytes(rng() % 600));
  for (size_t n = 0; n < valid.size(); n += 3) bodies.push_back(valid.substr(0, n));
  for (int i = 0; i < 60; ++i) {
    // A valid body with a byte replaced by a random one; kept only when
    // it no longer parses (a mutation inside a string may stay valid).
    std::string b = valid;
    b[rng() % b.size()] = static_cast<char>(rng() & 0xFF);
    if (json::parse(b, nullptr, false).is_discarded()) bodies.push_back(b);
  }
  bodies.push_back(std::string(4000, '[') + std::string(4000, ']'));
  bodies.push_back(std::string(8000, '['));
  bodies.push_back(std::string(4000, '{'));
  bodies.push_back(R"({"session":"s","text":1e999999})");
  bodies.push_back(R"({"session":"s","session":"t"})");
  bodies.push_back("\xef\xbb\xbf{\"session\":1}");
  bodies.push_back(std::string("{\"session\":\"s\",\"text\":\"a\0b\"}", 27));
  bodies.push_back(R"({"session":{"$ne":null},"text":"x"})");
  bodies.push_back(R"({"session":"s","text":"\ud800"})");

  for (const std::string& body : bodies) {
    std::ostringstream hex;
    for (unsigned char c : body.substr(0, 80)) hex << std::hex << int(c) << ' ';
    CAPTURE(hex.str(), body.size());
    HttpResult r = s.client->Post("/api/chat", body);
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
    CHECK(r.Header("Content-Type") == "application/json; charset=utf-8");
    CHECK(json::parse(r.body, nullptr, false)["error"].is_string());
  }
  // Malformed HTTP on raw sockets: whatever cpprestsdk answers, the server lives on.
  for (const char* raw : {"GARBAGE\r\n\r\n", "POST /api/chat HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                          "POST /api/chat HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
                          "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"}) {
    CAPTURE(raw);
    std::string answer = RawHttpExchange(s.port, raw, std::chrono::milliseconds(500));
    int status = RawStatus(answer);
    CHECK((status == 0 || (status >= 400 && status < 500)));
  }
  CheckReplies(s.client->Post("/api/chat", valid));
  CHECK(s.client->Get("/healthz").status == 200);
}

// ---------------------------------------------------------------------------
// Static pages

TEST_CASE("GET / serves web/index.html as an HTML page with security headers",
          "[http_server]") {
  TestServer s;
  HttpResult r = s.client->Get("/");
  REQUIRE(r.status == 200);
  CHECK(r.Header("Content-Type") == "text/html; charset=utf-8");
  CHECK(r.body == ReadFile(std::string(BHXH_TEST_WEB_DIR) + "/index.html"));
  CHECK(r.Header("X-Content-Type-Options") == "nosniff");
  CHECK_THAT(r.Header("Content-Security-Policy"), Catch::StartsWith("default-src 'self'"));
  CHECK_THAT(r.Header("Content-Security-Policy"), Catch::Contains("frame-ancestors 'none'"));
  CHECK(s.client->Get("/index.html").body == r.body);
}

TEST_CASE("the page's stylesheet and script are served with their types", "[http_server]") {
  TestServer s;
  auto [path, type] = GENERATE(table<std::string, std::string>({
      {"/chat.css", "text/css; charset=utf-8"},
      {"/chat.js", "text/javascript; charset=utf-8"},
  }));
  CAPTURE(path);
  HttpResult r = s.client->Get(path);
  CHECK(r.status == 200);
  CHECK(r.Header("Content-Type") == type);
  CHECK(r.body == ReadFile(std::string(BHXH_TEST_WEB_DIR) + path));
}

TEST_CASE("paths that try to leave the web directory are 404", "[http_server]") {
  TempDir root;
  std::filesystem::create_directory(root.File("web"));
  std::filesystem::create_directory(root.File("web/sub"));
  root.Write("web/index.html", "<!doctype html><title>ok</title>");
  root.Write("web/sub/inner.html", "inner");
  root.Write("web/.hidden.html", "hidden");
  root.Write("web/notes.txt", "notes");
  root.Write("secret.html", "SECRET");
  HttpServerOptions options;
  options.web_dir = root.File("web");
  TestServer s(options);

  // cpprestsdk itself refuses a target that is not a valid URI with 400.
  auto [path, status] = GENERATE(table<std::string, int>({
      {"/../secret.html", 404},        {"/..%2fsecret.html", 404},
      {"/%2e%2e/secret.html", 404},    {"/%2e%2e%2fsecret.html", 404},
      {"/sub/../../secret.html", 404}, {"/sub/inner.html", 404},
      {"/.hidden.html", 404},          {"/notes.txt", 404},
      {"/index.html%00.png", 404},     {"/%00", 404},
      {"//secret.html", 404},          {"//sub/inner.html", 404},
      {"/missing.html", 404},          {"/%5c..%5csecret.html", 404},
      {"/web/index.html", 404},        {"/..\\secret.html", 400},
  }));
  CAPTURE(path);
  std::string raw = RawHttpExchange(
      s.port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(RawStatus(raw) == status);
  CHECK(raw.find("SECRET") == std::string::npos);
  CHECK(raw.find("inner") == std::string::npos);
  CHECK(raw.find("hidden") == std::string::npos);
}

TEST_CASE("a web directory without the file is 404, not 500", "[http_server]") {
  TempDir empty;
  HttpServerOptions options;
  options.web_dir = empty.path();
  TestServer s(options);
  HttpResult r = s.client->Get("/");
  CHECK(r.status == 404);
  CHECK(ParseJson(r) == json{{"error", "không tìm thấy"}});
}

// ---------------------------------------------------------------------------
// Health, unknown routes, methods, lifecycle

TEST_CASE("/healthz reports status, version and database", "[http_server]") {
  SECTION("healthy") {
    TestServer s;
    HttpResult r = s.client->Get("/healthz");
    CHECK(r.status == 200);
    CHECK(r.Header("Cache-Control") == "no-store");
    CHECK(ParseJson(r) == json{{"status", "ok"}, {"version", BHXH_VERSION}, {"database", "ok"}});
  }
  SECTION("database failing") {
    TestServer s({}, [] { return HealthReport{false, "database is locked", {}}; });
    HttpResult r = s.client->Get("/healthz");
    CHECK(r.status == 503);
    CHECK(ParseJson(r) == json{{"status", "degraded"},
                               {"version", BHXH_VERSION},
                               {"database", "database is locked"}});
  }
  SECTION("a health check that throws is a failed check") {
    TestServer s({}, []() -> HealthReport { throw std::runtime_error("boom"); });
    HttpResult r = s.client->Get("/healthz");
    CHECK(r.status == 503);
    CHECK(ParseJson(r)["status"] == "degraded");
  }
}

TEST_CASE("unknown routes are 404 JSON and wrong methods 405", "[http_server]") {
  TestServer s;
  auto [method, path, status, allow] = GENERATE(table<std::string, std::string, int, std::string>({
      {"GET", "/api/unknown", 404, ""},
      {"POST", "/api/chat/extra", 404, ""},
      {"GET", "/api", 404, ""},
      {"GET", "/wp-login.php", 404, ""},
      {"GET", "/api/chat", 405, "POST"},
      {"PUT", "/api/chat", 405, "POST"},
      {"DELETE", "/api/chat", 405, "POST"},
      {"POST", "/healthz", 405, "GET"},
      {"POST", "/", 405, "GET"},
      {"DELETE", "/index.html", 405, "GET"},
  }));
  CAPTURE(method, path);
  HttpResult r = s.client->Send(method, path, method == "GET" ? "" : "{}");
  CHECK(r.status == status);
  CHECK(r.Header("Allow") == allow);
  CHECK(r.Header("Content-Type") == "application/json; charset=utf-8");
  CHECK(ParseJson(r) == json{{"error", status == 404 ? "không tìm thấy"
                                                     : "phương thức không được hỗ trợ"}});
}

// ---------------------------------------------------------------------------
// Deferred routes: answered through a Responder, possibly from another thread.

// A route whose requests wait in `held` until the test answers them.
struct HeldRequests {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Responder> held;
  std::vector<std::string> bodies;  // of the held requests, in the same order

  void Add(Responder r, std::string body = "") {
    std::lock_guard<std::mutex> lock(mu);
    held.push_back(std::move(r));
    bodies.push_back(std::move(body));
    cv.notify_all();
  }
  // Waits until `n` requests are held (at most 10 s).
  bool WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return held.size() >= n; });
  }
};

RawHttpResponse Text(int status, const std::string& body, const std::string& note = "") {
  RawHttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = body;
  r.log_note = note;
  return r;
}

TEST_CASE("a deferred route answers from another thread, once, after its handler returned",
          "[http_server]") {
  HeldRequests requests;
  TestServer s({}, {}, nullptr, [&](HttpServer& server) {
    server.AddDeferredRoute("/held", {"POST"}, 1024, [&](const RawHttpRequest& req, Responder respond) {
      CHECK(req.body == "payload");
      requests.Add(std::move(respond));
    });
  });
  auto pending = std::async(std::launch::async, [&] { return s.client->Post("/held", "payload"); });
  REQUIRE(requests.WaitFor(1));
  // The handler has returned and nothing was answered yet.
  CHECK(pending.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);
  std::thread answerer([&] {
    requests.held[0](Text(202, "later"));
    requests.held[0](Text(200, "a second answer is ignored"));
  });
  answerer.join();
  HttpResult r = pending.get();
  CHECK(r.status == 202);
  CHECK(r.body == "later");
  CHECK(r.Header("Content-Type") == "text/plain; charset=utf-8");
  CHECK_FALSE(r.Header("X-Request-Id").empty());
  requests.held.clear();
}

TEST_CASE("a deferred request dropped unanswered, or whose handler throws, is a 500",
          "[http_server]") {
  TestServer s({}, {}, nullptr, [&](HttpServer& server) {
    server.AddDeferredRoute("/dropped", {"POST"}, 1024, [](const RawHttpRequest&, Responder) {});
    server.AddDeferredRoute("/throws", {"POST"}, 1024, [](const RawHttpRequest&, Responder) {
      throw std::runtime_error("handler bug");
    });
    server.AddDeferredRoute("/answers-then-throws", {"POST"}, 1024,
                            [](const RawHttpRequest&, Responder respond) {
                              respond(Text(200, "answered"));
                              throw std::runtime_error("after the answer");
                            });
  });
  for (const char* path : {"/dropped", "/throws"}) {
    HttpResult r = s.client->Post(path, "x");
    INFO(path);
    REQUIRE(r.status == 500);
    json j = ParseJson(r);
    CHECK(j["error"] == "lỗi máy chủ, vui lòng thử lại");
    CHECK(j["request_id"] == r.Header("X-Request-Id"));
    CHECK(r.body.find("handler bug") == std::string::npos);
  }
  HttpResult r = s.client->Post("/answers-then-throws", "x");
  CHECK(r.status == 200);
  CHECK(r.body == "answered");
}

TEST_CASE("many deferred requests answered together all get their own answer", "[http_server]") {
  HeldRequests requests;
  TestServer s({}, {}, nullptr, [&](HttpServer& server) {
    server.AddDeferredRoute("/held", {"POST"}, 1024, [&](const RawHttpRequest& req, Responder respond) {
      // Answers carry the request's body, so a mix-up shows.
      requests.Add(std::move(respond), req.body);
    });
  });
  constexpr int kRequests = 24;
  std::vector<std::future<HttpResult>> results;
  for (int i = 0; i < kRequests; ++i) {
    results.push_back(std::async(std::launch::async, [&, i] {
      return s.client->Post("/held", "request-" + std::to_string(i));
    }));
  }
  REQUIRE(requests.WaitFor(kRequests));
  {
    // One thread answers all of them in a burst, as the database writer does.
    std::lock_guard<std::mutex> lock(requests.mu);
    for (size_t i = 0; i < requests.held.size(); ++i) requests.held[i](Text(200, requests.bodies[i]));
    requests.held.clear();
  }
  for (int i = 0; i < kRequests; ++i) {
    HttpResult r = results[i].get();
    CHECK(r.status == 200);
    CHECK(r.body == "request-" + std::to_string(i));
  }
}

TEST_CASE("Start reports a port that cannot be bound, and a second Start", "[http_server]") {
  TestServer s;
  HttpServerOptions options;
  options.port = s.port;
  options.web_dir = BHXH_TEST_WEB_DIR;
  HttpServer second(options, s.engine, {}, s.clock);
  Status st = second.Start();
  CHECK(st.code() == StatusCode::kUnavailable);
  CHECK_THAT(st.message(), Catch::StartsWith("cannot listen on 127.0.0.1:" + std::to_string(s.port)));

  CHECK(s.server->Start().code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("Stop closes the port and may be called twice", "[http_server]") {
  TestServer s;
  REQUIRE(s.client->Get("/healthz").status == 200);
  s.server->Stop();
  s.server->Stop();
  CHECK_THROWS(HttpClient("http://127.0.0.1:" + std::to_string(s.port),
                          std::chrono::milliseconds(1000))
                   .Get("/healthz"));
}

}  // namespace
}  // namespace bhxh
