// Transcript tests: scripted conversations through the dialog engine with a
// real SQLite database, checking replies and stored state.
#include "handlers/dialog_engine.h"

#include <catch2/catch.hpp>

#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/question_log.h"
#include "storage/unit_of_work.h"
#include "test_support/shipped_content.h"
#include "test_support/temp_dir.h"

using namespace bhxh;
using namespace std::chrono;

namespace {

// 2026-11-26 10:00 Vietnam time.
const system_clock::time_point kNow = system_clock::time_point(seconds(1795662000));

struct Harness {
  testing::TempDir dir;
  std::unique_ptr<Database> db;
  std::unique_ptr<ConversationStore> conversations;
  std::unique_ptr<QuestionLog> questions;
  std::unique_ptr<UnitOfWork> unit;
  LiveContent content{testing::ShippedSnapshot()};
  FakeClock clock{kNow};
  std::unique_ptr<DialogEngine> engine;

  Harness() { Open(); }
  void Open() {
    engine.reset();
    unit.reset();
    conversations.reset();
    questions.reset();
    db.reset();
    auto opened = Database::Open(dir.File("bot.db"));
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    conversations = NewSqliteConversationStore(*db);
    questions = NewSqliteQuestionLog(*db);
    unit = NewSqliteUnitOfWork(*db);
    engine = std::make_unique<DialogEngine>(content, conversations.get(), questions.get(), clock,
                                            unit.get());
  }
  std::vector<Reply> Say(const std::string& text, const std::string& user = "u1") {
    auto r = engine->Handle(Inbound{"web", user, text, "", clock.Now(), {}, {}, {}});
    REQUIRE(r.ok());
    REQUIRE_FALSE(r.value().empty());
    return r.value();
  }
  std::vector<Reply> Tap(const std::string& payload, const std::string& user = "u1") {
    auto r = engine->Handle(Inbound{"web", user, "", payload, clock.Now(), {}, {}, {}});
    REQUIRE(r.ok());
    REQUIRE_FALSE(r.value().empty());
    return r.value();
  }
};

bool HasPayload(const Reply& r, const std::string& payload) {
  for (const auto& c : r.choices) {
    if (c.payload == payload) return true;
  }
  return false;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("Get Started greets as the automated assistant and offers the menu") {
  Harness h;
  const auto replies = h.Tap("GET_STARTED");
  CHECK(Contains(replies[0].text, "trợ lý tự động của BHXH cơ sở Sơn Hà"));
  CHECK(HasPayload(replies[0], "MENU_FAQ"));
  CHECK(HasPayload(replies[0], "MENU_MEETINGS"));
  CHECK(HasPayload(replies[0], "MENU_REGISTER"));
  CHECK(HasPayload(replies[0], "MENU_CALCULATOR"));
  CHECK(HasPayload(replies[0], "MENU_STAFF"));
}

TEST_CASE("a clear question gets the answer with today's amounts, its source and follow-ups") {
  Harness h;
  const auto replies = h.Say("muc dong bhyt ho gia dinh bao nhieu");
  REQUIRE(replies.size() == 1);
  CHECK(Contains(replies[0].text, "1.366.200 đồng"));  // 4.5% x 2,530,000 x 12, in force 01/07/2026
  CHECK(Contains(replies[0].text, "Căn cứ:"));
  CHECK_FALSE(Contains(replies[0].text, "{{"));
  CHECK(HasPayload(replies[0], "MENU"));
  auto log = h.questions->Recent(10, false);
  REQUIRE(log.ok());
  REQUIRE(log->size() == 1);
  CHECK(log->front().outcome == "answer");
  CHECK(log->front().faq_id == "bhyt-hgd-muc-dong");
  CHECK(log->front().channel == "web");
}

TEST_CASE("the amount follows the date of the answer") {
  Harness h;
  h.clock.Set(system_clock::time_point(seconds(1782752400)));  // 2026-06-30 00:00 Vietnam
  CHECK(Contains(h.Say("muc dong bhyt ho gia dinh bao nhieu")[0].text, "1.263.600 đồng"));
}

TEST_CASE("a close call offers numbered choices, and a typed number picks one") {
  Harness h;
  const auto first = h.Say("bao hiem");
  REQUIRE_FALSE(first[0].choices.empty());
  const std::string picked_payload = first[0].choices[0].payload;
  const auto second = h.Say("1");
  // Typing "1" answers exactly what tapping the first choice answers.
  Harness h2;
  h2.Say("bao hiem");
  CHECK(h2.Tap(picked_payload)[0].text == second[0].text);
}

TEST_CASE("a tapped FAQ choice answers that entry, and an unknown entry is explained") {
  Harness h;
  CHECK(Contains(h.Tap("FAQ:bhyt-mat-the")[0].text, "Căn cứ:"));
  CHECK(Contains(h.Tap("FAQ:khong-ton-tai")[0].text, "không tìm thấy"));
}

TEST_CASE("two unknown messages in a row offer a staff member first") {
  Harness h;
  const auto first = h.Say("xyz qwerty abcdef");
  CHECK(Contains(first[0].text, "1900 9068"));
  const auto second = h.Say("qwerty xyz lorem");
  REQUIRE_FALSE(second[0].choices.empty());
  CHECK(second[0].choices[0].payload == "MENU_STAFF");
  auto log = h.questions->Recent(10, true);
  REQUIRE(log.ok());
  CHECK(log->size() == 2);
}

TEST_CASE("a personal case is sent to staff, never answered from the FAQ") {
  Harness h;
  const auto replies = h.Say(
      "em sinh con được 3 tháng rồi đã nộp hồ sơ thai sản từ tháng 8 mà đến nay vẫn chưa nhận được "
      "tiền, cán bộ kiểm tra giúp em với");
  CHECK(Contains(replies[0].text, "cán bộ"));
  CHECK(HasPayload(replies[0], "MENU_STAFF"));
  CHECK_FALSE(Contains(replies[0].text, "Căn cứ:"));
}

TEST_CASE("greetings get the welcome and thanks a polite reply, without an FAQ answer") {
  Harness h;
  CHECK(Contains(h.Say("xin chào")[0].text, "trợ lý tự động"));
  // Later in the conversation a greeting gets a short answer and the menu.
  const auto again = h.Say("chào em");
  CHECK_FALSE(Contains(again[0].text, "trợ lý tự động"));
  CHECK(HasPayload(again[0], "MENU_FAQ"));
  const auto thanks = h.Say("cảm ơn ad nhiều");
  CHECK(Contains(thanks[0].text, "không có gì"));
}

TEST_CASE("conversation state survives a restart") {
  Harness h;
  const auto first = h.Say("bao hiem");
  REQUIRE_FALSE(first[0].choices.empty());
  const std::string expected_payload = first[0].choices[0].payload;
  h.Open();  // new database connection and engine: only the file remains
  const auto after = h.Say("1");
  Harness h2;
  CHECK(h2.Tap(expected_payload)[0].text == after[0].text);
}

TEST_CASE("each user has their own conversation") {
  Harness h;
  h.Say("bao hiem", "alice");
  // bob never saw choices: "1" is just a short unclear message for him.
  const auto bob = h.Say("1", "bob");
  CHECK_FALSE(Contains(bob[0].text, "Căn cứ:"));
}

TEST_CASE("menu words and taps route through the table") {
  Harness h;
  CHECK(HasPayload(h.Say("menu")[0], "MENU_FAQ"));
  const auto topics = h.Tap("MENU_FAQ");
  REQUIRE(topics[0].choices.size() > 3);
  const std::string topic_payload = topics[0].choices[0].payload;
  CHECK(topic_payload.rfind("TOPIC:", 0) == 0);
  const auto questions = h.Tap(topic_payload);
  REQUIRE_FALSE(questions[0].choices.empty());
  CHECK(questions[0].choices[0].payload.rfind("FAQ:", 0) == 0);
  CHECK(Contains(h.Tap("MENU_STAFF")[0].text, "1900 9068"));
  CHECK(HasPayload(h.Tap("SOMETHING_UNKNOWN")[0], "MENU_FAQ"));
}
