#include "content/faq_index.h"

#include <catch2/catch.hpp>
#include <atomic>
#include <thread>

#include "content/lexicon.h"
#include "content/variables.h"

using namespace bhxh;

namespace {

std::shared_ptr<const TextNormalizer> ShippedNormalizer() {
  Lexicon lex;
  std::vector<ContentProblem> problems;
  const std::string dir = BHXH_TEST_CONTENT_DIR;
  REQUIRE(LoadLexicon(dir + "/abbreviations.json", dir + "/lexicon.json", &lex, &problems));
  return std::make_shared<const TextNormalizer>(std::move(lex));
}

const FaqIndex& ShippedIndex() {
  static const std::unique_ptr<FaqIndex> index = [] {
    const std::string dir = BHXH_TEST_CONTENT_DIR;
    std::vector<ContentProblem> problems;
    auto vars = VariableTable::Load(dir + "/variables.json", &problems);
    REQUIRE(vars);
    auto faq = LoadFaqFile(dir + "/faq.json", [&](std::string_view n) { return vars->Has(n); });
    REQUIRE(faq.ok());
    return std::make_unique<FaqIndex>(faq.entries, ShippedNormalizer());
  }();
  return *index;
}

FaqEntry Entry(const std::string& id, std::vector<std::string> questions) {
  FaqEntry e;
  e.id = id;
  e.questions = std::move(questions);
  e.answer = "Dạ, …";
  return e;
}

std::string Best(const MatchResult& m, const FaqIndex& index) {
  return m.ranked.empty() ? "" : index.entries()[m.ranked.front().entry].id;
}

}  // namespace

TEST_CASE("citizen phrasings are answered with the right entry") {
  const FaqIndex& index = ShippedIndex();
  auto [question, id] = GENERATE(table<std::string, std::string>({
      {"mức đóng bhyt hộ gia đình", "bhyt-hgd-muc-dong"},
      {"muc dong bhyt hgd bn", "bhyt-hgd-muc-dong"},
      {"mat the bhyt lam lai o dau", "bhyt-mat-the"},
      {"thẻ bảo hiểm bị mất làm lại ở mô", "bhyt-mat-the"},
      {"nguoi dan toc duoc ho tro bao nhieu", "ho-tro-dan-toc-thieu-so"},
      {"dùng căn cước đi khám được không", "bhyt-kham-bang-cccd"},
      {"đóng tiền bhyt ở đâu", "noi-dong-tien"},
      {"bhxh tự nguyện khác gì bảo hiểm nhân thọ", "bhxh-tn-khac-bao-hiem-nhan-tho"},
      {"dong bao lau thi duoc lanh luong huu", "bhxh-tn-huu-tri-dieu-kien"},
      {"baor hieemr y tees hoj gia ddinhf ddongs bao nhieeu", "bhyt-hgd-muc-dong"},
  }));
  CAPTURE(question);
  const MatchResult m = index.Match(question);
  CHECK(MatchOutcomeName(m.outcome) == std::string("answer"));
  CHECK(Best(m, index) == id);
}

TEST_CASE("greetings, thanks, out-of-scope questions and personal cases are never answered") {
  const FaqIndex& index = ShippedIndex();
  auto [message, reason] = GENERATE(table<std::string, std::string>({
      {"xin chào", "smalltalk"},
      {"cám ơn nhiều nha", "smalltalk"},
      {"ad ơi", "smalltalk"},
      {"", "empty"},
      {"???", "empty"},
      {"giá vàng hôm nay", "out_of_scope"},
      {"bảo hiểm xe máy mua ở đâu", "out_of_scope"},
      {"mua bảo hiểm nhân thọ prudential có tốt không", "out_of_scope"},
      {"thời tiết sơn hà ngày mai thế nào", "out_of_scope"},
      {"làm sổ đỏ cần giấy tờ gì", "out_of_scope"},
      {"em sinh con được 3 tháng rồi đã nộp hồ sơ thai sản từ tháng 8 mà đến nay vẫn chưa "
       "nhận được tiền, cán bộ kiểm tra giúp em với",
       "personal_case"},
      {"kiểm tra giúp em mã số 4512345678 đóng đến tháng mấy", "personal_case"},
  }));
  CAPTURE(message);
  const MatchResult m = index.Match(message);
  CHECK(MatchOutcomeName(m.outcome) == std::string("unknown"));
  CHECK(DeclineReasonName(m.reason) == reason);
}

TEST_CASE("two entries that fit equally well become a clarify with both as choices") {
  auto index = FaqIndex({Entry("a", {"Mức đóng BHYT học sinh"}), Entry("b", {"Mức đóng BHYT người già"}),
                         Entry("c", {"Mất thẻ BHYT làm sao"})},
                        ShippedNormalizer());
  const MatchResult m = index.Match("mức đóng bhyt");
  REQUIRE(m.outcome == MatchOutcome::kClarify);
  REQUIRE(m.alternatives.size() == 2);
  CHECK(index.entries()[m.alternatives[0]].id != index.entries()[m.alternatives[1]].id);
  for (size_t e : m.alternatives) CHECK(index.entries()[e].id != "c");
}

TEST_CASE("a message sharing only a common word with the FAQ is unknown") {
  auto index = FaqIndex({Entry("a", {"Mức đóng BHYT hộ gia đình là bao nhiêu"}),
                         Entry("b", {"Mất thẻ BHYT làm sao"})},
                        ShippedNormalizer());
  const MatchResult m = index.Match("giá cái tivi samsung ngoài chợ huyện bao nhiêu");
  CHECK(m.outcome == MatchOutcome::kUnknown);
  CHECK(m.reason == DeclineReason::kLowScore);
}

TEST_CASE("thresholds decide between answer, clarify and unknown") {
  std::vector<FaqEntry> faq = {Entry("a", {"Mức đóng BHYT hộ gia đình"}),
                               Entry("b", {"Mất thẻ BHYT làm sao"})};
  SECTION("an impossible answer threshold turns answers into a one-choice clarify") {
    MatchThresholds t;
    t.answer_min = 1.01;
    FaqIndex index(faq, ShippedNormalizer(), t);
    const MatchResult m = index.Match("mức đóng bhyt hộ gia đình");
    CHECK(m.outcome == MatchOutcome::kClarify);
    REQUIRE_FALSE(m.alternatives.empty());
    CHECK(index.entries()[m.alternatives[0]].id == "a");
  }
  SECTION("an impossible clarify threshold turns everything into unknown") {
    MatchThresholds t;
    t.answer_min = 1.01;
    t.clarify_min = 1.01;
    FaqIndex index(faq, ShippedNormalizer(), t);
    CHECK(index.Match("mức đóng bhyt hộ gia đình").outcome == MatchOutcome::kUnknown);
  }
  SECTION("default thresholds answer an exact question") {
    FaqIndex index(faq, ShippedNormalizer());
    const MatchResult m = index.Match("Mất thẻ BHYT làm sao?");
    CHECK(m.outcome == MatchOutcome::kAnswer);
    CHECK(m.score > 0.85);
  }
}

TEST_CASE("Find returns entries by id and null for unknown ids") {
  auto index = FaqIndex({Entry("a", {"Mức đóng"})}, ShippedNormalizer());
  REQUIRE(index.Find("a"));
  CHECK(index.Find("a")->id == "a");
  CHECK(index.Find("zzz") == nullptr);
}

TEST_CASE("matching from many threads gives the same results") {
  const FaqIndex& index = ShippedIndex();
  const std::vector<std::string> questions = {"mức đóng bhyt hộ gia đình", "mat the bhyt",
                                              "xin chào", "rút bhxh một lần"};
  std::vector<std::string> expected;
  for (const auto& q : questions) expected.push_back(Best(index.Match(q), index));
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        const size_t k = static_cast<size_t>(i) % questions.size();
        if (Best(index.Match(questions[k]), index) != expected[k]) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches == 0);
}

TEST_CASE("random bytes never crash the matcher") {
  const FaqIndex& index = ShippedIndex();
  uint32_t seed = 12345;
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    const int len = static_cast<int>(seed % 64);
    for (int k = 0; k < len; ++k) {
      seed = seed * 1664525u + 1013904223u;
      s.push_back(static_cast<char>(seed >> 24));
    }
    seed = seed * 1664525u + 1013904223u;
    const MatchResult m = index.Match(s);
    CHECK(m.score >= 0);
    CHECK(m.score <= 1.0001);
  }
}
