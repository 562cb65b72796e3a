#include "content/content_problem.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <tuple>

#include <unistd.h>

namespace bhxh {
namespace {

std::string TempPath(const std::string& name) {
  return "/tmp/bhxh_content_problem_test_" + std::to_string(::getpid()) + "_" + name;
}

TEST_CASE("A problem prints file, line, entry and field, leaving out unknown parts",
          "[content_problem]") {
  using Row = std::tuple<ContentProblem, std::string>;
  auto row = GENERATE(table<ContentProblem, std::string>({
      Row{{"content/faq.json", 12, "bhxh-tn-muc-dong", "answer", "is required"},
          "content/faq.json:12: entry 'bhxh-tn-muc-dong', field 'answer': is required"},
      Row{{"content/faq.json", 0, "bhxh-tn-muc-dong", "answer", "is required"},
          "content/faq.json: entry 'bhxh-tn-muc-dong', field 'answer': is required"},
      Row{{"content/faq.json", 3, "", "faq", "must be an array"},
          "content/faq.json:3: field 'faq': must be an array"},
      Row{{"content/faq.json", 7, "#2", "", "must be an object"},
          "content/faq.json:7: entry '#2': must be an object"},
      Row{{"content/faq.json", 0, "", "", "cannot read file"}, "content/faq.json: cannot read file"},
      Row{{"", 4, "", "follow_up[1]", "must be a string"}, "line 4: field 'follow_up[1]': must be a string"},
      Row{{"", 0, "", "", "top level must be an object"}, "top level must be an object"},
  }));
  CAPTURE(std::get<1>(row));
  CHECK(std::get<0>(row).ToString() == std::get<1>(row));
}

TEST_CASE("Joined problems are one per line without a trailing newline", "[content_problem]") {
  CHECK(JoinProblems({}) == "");
  CHECK(JoinProblems({{"a.json", 1, "", "", "first"}, {"a.json", 2, "x", "", "second"}}) ==
        "a.json:1: first\na.json:2: entry 'x': second");
}

TEST_CASE("A content file is read byte for byte", "[content_problem]") {
  const std::string path = TempPath("bytes.json");
  const std::string bytes = std::string("{\r\n \"a\": \"\xC3\xA1\"\0}\n", 16);
  {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
  }
  std::string text;
  std::vector<ContentProblem> problems;
  REQUIRE(ReadContentFile(path, &text, &problems));
  CHECK(problems.empty());
  CHECK(text == bytes);
  std::remove(path.c_str());
}

TEST_CASE("An empty content file is read as empty text, not as an error", "[content_problem]") {
  const std::string path = TempPath("empty.json");
  { std::ofstream out(path, std::ios::binary); }
  std::string text = "old";
  std::vector<ContentProblem> problems;
  CHECK(ReadContentFile(path, &text, &problems));
  CHECK(text.empty());
  CHECK(problems.empty());
  std::remove(path.c_str());
}

TEST_CASE("A missing file or a directory is one problem naming the path", "[content_problem]") {
  const std::string path = GENERATE(std::string("/nonexistent/bhxh/faq.json"), std::string("/tmp"));
  CAPTURE(path);
  std::string text = "unchanged";
  std::vector<ContentProblem> problems;
  CHECK_FALSE(ReadContentFile(path, &text, &problems));
  CHECK(text == "unchanged");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].ToString() == path + ": cannot read file");
}

TEST_CASE("A JSON syntax error is reported on its line with the parser's reason",
          "[content_problem]") {
  using Row = std::tuple<std::string, std::string>;
  auto row = GENERATE(table<std::string, std::string>({
      Row{"", "f.json:1: not valid JSON: syntax error while parsing value - unexpected end of "
              "input; expected '[', '{', or a literal"},
      Row{"{\n  \"faq\": [\n    {\"id\": \"a\",}\n  ]\n}\n",
          "f.json:3: not valid JSON: syntax error while parsing object key - unexpected '}'; "
          "expected string literal"},
      Row{"{\"a\": 1}\n\n}", "f.json:3: not valid JSON: syntax error while parsing value - "
                             "unexpected '}'; expected end of input"},
      Row{"{\n\"a\": \"line\nbreak\"}",
          "f.json:2: not valid JSON: syntax error while parsing value - invalid string: control "
          "character U+000A (LF) must be escaped to \\u000A or \\n; last read: '\"line<U+000A>'"},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(JsonSyntaxProblem(std::get<0>(row), "f.json").ToString() == std::get<1>(row));
}

TEST_CASE("The line map gives the line of each key and array element", "[content_problem]") {
  const std::string text =
      "\xEF\xBB\xBF{\n"
      "  \"faq\": [\n"
      "    {\"id\": \"a\",\n"
      "     \"questions\": [\"q1\",\n"
      "                   \"q\\\"2\"],\n"
      "     \"a/b~c\": {\"deep\": [[[[[[[[1]]]]]]]]}},\n"
      "    [], {}, \"x\"\n"
      "  ]\n"
      "}\n";
  const JsonLineMap lines(text);
  using Row = std::tuple<std::string, int>;
  auto row = GENERATE(table<std::string, int>({
      Row{"", 1},
      Row{"/faq", 2},
      Row{"/faq/0", 3},
      Row{"/faq/0/id", 3},
      Row{"/faq/0/questions", 4},
      Row{"/faq/0/questions/0", 4},
      Row{"/faq/0/questions/1", 5},
      Row{"/faq/0/a~1b~0c", 6},
      Row{"/faq/0/a~1b~0c/deep", 6},
      Row{"/faq/1", 7},
      Row{"/faq/3", 7},
      Row{"/faq/4", 0},
      Row{"/nothing", 0},
      Row{"/faq/0/a~1b~0c/deep/0/0/0/0/0/0/0/0", 0},  // deeper than kMaxDepth
  }));
  CAPTURE(std::get<0>(row));
  CHECK(lines.LineOf(std::get<0>(row)) == std::get<1>(row));
}

TEST_CASE("The line map reports a key written twice in the same object", "[content_problem]") {
  const JsonLineMap lines("{\"a\": 1,\n \"b\": {\"x\": 1, \"y\": 2},\n \"a\": 2, \"b\": 3}");
  REQUIRE(lines.duplicate_keys().size() == 2);
  CHECK(lines.duplicate_keys()[0].object_pointer == "");
  CHECK(lines.duplicate_keys()[0].key == "a");
  CHECK(lines.duplicate_keys()[0].line == 3);
  CHECK(lines.duplicate_keys()[1].key == "b");
  CHECK(lines.LineOf("/a") == 3);  // the value the JSON parser keeps
}

TEST_CASE("The line map survives text that is not JSON", "[content_problem]") {
  const std::string text = GENERATE(as<std::string>{}, "", "{", "[1,", "{\"a\"", "{\"a\":",
                                    "}}}", "\"unterminated", "{\"a\\u12", std::string(100000, '['));
  CAPTURE(text.substr(0, 20));
  const JsonLineMap lines(text);
  CHECK(lines.LineOf("/a/b") == 0);
}

TEST_CASE("Child pointers escape '~' and '/' as RFC 6901 says", "[content_problem]") {
  CHECK(JsonLineMap::Child("", "faq") == "/faq");
  CHECK(JsonLineMap::Child("/faq", size_t{3}) == "/faq/3");
  CHECK(JsonLineMap::Child("/x", "a/b~c") == "/x/a~1b~0c");
}

}  // namespace
}  // namespace bhxh
