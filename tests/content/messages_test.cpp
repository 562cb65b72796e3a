#include "content/messages.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <tuple>

#include <unistd.h>

namespace bhxh {
namespace {

const std::vector<std::string> kRequired = {"greeting", "handover"};

std::string ProblemsOf(const std::string& text) {
  std::vector<ContentProblem> problems;
  const auto messages = Messages::Parse(text, "messages.vi.json", kRequired, &problems);
  if (!problems.empty()) CHECK(messages == nullptr);
  return JoinProblems(problems);
}

std::unique_ptr<Messages> Sample() {
  std::vector<ContentProblem> problems;
  auto messages = Messages::Parse(
      R"j({"greeting": "Xin chào! Gọi {{hotline}} nếu cần.",
           "handover": "Cán bộ {{ name }} sẽ trả lời trong {{hours}} giờ. {{hotline}}",
           "extra": "Chưa dùng {{khong_co}}", "empty": ""})j",
      "messages.vi.json", kRequired, &problems);
  INFO(JoinProblems(problems));
  REQUIRE(messages != nullptr);
  return messages;
}

TEST_CASE("Each malformed messages file is rejected with a problem that says what is wrong",
          "[messages]") {
  using Row = std::tuple<std::string, std::string>;
  auto row = GENERATE(table<std::string, std::string>({
      Row{"{\"greeting\": \"a\",\n \"handover\": }",
          "messages.vi.json:2: not valid JSON: syntax error while parsing value - unexpected '}'; "
          "expected '[', '{', or a literal"},
      Row{R"j(["greeting"])j", "messages.vi.json:1: top level must be an object of key -> text"},
      Row{R"j({"greeting": "a"})j", "messages.vi.json:1: field 'handover': is required"},
      Row{R"j({})j",
          "messages.vi.json:1: field 'greeting': is required\n"
          "messages.vi.json:1: field 'handover': is required"},
      Row{"{\"greeting\": \"a\",\n \"handover\": \"  \"}",
          "messages.vi.json:2: field 'handover': must not be empty"},
      Row{"{\"greeting\": \"a\",\n \"handover\": 5}", "messages.vi.json:2: field 'handover': must be a string"},
      Row{"{\"greeting\": \"a\", \"handover\": \"b\",\n \"menu\": {\"x\": \"y\"}}",
          "messages.vi.json:2: field 'menu': must be a string"},
      Row{"{\"greeting\": \"a\", \"handover\": \"b\",\n \"greeting\": \"c\"}",
          "messages.vi.json:2: field 'greeting': is defined more than once"},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(ProblemsOf(std::get<0>(row)) == std::get<1>(row));
}

TEST_CASE("A text gets its parameters filled in", "[messages]") {
  const auto messages = Sample();
  using Params = std::map<std::string, std::string>;
  using Row = std::tuple<std::string, Params, std::string>;
  auto row = GENERATE(table<std::string, Params, std::string>({
      Row{"greeting", {{"hotline", "1900 9068"}}, "Xin chào! Gọi 1900 9068 nếu cần."},
      Row{"greeting", {}, "Xin chào! Gọi {{hotline}} nếu cần."},
      Row{"handover", {{"name", "Lan"}, {"hours", "2"}, {"hotline", "1900"}},
          "Cán bộ Lan sẽ trả lời trong 2 giờ. 1900"},
      // A value is inserted as-is, never scanned again.
      Row{"handover", {{"name", "{{hours}}"}, {"hours", "2"}},
          "Cán bộ {{hours}} sẽ trả lời trong 2 giờ. {{hotline}}"},
      Row{"extra", {{"hotline", "1"}}, "Chưa dùng {{khong_co}}"},
      Row{"empty", {}, ""},
      Row{"khong.co", {{"hotline", "1"}}, "[khong.co]"},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(messages->Get(std::get<0>(row), std::get<1>(row)) == std::get<2>(row));
}

TEST_CASE("Keys not required by code are kept, and missing keys are visible", "[messages]") {
  const auto messages = Sample();
  CHECK(messages->Has("greeting"));
  CHECK(messages->Has("extra"));
  CHECK_FALSE(messages->Has("khong.co"));
  CHECK(messages->Get("khong.co") == "[khong.co]");
}

TEST_CASE("An unclosed placeholder is left as written", "[messages]") {
  std::vector<ContentProblem> problems;
  const auto messages = Messages::Parse(R"j({"a": "x {{hotline y", "b": "}} {{hotline}} {{"})j",
                                        "m.json", {}, &problems);
  REQUIRE(messages != nullptr);
  CHECK(messages->Get("a", {{"hotline", "1"}}) == "x {{hotline y");
  CHECK(messages->Get("b", {{"hotline", "1"}}) == "}} 1 {{");
}

TEST_CASE("Messages load from a file, and a missing file is one problem naming the path",
          "[messages]") {
  const std::string path = "/tmp/bhxh_messages_test_" + std::to_string(::getpid()) + ".json";
  SECTION("present") {
    {
      std::ofstream out(path, std::ios::binary);
      out << R"j({"greeting": "Chào", "handover": "Chờ"})j";
    }
    std::vector<ContentProblem> problems;
    const auto messages = Messages::Load(path, kRequired, &problems);
    INFO(JoinProblems(problems));
    REQUIRE(messages != nullptr);
    CHECK(messages->Get("greeting") == "Chào");
    std::remove(path.c_str());
  }
  SECTION("missing") {
    std::vector<ContentProblem> problems;
    CHECK(Messages::Load(path + ".missing", kRequired, &problems) == nullptr);
    CHECK(JoinProblems(problems) == path + ".missing: cannot read file");
  }
}

TEST_CASE("Parsing never throws, however the file is cut", "[messages]") {
  const std::string text = R"j({"greeting": "Xin chào \"bạn\"", "handover": "Chờ {{x}}", "n": [1, {"a": null}]})j";
  for (size_t n = 0; n < text.size(); ++n) {
    CAPTURE(n);
    std::unique_ptr<Messages> messages;
    REQUIRE_NOTHROW(messages = Messages::Parse(text.substr(0, n), "m.json", kRequired, nullptr));
    CHECK(messages == nullptr);
  }
}

TEST_CASE("The shipped messages.vi.json loads with no problems", "[messages][shipped]") {
  const std::string path = std::string(BHXH_TEST_CONTENT_DIR) + "/messages.vi.json";
  std::vector<ContentProblem> problems;
  const auto messages = Messages::Load(path, {}, &problems);
  INFO(JoinProblems(problems));
  CHECK(problems.empty());
  CHECK(messages != nullptr);
}

}  // namespace
}  // namespace bhxh
