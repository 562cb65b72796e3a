#include "bot/config.h"

#include <catch2/catch.hpp>
#include <map>

#include "test_support/temp_dir.h"

using namespace bhxh;

TEST_CASE("a config file overrides the defaults") {
  testing::TempDir dir;
  dir.Write("c.json", R"({"host": "0.0.0.0", "port": 9000, "data_dir": "/var/lib/bhxh",
    "http_threads": 6, "matching": {"answer_min": 0.6, "max_choices": 2},
    "web_chat": {"burst": 3, "messages_per_minute": 5}})");
  Config c;
  REQUIRE(ApplyConfigFile(dir.File("c.json"), &c).ok());
  CHECK(c.host == "0.0.0.0");
  CHECK(c.port == 9000);
  CHECK(c.http_threads == 6);
  CHECK(c.database_path() == "/var/lib/bhxh/bhxh-bot.db");
  CHECK(c.matching.answer_min == Approx(0.6));
  CHECK(c.matching.max_choices == 2);
  CHECK(c.matching.margin_min == Approx(MatchThresholds{}.margin_min));
  CHECK(c.web_chat.chat_burst == Approx(3));
}

TEST_CASE("bad config files are rejected naming the file and field, leaving the config unchanged") {
  testing::TempDir dir;
  auto [text, message] = GENERATE(table<std::string, std::string>({
      {"{", "not valid JSON"},
      {"[]", "the config must be a JSON object"},
      {R"({"prot": 1})", "field 'prot': unknown key"},
      {R"({"port": "80"})", "field 'port': must be a number"},
      {R"({"port": 0})", "field 'port': must be between 1 and 65535"},
      {R"({"host": ""})", "field 'host': must be a non-empty string"},
      {R"({"http_threads": 257})", "field 'http_threads': must be between 0 and 256"},
      {R"({"matching": {"answer_min": 2}})", "field 'matching.answer_min': must be between 0 and 1"},
      {R"({"matching": {"treshold": 1}})", "field 'matching.treshold': unknown key"},
      {R"({"web_chat": []})", "field 'web_chat': must be an object"},
  }));
  CAPTURE(text);
  dir.Write("c.json", text);
  Config c;
  const Status s = ApplyConfigFile(dir.File("c.json"), &c);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == dir.File("c.json") + ": " + message);
  CHECK(c.port == 8080);
}

TEST_CASE("environment variables override the file, and a bad port is an error") {
  Config c;
  std::map<std::string, std::string> env = {{"BHXH_PORT", "8181"}, {"BHXH_DATA_DIR", "/srv/d"}};
  auto getenv = [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  REQUIRE(ApplyEnvironment(getenv, &c).ok());
  CHECK(c.port == 8181);
  CHECK(c.data_dir == "/srv/d");
  env["BHXH_PORT"] = "80x";
  const Status s = ApplyEnvironment(getenv, &c);
  CHECK(s.message() == "environment variable BHXH_PORT: must be a port number 1-65535");
  CHECK(c.port == 8181);
}
