#include "content/faq_content.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <tuple>

#include <unistd.h>

#include "base/civil_date.h"
#include "content/variables.h"

namespace bhxh {
namespace {

const std::string kContentDir = BHXH_TEST_CONTENT_DIR;

bool KnownVariable(std::string_view name) {
  return name == "luong_co_so" || name == "luong_co_so.tu_ngay";
}

std::string ProblemsOf(const std::string& text, bool check_variables = false) {
  const FaqParseResult result =
      ParseFaqJson(text, "faq.json", check_variables ? VariableExists(KnownVariable) : VariableExists());
  if (!result.problems.empty()) CHECK(result.entries.empty());
  return JoinProblems(result.problems);
}

// Code points, without normalising: never fewer than after NFC, so a bound
// checked here also holds for the NFC length.
size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// An entry with the given answer, the rest valid.
std::string WithAnswer(const std::string& answer_json) {
  return R"({"faq": [{"id": "a", "questions": ["q"], "answer": )" + answer_json + "}]}";
}

TEST_CASE("Each malformed FAQ file is rejected with a problem that says what is wrong",
          "[faq_content]") {
  using Row = std::tuple<std::string, bool, std::string>;
  auto row = GENERATE(table<std::string, bool, std::string>({
      // The document.
      Row{"", false,
          "faq.json:1: not valid JSON: syntax error while parsing value - unexpected end of input; "
          "expected '[', '{', or a literal"},
      Row{"not json", false,
          "faq.json:1: not valid JSON: syntax error while parsing value - invalid literal; last "
          "read: 'no'"},
      Row{"{\n  \"faq\": [\n    {\"id\": \"a\",}\n  ]\n}\n", false,
          "faq.json:3: not valid JSON: syntax error while parsing object key - unexpected '}'; "
          "expected string literal"},
      Row{"[]", false, "faq.json:1: top level must be an object with the key 'faq'"},
      Row{"{}", false, "faq.json:1: field 'faq': is required"},
      Row{R"({"faq": {}})", false, "faq.json:1: field 'faq': must be an array"},
      Row{R"({"faq": null})", false, "faq.json:1: field 'faq': must be an array"},
      Row{R"({"faq": [], "version": 2})", false, "faq.json:1: unknown key 'version'"},
      Row{R"({"faq": [], "faq": []})", false, "faq.json:1: duplicate key 'faq'"},
      // The entry.
      Row{R"({"faq": [42]})", false, "faq.json:1: entry '#1': must be an object"},
      Row{R"({"faq": [{"id": "a", "qestions": ["q"], "questions": ["q"], "answer": "x"}]})", false,
          "faq.json:1: entry 'a': unknown key 'qestions'"},
      Row{R"({"faq": [{"id": "a", "questions": ["q"], "answer": "x", "answer": "y"}]})", false,
          "faq.json:1: entry 'a': duplicate key 'answer'"},
      // id
      Row{R"({"faq": [{"questions": ["q"], "answer": "x"}]})", false,
          "faq.json:1: entry '#1', field 'id': is required"},
      Row{R"({"faq": [{"id": 7, "questions": ["q"], "answer": "x"}]})", false,
          "faq.json:1: entry '#1', field 'id': must be a string"},
      Row{R"({"faq": [{"id": "Bad Id", "questions": ["q"], "answer": "x"}]})", false,
          "faq.json:1: entry '#1', field 'id': must match [a-z0-9-]+, got 'Bad Id'"},
      Row{R"({"faq": [{"id": "", "questions": ["q"], "answer": "x"}]})", false,
          "faq.json:1: entry '#1', field 'id': must match [a-z0-9-]+, got ''"},
      Row{"{\"faq\": [\n"
          "{\"id\": \"a\", \"questions\": [\"q\"], \"answer\": \"x\"},\n"
          "{\"id\": \"a\", \"questions\": [\"q\"], \"answer\": \"x\"}]}",
          false, "faq.json:3: entry 'a', field 'id': duplicates the id of entry #1 (line 2)"},
      // questions
      Row{R"({"faq": [{"id": "a", "answer": "x"}]})", false,
          "faq.json:1: entry 'a', field 'questions': is required"},
      Row{R"({"faq": [{"id": "a", "questions": "q", "answer": "x"}]})", false,
          "faq.json:1: entry 'a', field 'questions': must be an array of strings"},
      Row{R"({"faq": [{"id": "a", "questions": [], "answer": "x"}]})", false,
          "faq.json:1: entry 'a', field 'questions': must not be empty"},
      Row{R"({"faq": [{"id": "a", "questions": ["q", 5], "answer": "x"}]})", false,
          "faq.json:1: entry 'a', field 'questions[1]': must be a string"},
      Row{R"({"faq": [{"id": "a", "questions": ["q", " "], "answer": "x"}]})", false,
          "faq.json:1: entry 'a', field 'questions[1]': must not be empty"},
      Row{R"({"faq": [{"id": "a", "questions": ["q", "r", "q"], "answer": "x"}]})", false,
          "faq.json:1: entry 'a', field 'questions[2]': duplicates questions[0]"},
      // Precomposed "hoà" and "hoa" + combining grave are the same question.
      Row{"{\"faq\": [{\"id\": \"a\", \"questions\": [\"ho\xC3\xA0\", \"hoa\xCC\x80\"], \"answer\": \"x\"}]}",
          false, "faq.json:1: entry 'a', field 'questions[1]': duplicates questions[0]"},
      // answer
      Row{R"({"faq": [{"id": "a", "questions": ["q"]}]})", false,
          "faq.json:1: entry 'a', field 'answer': is required"},
      Row{WithAnswer("5"), false, "faq.json:1: entry 'a', field 'answer': must be a string"},
      Row{WithAnswer(R"("")"), false, "faq.json:1: entry 'a', field 'answer': must not be empty"},
      Row{WithAnswer("\"" + std::string(kMaxAnswerChars + 1, 'a') + "\""), false,
          "faq.json:1: entry 'a', field 'answer': is 2001 characters long; at most 2000 are allowed"},
      Row{WithAnswer(R"("Mức {{luong_co_so")"), false,
          "faq.json:1: entry 'a', field 'answer': has '{{' without a matching '}}'"},
      Row{WithAnswer(R"("Mức luong_co_so}}")"), false,
          "faq.json:1: entry 'a', field 'answer': has '}}' without a matching '{{'"},
      Row{WithAnswer(R"("{{a {{luong_co_so}}")"), false,
          "faq.json:1: entry 'a', field 'answer': has '{{' without a matching '}}'"},
      Row{WithAnswer(R"("{{luong_co_sa}}, {{luong_co_so}} từ {{luong_co_so.tu_ngay}}, {{ x }}")"), true,
          "faq.json:1: entry 'a', field 'answer': unknown variable 'luong_co_sa'\n"
          "faq.json:1: entry 'a', field 'answer': unknown variable 'x'"},
      // follow_up
      Row{R"({"faq": [{"id": "a", "questions": ["q"], "answer": "x", "follow_up": "b"}]})", false,
          "faq.json:1: entry 'a', field 'follow_up': must be an array of entry ids"},
      Row{R"({"faq": [{"id": "a", "questions": ["q"], "answer": "x", "follow_up": [1]}]})", false,
          "faq.json:1: entry 'a', field 'follow_up[0]': must be a string"},
      Row{R"({"faq": [{"id": "a", "questions": ["q"], "answer": "x", "follow_up": ["zzz"]}]})", false,
          "faq.json:1: entry 'a', field 'follow_up[0]': refers to unknown entry 'zzz'"},
      Row{R"({"faq": [{"id": "a", "questions": ["q"], "answer": "x", "follow_up": ["a"]}]})", false,
          "faq.json:1: entry 'a', field 'follow_up[0]': refers to the entry itself"},
      Row{R"({"faq": [{"id": "a", "questions": ["q"], "answer": "x", "follow_up": ["b", "b"]},)"
          R"( {"id": "b", "questions": ["q"], "answer": "x"}]})",
          false, "faq.json:1: entry 'a', field 'follow_up[1]': duplicates follow_up[0]"},
      // topic, source, reviewed
      Row{R"({"faq": [{"id": "a", "topic": 5, "questions": ["q"], "answer": "x"}]})", false,
          "faq.json:1: entry 'a', field 'topic': must be a string"},
      Row{R"({"faq": [{"id": "a", "questions": ["q"], "answer": "x", "source": []}]})", false,
          "faq.json:1: entry 'a', field 'source': must be a string"},
      Row{R"({"faq": [{"id": "a", "questions": ["q"], "answer": "x", "reviewed": 20261120}]})", false,
          "faq.json:1: entry 'a', field 'reviewed': must be a string"},
      Row{R"({"faq": [{"id": "a", "questions": ["q"], "answer": "x", "reviewed": "2026-02-30"}]})", false,
          "faq.json:1: entry 'a', field 'reviewed': must be a real date YYYY-MM-DD, got '2026-02-30'"},
      Row{R"({"faq": [{"id": "a", "questions": ["q"], "answer": "x", "reviewed": "26/11/2026"}]})", false,
          "faq.json:1: entry 'a', field 'reviewed': must be a real date YYYY-MM-DD, got '26/11/2026'"},
  }));
  CAPTURE(std::get<0>(row).substr(0, 200));
  CHECK(ProblemsOf(std::get<0>(row), std::get<1>(row)) == std::get<2>(row));
}

TEST_CASE("Every problem of a file is reported at once, sorted by line", "[faq_content]") {
  const std::string text =
      "{\n"                                                                   // 1
      "  \"faq\": [\n"                                                        // 2
      "    {\"id\": \"muc-dong\",\n"                                          // 3
      "     \"qestions\": [\"Đóng bao nhiêu?\"],\n"                          // 4
      "     \"answer\": \"\",\n"                                              // 5
      "     \"follow_up\": [\"khong-co\"]},\n"                                // 6
      "    {\"questions\": [\"Hỏi gì?\", 3],\n"                              // 7
      "     \"answer\": \"Mức {{luong_co_sa}}\",\n"                           // 8
      "     \"reviewed\": \"2026-13-01\"},\n"                                 // 9
      "    {\"id\": \"muc-dong\", \"questions\": [\"x\"], \"answer\": \"y\"}\n"  // 10
      "  ],\n"                                                                // 11
      "  \"extra\": true\n"                                                   // 12
      "}\n";
  const FaqParseResult result = ParseFaqJson(text, "content/faq.json", KnownVariable);
  CHECK_FALSE(result.ok());
  CHECK(result.entries.empty());
  CHECK(JoinProblems(result.problems) ==
        "content/faq.json:3: entry 'muc-dong', field 'questions': is required\n"
        "content/faq.json:4: entry 'muc-dong': unknown key 'qestions'\n"
        "content/faq.json:5: entry 'muc-dong', field 'answer': must not be empty\n"
        "content/faq.json:6: entry 'muc-dong', field 'follow_up[0]': refers to unknown entry 'khong-co'\n"
        "content/faq.json:7: entry '#2', field 'id': is required\n"
        "content/faq.json:7: entry '#2', field 'questions[1]': must be a string\n"
        "content/faq.json:8: entry '#2', field 'answer': unknown variable 'luong_co_sa'\n"
        "content/faq.json:9: entry '#2', field 'reviewed': must be a real date YYYY-MM-DD, got "
        "'2026-13-01'\n"
        "content/faq.json:10: entry 'muc-dong', field 'id': duplicates the id of entry #1 (line 3)\n"
        "content/faq.json:12: unknown key 'extra'");
}

TEST_CASE("A minimal valid file gives its entries with absent fields empty", "[faq_content]") {
  const FaqParseResult result =
      ParseFaqJson(R"({"faq": [{"id": "bhxh-tn-1", "questions": ["Hỏi?"], "answer": "Đáp."}]})",
                   "faq.json");
  REQUIRE(result.ok());
  REQUIRE(result.entries.size() == 1);
  const FaqEntry& e = result.entries[0];
  CHECK(e.id == "bhxh-tn-1");
  CHECK(e.questions == std::vector<std::string>{"Hỏi?"});
  CHECK(e.answer == "Đáp.");
  CHECK(e.topic.empty());
  CHECK(e.follow_up.empty());
  CHECK(e.source.empty());
  CHECK(e.reviewed.empty());
}

TEST_CASE("A file with no entries is valid", "[faq_content]") {
  const FaqParseResult result = ParseFaqJson("{\"faq\": []}", "faq.json");
  CHECK(result.ok());
  CHECK(result.entries.empty());
}

TEST_CASE("Answer length counts code points after NFC, not bytes", "[faq_content]") {
  SECTION("2000 two-byte letters are allowed") {
    std::string answer;
    for (size_t i = 0; i < kMaxAnswerChars; ++i) answer += "đ";
    CHECK(ProblemsOf(WithAnswer("\"" + answer + "\"")) == "");
  }
  SECTION("1500 decomposed letters (3000 code points before NFC) are allowed, and kept as given") {
    std::string answer;
    for (int i = 0; i < 1500; ++i) answer += "a\xCC\x81";  // a + combining acute
    const FaqParseResult result = ParseFaqJson(WithAnswer("\"" + answer + "\""), "faq.json");
    REQUIRE(result.ok());
    CHECK(result.entries[0].answer == answer);
  }
}

TEST_CASE("Placeholders are only checked against variables when a check is given",
          "[faq_content]") {
  CHECK(ProblemsOf(WithAnswer(R"("Mức {{khong_ton_tai}}")"), false) == "");
  CHECK(ProblemsOf(WithAnswer(R"("Mức {{luong_co_so}} từ {{luong_co_so.tu_ngay}}")"), true) == "");
}

TEST_CASE("A file is never thrown on, however it is cut", "[faq_content]") {
  const std::string text =
      "{\"faq\": [{\"id\": \"a\", \"topic\": \"Chủ đề\", \"questions\": [\"Hỏi \\\"x\\\"?\"],"
      " \"answer\": \"Mức {{luong_co_so}}\", \"follow_up\": [\"b\"]},"
      " {\"id\": \"b\", \"questions\": [\"q\"], \"answer\": \"x\", \"reviewed\": \"2026-11-20\"}]}";
  REQUIRE(ParseFaqJson(text, "faq.json", KnownVariable).ok());
  for (size_t n = 0; n < text.size(); ++n) {
    CAPTURE(n);
    FaqParseResult result;
    REQUIRE_NOTHROW(result = ParseFaqJson(text.substr(0, n), "faq.json", KnownVariable));
    CHECK_FALSE(result.ok());
  }
}

std::vector<FaqEntry> SampleEntries() {
  FaqEntry full;
  full.id = "bhxh-tn-muc-dong";
  full.topic = "BHXH tự nguyện";
  full.questions = {"Đóng BHXH tự nguyện bao nhiêu một tháng?", "muc dong bhxh tu nguyen",
                    "Câu có \"ngoặc kép\", \\ và / "};
  full.answer = "Thấp nhất {{bhxh_tn_dong_thap_nhat}}/tháng.\nXem thêm: https://baohiemxahoi.gov.vn";
  full.follow_up = {"bhyt-hgd"};
  full.source = "Luật BHXH số 41/2024/QH15, Điều 36";
  full.reviewed = "2026-11-20";
  FaqEntry minimal;
  minimal.id = "bhyt-hgd";
  minimal.questions = {"BHYT hộ gia đình"};
  minimal.answer = "Người thứ nhất {{bhyt_hgd_nguoi_1_nam}}.";
  return {full, minimal};
}

TEST_CASE("Serialising writes the documented format", "[faq_content]") {
  FaqEntry e;
  e.id = "a";
  e.topic = "Chủ đề";
  e.questions = {"Hỏi?"};
  e.answer = "Đáp";
  e.follow_up = {"b"};
  e.source = "Luật";
  e.reviewed = "2026-11-20";
  FaqEntry b;
  b.id = "b";
  b.questions = {"x", "y"};
  b.answer = "z";
  CHECK(SerializeFaqJson({e, b}) ==
        "{\n"
        "  \"faq\": [\n"
        "    {\n"
        "      \"id\": \"a\",\n"
        "      \"topic\": \"Chủ đề\",\n"
        "      \"questions\": [\n"
        "        \"Hỏi?\"\n"
        "      ],\n"
        "      \"answer\": \"Đáp\",\n"
        "      \"follow_up\": [\n"
        "        \"b\"\n"
        "      ],\n"
        "      \"source\": \"Luật\",\n"
        "      \"reviewed\": \"2026-11-20\"\n"
        "    },\n"
        "    {\n"
        "      \"id\": \"b\",\n"
        "      \"questions\": [\n"
        "        \"x\",\n"
        "        \"y\"\n"
        "      ],\n"
        "      \"answer\": \"z\"\n"
        "    }\n"
        "  ]\n"
        "}\n");
  CHECK(SerializeFaqJson({}) == "{\n  \"faq\": []\n}\n");
}

TEST_CASE("Entries survive a round trip unchanged, and so does a file in the format",
          "[faq_content]") {
  const std::vector<FaqEntry> entries = SampleEntries();
  const std::string text = SerializeFaqJson(entries);
  const FaqParseResult parsed = ParseFaqJson(text, "faq.json");
  INFO(JoinProblems(parsed.problems));
  REQUIRE(parsed.ok());
  CHECK(parsed.entries == entries);
  CHECK(SerializeFaqJson(parsed.entries) == text);
}

TEST_CASE("Strings are kept exactly as written, not normalised", "[faq_content]") {
  const std::string nfd_question = "hoa\xCC\x80 gi\xC3\xA1";  // "hoà giá", tone as combining mark
  const FaqParseResult result =
      ParseFaqJson(R"({"faq": [{"id": "a", "questions": [")" + nfd_question + R"("], "answer": "x"}]})",
                   "faq.json");
  REQUIRE(result.ok());
  CHECK(result.entries[0].questions[0] == nfd_question);
  CHECK(SerializeFaqJson(result.entries).find(nfd_question) != std::string::npos);
}

TEST_CASE("Serialising invalid UTF-8 writes a replacement character instead of throwing",
          "[faq_content]") {
  FaqEntry e;
  e.id = "a";
  e.questions = {"bad \xFF byte"};
  e.answer = "x";
  std::string text;
  REQUIRE_NOTHROW(text = SerializeFaqJson({e}));
  CHECK(text.find("bad \xEF\xBF\xBD byte") != std::string::npos);
}

TEST_CASE("Loading a file reads it, and a missing file is one problem naming the path",
          "[faq_content]") {
  const std::string path = "/tmp/bhxh_faq_content_test_" + std::to_string(::getpid()) + ".json";
  SECTION("present") {
    const std::string text = SerializeFaqJson(SampleEntries());
    {
      std::ofstream out(path, std::ios::binary);
      out << text;
    }
    const FaqParseResult result = LoadFaqFile(path);
    INFO(JoinProblems(result.problems));
    CHECK(result.entries == SampleEntries());
    std::remove(path.c_str());
  }
  SECTION("missing") {
    const FaqParseResult result = LoadFaqFile(path + ".missing");
    CHECK(JoinProblems(result.problems) == path + ".missing: cannot read file");
  }
  SECTION("problems name the path as the file") {
    {
      std::ofstream out(path, std::ios::binary);
      out << "{}";
    }
    CHECK(JoinProblems(LoadFaqFile(path).problems) == path + ":1: field 'faq': is required");
    std::remove(path.c_str());
  }
}

TEST_CASE("The shipped faq.json loads cleanly and every answer renders in full",
          "[faq_content][shipped]") {
  const std::string faq_path = kContentDir + "/faq.json";
  if (!std::ifstream(faq_path)) FAIL("the shipped FAQ file is missing: " << faq_path);
  std::vector<ContentProblem> problems;
  const std::unique_ptr<VariableTable> variables =
      VariableTable::Load(kContentDir + "/variables.json", &problems);
  INFO(JoinProblems(problems));
  REQUIRE(variables != nullptr);

  const FaqParseResult result =
      LoadFaqFile(faq_path, [&](std::string_view name) { return variables->Has(name); });
  INFO(JoinProblems(result.problems));
  REQUIRE(result.ok());
  REQUIRE_FALSE(result.entries.empty());

  const CivilDate day{2026, 11, 26};
  for (const FaqEntry& e : result.entries) {
    CAPTURE(e.id);
    std::vector<std::string> unresolved;
    const std::string rendered = variables->Render(e.answer, day, &unresolved);
    CHECK(unresolved.empty());
    CHECK(rendered.find("{{") == std::string::npos);
    CHECK(CodePoints(rendered) < kMaxAnswerChars);
  }
  const FaqParseResult again = ParseFaqJson(SerializeFaqJson(result.entries), "serialised");
  CHECK(again.entries == result.entries);
}

TEST_CASE("The shipped faq.json is in the export format, so exporting it changes nothing",
          "[faq_content][shipped]") {
  const std::string faq_path = kContentDir + "/faq.json";
  std::string text;
  std::vector<ContentProblem> problems;
  if (!ReadContentFile(faq_path, &text, &problems)) FAIL(JoinProblems(problems));
  const FaqParseResult result = ParseFaqJson(text, faq_path);
  INFO(JoinProblems(result.problems));
  REQUIRE(result.ok());
  CHECK(SerializeFaqJson(result.entries) == text);
}

}  // namespace
}  // namespace bhxh
