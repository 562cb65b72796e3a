// Transcript tests: scripted conversations through the dialog engine with a
// real SQLite database (every store on one file), checking replies and
// stored state. Time is a FakeClock; "restart" closes and reopens the file
// and builds a new engine. The meeting transcripts are in
// meeting_flow_test.cpp, the reminders in reminder_scheduler_test.cpp.
#include "handlers/dialog_engine.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "base/civil_date.h"
#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/handover_queue.h"
#include "storage/lead_store.h"
#include "storage/meeting_store.h"
#include "storage/question_log.h"
#include "storage/scratch_dir.h"
#include "storage/unit_of_work.h"
#include "storage/unix_millis.h"
#include "test_support/dialog_harness.h"

using namespace bhxh;
using namespace std::chrono;

namespace {

// 2026-11-26 10:00 Vietnam time, a Thursday: the office is open.
const system_clock::time_point kNow = system_clock::time_point(seconds(1795662000));

constexpr const char* kSonKy = "21325";

const std::vector<std::string> kMenuPayloads = {"MENU_FAQ", "MENU_MEETINGS", "MENU_REGISTER",
                                                "MENU_CALCULATOR", "MENU_STAFF"};

using testing::Contains;
using testing::HasPayload;
using testing::Payloads;
using testing::Who;

struct Harness : testing::DialogHarness {
  Harness() : DialogHarness(kNow) {}

  using DialogHarness::Say;
  std::vector<Reply> Say(const std::string& text, const std::string& user) {
    return Say(text, Who{"web", user});
  }

  // The parameters the staff texts take (hotline, office hours, next opening).
  std::map<std::string, std::string> OfficeParams(system_clock::time_point next_open) const {
    return {{"hotline", "1900 9068"},
            {"hours", content.Current()->office_hours->Describe()},
            {"next_open", FormatVietnameseDateTime(next_open)}};
  }
  std::map<std::string, std::string> OfficeParams() const { return OfficeParams(clock.Now()); }

  std::vector<Lead> LeadsOf(const Who& who) {
    auto r = leads->ByUser(who.channel, who.user);
    REQUIRE(r.ok());
    return r.value();
  }
  size_t LoggedQuestions() {
    auto r = questions->Recent(1000, false);
    REQUIRE(r.ok());
    return r->size();
  }
  // Rows of the user in a table with channel and user_id columns, read
  // through a second connection (what is committed on disk).
  long long RowsOf(const std::string& table, const Who& who) {
    RawConnection raw(DbPath());
    return raw.QueryInt("SELECT count(*) FROM " + table + " WHERE channel = '" + who.channel +
                        "' AND user_id = '" + who.user + "'");
  }
  std::map<std::string, long long> Footprint(const Who& who) {
    std::map<std::string, long long> rows;
    for (const char* table : {"conversations", "question_log", "leads", "meeting_rsvps",
                              "reminder_subscriptions", "reminder_jobs", "handover_requests",
                              "user_pauses"}) {
      rows[table] = RowsOf(table, who);
    }
    return rows;
  }
};

// The answers a citizen types (no diacritics) at each step of the lead
// form; "1" at the CCCD step picks the only choice, "Bỏ qua".
const std::map<std::string, std::string>& LeadAnswers() {
  static const std::map<std::string, std::string> kAnswers = {
      {"consent", "dong y"},        {"interest", "bhyt ho gia dinh"},
      {"full_name", "pham thi lan"}, {"birth_year", "1990"},
      {"commune", "son ky"},        {"village", "thon 4"},
      {"phone", "0912 345 678"},    {"cccd", "1"},
      {"occupation", "buon ban"},   {"call_time", "buoi chieu"},
      {"summary", "xac nhan"}};
  return kAnswers;
}

// Answers the open lead form, whatever step it is at, until it closes.
// Returns the last replies (the confirmation).
std::vector<Reply> FinishLeadForm(Harness& h, const Who& who) {
  std::vector<Reply> last;
  for (int turn = 0; turn < 20 && h.Flow(who) == "lead"; ++turn) {
    const std::string step = h.Step(who);
    CAPTURE(step);
    const auto answer = LeadAnswers().find(step);
    REQUIRE(answer != LeadAnswers().end());
    last = h.Say(answer->second, who);
  }
  REQUIRE(h.Flow(who).empty());
  return last;
}

// A schedule with one upcoming meeting in Sơn Kỳ.
void ImportOneMeeting(Harness& h) {
  Meeting m;
  m.id = "sk-1";
  m.commune_code = kSonKy;
  m.kind = MeetingKind::kCustomer;
  m.title = "Hội nghị khách hàng BHXH tự nguyện";
  m.start = VietnamInstant(CivilDate{2026, 12, 5}, 8, 0);
  m.venue = "Hội trường UBND xã Sơn Kỳ";
  h.ReplaceSchedule({m});
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
  CHECK(second[0].choices[0].payload == "MENU_STAFF:unknown_twice");
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
  CHECK(HasPayload(replies[0], "MENU_STAFF:personal_case"));
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
  h.Reopen();  // new database connection and engine: only the file remains
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

// --- menu and navigation ---------------------------------------------------

TEST_CASE("every way into the menu offers exactly the five menu choices") {
  auto [text, payload, key] = GENERATE(table<std::string, std::string, std::string>({
      {"", "GET_STARTED", "welcome"},
      {"xin chào", "", "welcome"},  // a first message
      {"xin chao", "", "welcome"},
      {"menu", "", "menu_prompt"},
      {"Menu", "", "menu_prompt"},
      {"bắt đầu", "", "menu_prompt"},
      {"", "MENU", "menu_prompt"},
      {"", "NO_SUCH_BUTTON", "menu_prompt"},
  }));
  CAPTURE(text, payload);
  Harness h;
  const auto replies = payload.empty() ? h.Say(text) : h.Tap(payload);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].text == h.M().Get(key));
  CHECK(Payloads(replies[0]) == kMenuPayloads);
  // Typing a number now picks a menu entry: "5" is "Gặp cán bộ" (on the
  // web: the hotline and a call-back, no one answers the web chat).
  CHECK(h.Say("5")[0].text == h.M().Get("staff_offer_web", h.OfficeParams()));
}

TEST_CASE("typed requests start the matching flow without the menu") {
  auto [text, flow, key] = GENERATE(table<std::string, std::string, std::string>({
      {"toi muon dang ky", "lead", "lead_consent_version"},
      {"tôi muốn đăng ký", "lead", "lead_consent_version"},
      {"tinh tien dong", "calculator", "calc_ask_product"},
      {"tính tiền đóng", "calculator", "calc_ask_product"},
      {"gap can bo", "", "staff_offer_web"},
      {"gặp cán bộ", "", "staff_offer_web"},
  }));
  CAPTURE(text);
  Harness h;
  const auto replies = h.Say(text);
  REQUIRE(replies.size() == 1);
  if (flow == "lead") {
    CHECK(Contains(replies[0].text, "Anh/chị có đồng ý cung cấp thông tin không ạ?"));
    CHECK(Payloads(replies[0]) == std::vector<std::string>{"LEAD:CONSENT_YES", "LEAD:CONSENT_NO"});
    CHECK(h.Step() == "consent");
  } else if (flow == "calculator") {
    CHECK(replies[0].text == h.M().Get(key));
    CHECK(Payloads(replies[0]) == std::vector<std::string>{"CALC:PRODUCT_BHXH", "CALC:PRODUCT_BHYT"});
  } else {
    CHECK(replies[0].text == h.M().Get(key, h.OfficeParams()));
    CHECK(Contains(replies[0].text, "1900 9068"));
    CHECK(Payloads(replies[0]) == std::vector<std::string>{"STAFF:CALLBACK", "MENU"});
  }
  CHECK(h.Flow() == flow);
  // Nothing of it goes to the FAQ's question log.
  CHECK(h.LoggedQuestions() == 0);
}

TEST_CASE("the meeting schedule is found from free text naming the commune") {
  Harness h;
  const auto replies = h.Say("lich hop son linh");
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].text == h.M().Get("meet_none_web", {{"commune", "Sơn Linh"}}));
  CHECK(h.StateValue("commune") == "21307");
  CHECK(h.Flow().empty());
}

TEST_CASE("a cancel word leaves any flow at any step and the flow is gone from the state") {
  const std::string word =
      GENERATE(as<std::string>{}, "hủy", "huy", "Hủy.", "thôi", "thoi", "menu", "dừng lại", "thoát");
  CAPTURE(word);
  Harness h;
  ImportOneMeeting(h);
  SECTION("the lead form half-way, personal data typed") {
    h.Say("toi muon dang ky");
    h.Say("dong y");
    h.Say("bhxh tu nguyen");
    h.Say("Đinh Văn Hùng");
    REQUIRE(h.Step() == "birth_year");  // a step that expects a number
    REQUIRE(Contains(h.Stored()->state, "Đinh Văn Hùng"));
  }
  SECTION("the lead form at the summary") {
    h.Say("toi muon dang ky");
    for (int i = 0; i < 20 && h.Step() != "summary"; ++i) h.Say(LeadAnswers().at(h.Step()));
    REQUIRE(h.Step() == "summary");
  }
  SECTION("the calculator asking for the group") {
    h.Say("thu nhap 3 trieu dong bhxh tu nguyen bao nhieu");
    REQUIRE(h.Step() == "group");
  }
  SECTION("the calculator asking for a number") {
    h.Tap("MENU_CALCULATOR");
    h.Tap("CALC:PRODUCT_BHYT");
    REQUIRE(h.Step() == "members");
  }
  SECTION("the meeting flow asking for the commune") {
    h.Say("lịch hội nghị");
    REQUIRE(h.Flow() == "meetings");
  }
  SECTION("the privacy confirmation") {
    h.Say("xóa thông tin của tôi");
    REQUIRE(h.Flow() == "delete");
  }
  REQUIRE_FALSE(h.Flow().empty());
  const auto replies = h.Say(word);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].text == h.M().Get("flow_cancelled"));
  CHECK(Payloads(replies[0]) == kMenuPayloads);
  const auto stored = h.Stored();
  REQUIRE(stored);
  CHECK_FALSE(Contains(stored->state, "\nflow="));
  CHECK_FALSE(Contains(stored->state, "slot."));
  CHECK_FALSE(Contains(stored->state, "Đinh Văn Hùng"));
  CHECK(h.LeadsOf(Who{}).empty());
  // Nothing was erased by leaving the privacy question.
  CHECK(h.RowsOf("conversations", Who{}) == 1);
}

TEST_CASE("with no flow open a cancel word just shows the menu") {
  Harness h;
  h.Say("xin chao");
  const auto replies = h.Say("hủy");
  CHECK(replies[0].text == h.M().Get("menu_prompt"));
  CHECK(Payloads(replies[0]) == kMenuPayloads);
}

// --- lead form through the engine --------------------------------------------

TEST_CASE("a refused consent through the engine stores nothing") {
  const std::string refusal = GENERATE(as<std::string>{}, "khong dong y", "không", "2");
  CAPTURE(refusal);
  Harness h;
  const Who who{"zalo", "z1"};
  h.Say("toi muon dang ky", who);
  const auto replies = h.Say(refusal, who);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].text == h.M().Get("lead_consent_declined", {{"hotline", "1900 9068"}}));
  CHECK(h.Flow(who).empty());
  CHECK(h.LeadsOf(who).empty());
  CHECK(h.RowsOf("leads", who) == 0);
  CHECK_FALSE(Contains(h.Stored(who)->state, "consent"));
}

TEST_CASE("a whole registration without diacritics through the engine is saved once") {
  Harness h;
  const Who who{"messenger", "psid-7"};
  const auto consent = h.Say("dang ky tham gia", who);
  CHECK(Contains(consent[0].text, "xóa thông tin của tôi"));
  CHECK(h.Say("dong y", who)[0].text == h.M().Get("lead_ask_interest"));
  CHECK(h.Say("bhyt ho gia dinh", who)[0].text == h.M().Get("lead_ask_name"));
  CHECK(h.Say("pham thi lan", who)[0].text == h.M().Get("lead_ask_birth_year"));
  CHECK(h.StateValue("numeric", who) == "1");
  // "1990" is the year here, not a numbered choice.
  const auto commune_q = h.Say("1990", who);
  CHECK(commune_q[0].text == h.M().Get("lead_ask_commune"));
  CHECK(commune_q[0].choices.size() == 8);
  // A typed number picks the 5th commune offered: Sơn Kỳ.
  CHECK(h.Say("5", who)[0].text == h.M().Get("lead_ask_village"));
  CHECK(h.Say("thon 4", who)[0].text == h.M().Get("lead_ask_phone"));
  CHECK(h.Say("0912.345.678", who)[0].text == h.M().Get("lead_ask_cccd"));
  CHECK(h.Say("1", who)[0].text == h.M().Get("lead_ask_occupation"));  // 1 = "Bỏ qua"
  CHECK(h.Say("buon ban", who)[0].text == h.M().Get("lead_ask_call_time"));
  const auto summary = h.Say("buoi chieu", who);
  CHECK(h.Step(who) == "summary");
  CHECK(Contains(summary[0].text, "4. Xã: Sơn Kỳ"));
  CHECK(Contains(summary[0].text, "6. Số điện thoại: 0912 345 678"));
  CHECK(Payloads(summary[0]) == std::vector<std::string>{"LEAD:CONFIRM", "LEAD:EDIT", "LEAD:CANCEL"});
  // An edit through typed numbers: "Sửa", then field 6.
  h.Say("2", who);
  REQUIRE(h.Step(who) == "edit");
  CHECK(h.Say("6", who)[0].text == h.M().Get("lead_ask_phone"));
  CHECK(Contains(h.Say("0987654321", who)[0].text, "6. Số điện thoại: 0987 654 321"));
  const auto done = h.Say("xac nhan", who);
  CHECK(Contains(done[0].text, h.M().Get("lead_saved_new")));
  CHECK(Contains(done[0].text, "0987 654 321"));
  CHECK(h.Flow(who).empty());

  auto leads = h.LeadsOf(who);
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].interest == "bhyt_hgd");
  CHECK(leads[0].full_name == "Pham Thi Lan");
  CHECK(leads[0].birth_year == 1990);
  CHECK(leads[0].commune_code == kSonKy);
  CHECK(leads[0].village == "thon 4");
  CHECK(leads[0].phone == "0987654321");
  CHECK(leads[0].cccd.empty());
  CHECK(leads[0].occupation == "Buôn bán");
  CHECK(leads[0].call_time == "Buổi chiều");
  CHECK(leads[0].meeting_id.empty());
  CHECK(leads[0].channel == "messenger");
  // The form's slots are gone from the state once saved.
  CHECK_FALSE(Contains(h.Stored(who)->state, "slot."));

  // The confirmation tapped again (a double tap, a redelivery): no second lead.
  h.Tap("LEAD:CONFIRM", who);
  h.Say("xac nhan", who);
  CHECK(h.LeadsOf(who).size() == 1);
  CHECK(h.RowsOf("leads", who) == 1);
}

TEST_CASE("the lead form resumes after a restart mid-form") {
  Harness h;
  const Who who{"zalo", "z9"};
  h.Say("toi muon dang ky", who);
  h.Say("dong y", who);
  h.Say("bhxh tu nguyen", who);
  h.Say("Đinh Văn Hùng", who);
  REQUIRE(h.Step(who) == "birth_year");
  h.Reopen();
  h.clock.Advance(hours(2));
  CHECK(h.Say("1985", who)[0].text == h.M().Get("lead_ask_commune"));
  CHECK(h.Step(who) == "commune");
  const auto done = FinishLeadForm(h, who);
  CHECK(Contains(done[0].text, h.M().Get("lead_saved_new")));
  const auto leads = h.LeadsOf(who);
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].full_name == "Đinh Văn Hùng");
  CHECK(leads[0].birth_year == 1985);
  CHECK(leads[0].interest == "bhxh_tu_nguyen");
}

TEST_CASE("an unrelated question in the lead form is answered and the question repeated") {
  Harness h;
  h.Say("toi muon dang ky");
  h.Say("dong y");
  h.Say("bhyt ho gia dinh");
  h.Say("Phạm Thị Lan");
  h.Say("1990");
  h.Say("son ky");
  REQUIRE(h.Step() == "village");
  const auto replies = h.Say("mức đóng bhyt hộ gia đình bao nhiêu?");
  REQUIRE(replies.size() == 2);
  CHECK(Contains(replies[0].text, "Căn cứ:"));
  CHECK(replies[1].text == h.M().Get("lead_ask_village") + "\n\n" + h.M().Get("lead_resume_hint"));
  CHECK(h.Step() == "village");
  // The repeated question's choice is what a typed "1" picks now.
  h.Say("1");  // "Không rõ"
  CHECK(h.Step() == "phone");
}

TEST_CASE("a form left for more than 24 hours is dropped: the next message starts afresh") {
  Harness h;
  h.Say("toi muon dang ky");
  h.Say("dong y");
  h.Say("bhxh tu nguyen");
  h.Say("Đinh Văn Hùng");
  REQUIRE(h.Step() == "birth_year");
  h.clock.Advance(hours(25));
  const auto replies = h.Say("toi muon dang ky");
  CHECK(h.Step() == "consent");
  CHECK(Payloads(replies[0]) == std::vector<std::string>{"LEAD:CONSENT_YES", "LEAD:CONSENT_NO"});
  CHECK_FALSE(Contains(h.Stored()->state, "Đinh Văn Hùng"));
  CHECK_FALSE(Contains(h.Stored()->state, "slot.interest"));

  SECTION("a form answer after 24 hours is not taken as one") {
    h.clock.Advance(hours(25));
    h.Say("1985");
    CHECK(h.Flow().empty());
    CHECK_FALSE(Contains(h.Stored()->state, "1985"));
  }
}

TEST_CASE("DropAbandonedForms clears a stale form's personal data and keeps the rest") {
  Harness h;
  const Who stale{"zalo", "old"}, fresh{"zalo", "new"};
  h.Say("lich hop son ky", stale);  // the commune is remembered
  h.Say("toi muon dang ky", stale);
  h.Say("dong y", stale);
  h.Say("bhxh tu nguyen", stale);
  h.Say("Đinh Văn Hùng", stale);
  const auto touched = h.Stored(stale)->updated_at;
  h.clock.Advance(hours(23));
  h.Say("toi muon dang ky", fresh);
  h.Say("dong y", fresh);
  h.clock.Advance(hours(2));  // the stale form: 25 h untouched; the fresh one: 2 h

  auto dropped = h.engine->DropAbandonedForms();
  REQUIRE(dropped.ok());
  CHECK(*dropped == 1);
  const auto stored = h.Stored(stale);
  REQUIRE(stored);
  CHECK_FALSE(Contains(stored->state, "Đinh Văn Hùng"));
  CHECK_FALSE(Contains(stored->state, "slot."));
  CHECK_FALSE(Contains(stored->state, "\nflow="));
  CHECK(h.StateValue("commune", stale) == kSonKy);
  // The time of the citizen's last message is kept (messaging window, purge).
  CHECK(ToUnixMillis(stored->updated_at) == ToUnixMillis(touched));
  CHECK(h.Flow(fresh) == "lead");
  CHECK(h.Step(fresh) == "interest");

  auto again = h.engine->DropAbandonedForms();
  REQUIRE(again.ok());
  CHECK(*again == 0);
}

TEST_CASE("registering from a meeting's button records the meeting") {
  Harness h;
  ImportOneMeeting(h);
  const Who who{"messenger", "m1"};
  const auto list = h.Say("lich hoi nghi son ky", who);
  REQUIRE(HasPayload(list[0], "LEAD:START:sk-1"));
  h.Tap("LEAD:START:sk-1", who);
  CHECK(h.Step(who) == "consent");
  const auto done = FinishLeadForm(h, who);
  CHECK(Contains(done[0].text, h.M().Get("lead_saved_new")));
  const auto leads = h.LeadsOf(who);
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].meeting_id == "sk-1");
  // The commune the conversation knew was taken, not asked again.
  CHECK(leads[0].commune_code == kSonKy);
}

TEST_CASE("a lead made at the kiosk of a meeting records that meeting") {
  Harness h;
  ImportOneMeeting(h);
  const Who who{"web", "kiosk-session"};
  Inbound first = h.Message("toi muon dang ky", "", who);
  first.meeting_context = "sk-1";
  h.Send(first);
  REQUIRE(h.Step(who) == "consent");
  FinishLeadForm(h, who);
  const auto leads = h.LeadsOf(who);
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].meeting_id == "sk-1");
}

TEST_CASE("a kiosk meeting that is not in the schedule is not recorded") {
  Harness h;
  ImportOneMeeting(h);
  const Who who{"web", "kiosk-session"};
  Inbound first = h.Message("toi muon dang ky", "", who);
  first.meeting_context = "no-such-meeting";
  h.Send(first);
  FinishLeadForm(h, who);
  const auto leads = h.LeadsOf(who);
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].meeting_id.empty());
}

// --- calculator through the engine ---------------------------------------------

TEST_CASE("an income question asks the group, and a typed number picks it") {
  Harness h;
  const auto question = h.Say("thu nhap 3 trieu dong bhxh tu nguyen bao nhieu");
  REQUIRE(question.size() == 1);
  CHECK(question[0].text == h.M().Get("calc_ask_group"));
  CHECK(Payloads(question[0]) == std::vector<std::string>{"CALC:GROUP_POOR", "CALC:GROUP_NEAR_POOR",
                                                          "CALC:GROUP_ETHNIC", "CALC:GROUP_OTHER"});
  CHECK(h.Flow() == "calculator");
  CHECK(h.StateValue("slot.income") == "3000000");
  const auto result = h.Say("3");  // Dân tộc thiểu số
  REQUIRE(result.size() == 1);
  const std::string& text = result[0].text;
  CAPTURE(text);
  CHECK(Contains(text, "• Thu nhập tính đóng: 3.000.000 đồng/tháng"));
  CHECK(Contains(text, "• Mức đóng: 3.000.000 × 22% = 660.000 đồng"));
  CHECK(Contains(text, "(người dân tộc thiểu số)"));
  CHECK_FALSE(Contains(text, "{{"));
  CHECK(Payloads(result[0]) == std::vector<std::string>{"CALC:RESTART", "MENU_REGISTER", "MENU"});
  CHECK(h.Flow().empty());
  CHECK_FALSE(Contains(h.Stored()->state, "slot."));
}

TEST_CASE("a household size question is answered at once with the arithmetic") {
  const std::string text = GENERATE(as<std::string>{}, "nhà tôi 4 người mua bhyt hết bao nhiêu",
                                    "nha toi 4 nguoi mua bhyt het bao nhieu");
  CAPTURE(text);
  Harness h;
  const auto result = h.Say(text);
  REQUIRE(result.size() == 1);
  const std::string& r = result[0].text;
  CAPTURE(r);
  CHECK(Contains(r, "cho 4 người"));
  CHECK(Contains(r, "• Người thứ 1: 4,5% × 2.530.000 = 113.850 đồng/tháng"));
  CHECK(Contains(r, "• Người thứ 2: 70% × 113.850 = 79.695 đồng/tháng"));
  CHECK(Contains(r, "• Người thứ 4: 50% × 113.850 = 56.925 đồng/tháng"));
  CHECK(Contains(r, "Cả nhà tính ra 318.780 đồng/tháng"));
  CHECK(Contains(r, "• 12 tháng: 12 × 318.780 = 3.825.360 đồng"));
  CHECK(h.Flow().empty());
}

TEST_CASE("the calculator resumes after a restart and after an unrelated question") {
  Harness h;
  h.Tap("MENU_CALCULATOR");
  h.Say("2");  // BHYT hộ gia đình
  REQUIRE(h.Step() == "members");
  h.Reopen();
  const auto replies = h.Say("thẻ bhyt bị mất thì làm sao?");
  REQUIRE(replies.size() == 2);
  CHECK(replies[1].text == h.M().Get("calc_resume") + "\n" + h.M().Get("calc_ask_members"));
  // A bare number is the household size here, not a choice.
  CHECK(Contains(h.Say("2")[0].text, "cho 2 người"));
}

// --- staff handover ----------------------------------------------------------

TEST_CASE("a confirmed handover queues the user and the bot falls silent on messenger and zalo") {
  const std::string channel = GENERATE(as<std::string>{}, "messenger", "zalo");
  CAPTURE(channel);
  Harness h;
  const Who who{channel, "p1"};
  const auto offer = h.Say("gap can bo", who);
  CHECK(offer[0].text == h.M().Get("staff_offer", {{"hotline", "1900 9068"}}));
  CHECK(Payloads(offer[0]) == std::vector<std::string>{"STAFF:CONFIRM:asked", "MENU"});
  const auto queued = h.Say("1", who);  // "Chuyển cán bộ"
  REQUIRE(queued.size() == 1);
  CHECK(queued[0].hand_over);
  CHECK(queued[0].text == h.M().Get("staff_queued"));
  auto open = h.handovers->Open();
  REQUIRE(open.ok());
  REQUIRE(open->size() == 1);
  CHECK(open->front().user == "p1");
  CHECK(open->front().channel == channel);
  CHECK(open->front().reason == "asked");
  CHECK(ToUnixMillis(open->front().until) == ToUnixMillis(kNow + h.settings.handover_pause));

  // While staff handle it: no reply, nothing stored.
  const std::string state_before = h.Stored(who)->state;
  const auto updated_before = h.Stored(who)->updated_at;
  const size_t logged = h.LoggedQuestions();
  const auto footprint = h.Footprint(who);
  h.clock.Advance(hours(1));
  CHECK(h.Send(h.Message("muc dong bhyt ho gia dinh bao nhieu", "", who)).empty());
  CHECK(h.Send(h.Message("", "MENU", who)).empty());
  CHECK(h.Send(h.Message("gặp cán bộ", "", who)).empty());
  CHECK(h.Send(h.Message("", "STAFF:CONFIRM:asked", who)).empty());
  CHECK(h.Stored(who)->state == state_before);
  CHECK(ToUnixMillis(h.Stored(who)->updated_at) == ToUnixMillis(updated_before));
  CHECK(h.LoggedQuestions() == logged);
  CHECK(h.Footprint(who) == footprint);
  CHECK(h.handovers->Open()->size() == 1);

  // Another user is not affected.
  CHECK(h.Say("xin chao", Who{channel, "p2"})[0].text == h.M().Get("welcome"));

  SECTION("after the pause the bot answers again") {
    h.clock.Set(kNow + h.settings.handover_pause - milliseconds(1));
    CHECK(h.Send(h.Message("muc dong bhyt ho gia dinh bao nhieu", "", who)).empty());
    h.clock.Set(kNow + h.settings.handover_pause);
    const size_t before = h.LoggedQuestions();
    const auto back = h.Say("muc dong bhyt ho gia dinh bao nhieu", who);
    CHECK(Contains(back[0].text, "Căn cứ:"));
    CHECK(h.LoggedQuestions() == before + 1);
  }
  SECTION("staff releasing the user end the pause early") {
    auto released = h.handovers->Release(channel, "p1", h.clock.Now());
    REQUIRE(released.ok());
    CHECK(*released);
    CHECK(Contains(h.Say("muc dong bhyt ho gia dinh bao nhieu", who)[0].text, "Căn cứ:"));
    CHECK(h.handovers->Open()->empty());
  }
  SECTION("the engine's ReleaseToBot does the same") {
    REQUIRE(h.engine->ReleaseToBot(channel, "p1").ok());
    CHECK(Contains(h.Say("muc dong bhyt ho gia dinh bao nhieu", who)[0].text, "Căn cứ:"));
    CHECK(h.handovers->Open()->empty());
  }
}

TEST_CASE("the handover pause and the form lifetime follow the settings") {
  Harness h;
  h.settings.handover_pause = hours(2);
  h.settings.form_lifetime = hours(1);
  h.Reopen();
  const Who who{"zalo", "z1"};
  h.Say("gap can bo", who);
  h.Say("1", who);
  REQUIRE(h.handovers->Open()->size() == 1);
  CHECK(ToUnixMillis(h.handovers->Open()->front().until) == ToUnixMillis(kNow + hours(2)));
  h.clock.Advance(hours(2));
  h.Say("toi muon dang ky", who);
  REQUIRE(h.Step(who) == "consent");
  h.clock.Advance(minutes(61));
  h.Say("dong y", who);  // the form is gone: not a consent any more
  CHECK(h.Flow(who).empty());
}

TEST_CASE("the web chat offers the hotline and a call-back, never a handover no one answers") {
  Harness h;
  const auto offer = h.Say("gặp cán bộ");
  CHECK(offer[0].text == h.M().Get("staff_offer_web", h.OfficeParams()));
  CHECK(Payloads(offer[0]) == std::vector<std::string>{"STAFF:CALLBACK", "MENU"});
  CHECK_FALSE(offer[0].hand_over);

  SECTION("a stale 'Chuyển cán bộ' button queues nothing") {
    const auto again = h.Tap("STAFF:CONFIRM:asked");
    CHECK(again[0].text == h.M().Get("staff_offer_web", h.OfficeParams()));
    CHECK_FALSE(again[0].hand_over);
    CHECK(h.handovers->Open()->empty());
    CHECK(h.RowsOf("user_pauses", Who{}) == 0);
  }
  SECTION("a typed 1 asks for a call back: the lead form") {
    h.Say("1");
    CHECK(h.Flow() == "lead");
    CHECK(h.Step() == "consent");
  }
}

TEST_CASE("a web user paused by staff is told staff will answer, and nothing is stored") {
  Harness h;
  h.Say("xin chao");
  REQUIRE(h.handovers->Request("web", "u1", "asked", kNow, kNow + hours(2)).ok());
  const std::string state_before = h.Stored()->state;
  const auto replies = h.Say("alo có ai không");
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].text == h.M().Get("staff_waiting", {{"hotline", "1900 9068"}}));
  CHECK(replies[0].choices.empty());
  CHECK_FALSE(replies[0].hand_over);
  CHECK(h.Stored()->state == state_before);
  CHECK(h.LoggedQuestions() == 1);  // the greeting before the pause only
  h.clock.Advance(hours(2));
  CHECK(h.Say("menu")[0].text == h.M().Get("menu_prompt"));
}

TEST_CASE("outside office hours the offer says when staff answer and offers a call back") {
  auto [at, next_open, written] = GENERATE(table<system_clock::time_point, system_clock::time_point, std::string>({
      {VietnamInstant(CivilDate{2026, 11, 28}, 10, 0), VietnamInstant(CivilDate{2026, 11, 30}, 7, 0),
       "Thứ Hai, 30/11/2026, 7 giờ 00"},  // Saturday
      {VietnamInstant(CivilDate{2026, 11, 26}, 20, 0), VietnamInstant(CivilDate{2026, 11, 27}, 7, 0),
       "Thứ Sáu, 27/11/2026, 7 giờ 00"},  // evening
      {VietnamInstant(CivilDate{2026, 11, 27}, 12, 0), VietnamInstant(CivilDate{2026, 11, 27}, 13, 30),
       "Thứ Sáu, 27/11/2026, 13 giờ 30"},  // lunch break
  }));
  CAPTURE(written);
  Harness h;
  h.clock.Set(at);
  const Who who{"zalo", "z1"};
  const auto offer = h.Say("gặp cán bộ", who);
  const auto params = h.OfficeParams(next_open);
  CHECK(offer[0].text == h.M().Get("staff_offer_closed", params));
  CHECK(Contains(offer[0].text, written));
  CHECK(Payloads(offer[0]) ==
        std::vector<std::string>{"STAFF:CONFIRM:asked", "STAFF:CALLBACK", "MENU"});

  SECTION("a call back opens the lead form") {
    const auto consent = h.Say("2", who);  // "Hẹn gọi lại"
    CHECK(h.Flow(who) == "lead");
    CHECK(h.Step(who) == "consent");
    CHECK(Payloads(consent[0]) == std::vector<std::string>{"LEAD:CONSENT_YES", "LEAD:CONSENT_NO"});
    CHECK(h.handovers->Open()->empty());
  }
  SECTION("handing over anyway says when staff will answer, and the pause counts from then") {
    const auto queued = h.Say("1", who);
    CHECK(queued[0].hand_over);
    CHECK(queued[0].text == h.M().Get("staff_queued_closed", params));
    auto open = h.handovers->Open();
    REQUIRE(open->size() == 1);
    CHECK(ToUnixMillis(open->front().until) ==
          ToUnixMillis(next_open + h.settings.handover_pause));
    // Still silent a whole pause after asking, when staff have not yet had it.
    h.clock.Set(at + h.settings.handover_pause);
    CHECK(h.Send(h.Message("alo", "", who)).empty());
    h.clock.Set(next_open + h.settings.handover_pause);
    CHECK_FALSE(h.Say("alo", who).empty());
  }
}

TEST_CASE("the reason staff were offered is kept with the handover request") {
  Harness h;
  const Who who{"messenger", "p1"};
  SECTION("two unknown messages in a row") {
    h.Say("xyz qwerty abcdef", who);
    const auto second = h.Say("qwerty xyz lorem", who);
    REQUIRE(second[0].choices.front().payload == "MENU_STAFF:unknown_twice");
    const auto offer = h.Say("1", who);
    CHECK(offer[0].text == h.M().Get("staff_offer", {{"hotline", "1900 9068"}}));
    CHECK(Payloads(offer[0]) == std::vector<std::string>{"STAFF:CONFIRM:unknown_twice", "MENU"});
    h.Say("1", who);
    REQUIRE(h.handovers->Open()->size() == 1);
    CHECK(h.handovers->Open()->front().reason == "unknown_twice");
  }
  SECTION("a personal case") {
    const auto r = h.Say(
        "em nộp hồ sơ thai sản từ tháng 8 mà đến nay vẫn chưa nhận được tiền, cán bộ kiểm tra "
        "giúp em với",
        who);
    REQUIRE(HasPayload(r[0], "MENU_STAFF:personal_case"));
    h.Tap("MENU_STAFF:personal_case", who);
    h.Tap("STAFF:CONFIRM:personal_case", who);
    REQUIRE(h.handovers->Open()->size() == 1);
    CHECK(h.handovers->Open()->front().reason == "personal_case");
  }
}

TEST_CASE("a known question ends the unknown streak") {
  Harness h;
  h.Say("xyz qwerty abcdef");
  CHECK(Contains(h.Say("muc dong bhyt ho gia dinh bao nhieu")[0].text, "Căn cứ:"));
  CHECK(h.Say("xyz qwerty abcdef")[0].text == h.M().Get("unknown", {{"hotline", "1900 9068"}}));
}

TEST_CASE("asking for staff or for erasure works at any step of a form") {
  Harness h;
  const Who who{"messenger", "p1"};
  h.Say("toi muon dang ky", who);
  h.Say("dong y", who);
  h.Say("bhxh tu nguyen", who);
  REQUIRE(h.Step(who) == "full_name");
  SECTION("staff") {
    const auto offer = h.Say("gặp cán bộ", who);
    CHECK(offer[0].text == h.M().Get("staff_offer", {{"hotline", "1900 9068"}}));
    CHECK(h.Flow(who).empty());
    CHECK_FALSE(Contains(h.Stored(who)->state, "slot."));
  }
  SECTION("erasure") {
    const auto question = h.Say("xoa thong tin cua toi", who);
    REQUIRE(question.size() == 1);
    CHECK(question[0].text == h.M().Get("privacy_confirm"));
    CHECK(h.Flow(who) == "delete");
  }
}

// --- privacy -------------------------------------------------------------------

namespace {

// Gives `who` a row in every table the engine's stores keep about a user:
// a logged question, a lead, an RSVP, a subscription with its reminder
// jobs, a handover request (released, so the user can talk again) and the
// conversation.
void LeaveTraces(Harness& h, const Who& who) {
  h.Say("muc dong bhyt ho gia dinh bao nhieu", who);
  h.Say("lich hoi nghi son ky", who);
  h.Tap("MEET:ATTEND:sk-1", who);
  auto subscribed = h.meetings->Subscribe(who.channel, who.user, kSonKy, h.clock.Now());
  REQUIRE(subscribed.ok());
  h.Say("toi muon dang ky", who);
  FinishLeadForm(h, who);
  h.Say("gap can bo", who);
  h.Tap("STAFF:CONFIRM", who);
  auto released = h.handovers->Release(who.channel, who.user, h.clock.Now());
  REQUIRE(released.ok());
  // A staff reply on the platform pauses the user again briefly.
  auto paused = h.handovers->Request(who.channel, who.user, "staff_reply", h.clock.Now(),
                                     h.clock.Now() + minutes(1));
  REQUIRE(paused.ok());
  h.clock.Advance(minutes(2));
  for (const auto& [table, rows] : h.Footprint(who)) {
    CAPTURE(table);
    REQUIRE(rows > 0);
  }
}

// The same traces written straight to the stores. `phone` must differ per
// user: there is one lead per phone and commune.
void LeaveOtherTraces(Harness& h, const Who& who, const std::string& phone) {
  Lead lead;
  lead.channel = who.channel;
  lead.user = who.user;
  lead.interest = "bhxh_tu_nguyen";
  lead.full_name = "Trần Văn Bình";
  lead.birth_year = 1970;
  lead.commune_code = kSonKy;
  lead.phone = phone;
  lead.consent_version = "2026-11-26";
  lead.consent_at = lead.created = lead.updated = h.clock.Now();
  REQUIRE(h.leads->Save(lead).ok());
  h.Say("muc dong bhyt ho gia dinh bao nhieu", who);
  REQUIRE(h.meetings->AddRsvp("sk-1", who.channel, who.user, h.clock.Now()).ok());
  REQUIRE(h.meetings->Subscribe(who.channel, who.user, kSonKy, h.clock.Now()).ok());
  REQUIRE(h.handovers->Request(who.channel, who.user, "asked", h.clock.Now(),
                               h.clock.Now() + minutes(1))
              .ok());
  h.clock.Advance(minutes(2));
  for (const auto& [table, rows] : h.Footprint(who)) {
    CAPTURE(table);
    REQUIRE(rows > 0);
  }
}

}  // namespace

TEST_CASE("erasing my data removes every trace of me and nothing of anyone else") {
  const std::string confirm = GENERATE(as<std::string>{}, "co", "có", "đồng ý", "xoa di", "1",
                                       "PRIVACY:CONFIRM");
  CAPTURE(confirm);
  Harness h;
  ImportOneMeeting(h);
  const Who me{"messenger", "me"};
  const Who other{"messenger", "other"};
  const Who me_elsewhere{"zalo", "me"};  // the same id on another channel is someone else
  LeaveTraces(h, me);
  LeaveOtherTraces(h, other, "0905123456");
  LeaveOtherTraces(h, me_elsewhere, "0905123457");
  const auto other_before = h.Footprint(other);
  const auto elsewhere_before = h.Footprint(me_elsewhere);

  const auto question = h.Say("xóa thông tin của tôi", me);
  REQUIRE(question.size() == 1);
  CHECK(question[0].text == h.M().Get("privacy_confirm"));
  CHECK(Payloads(question[0]) == std::vector<std::string>{"PRIVACY:CONFIRM", "PRIVACY:CANCEL"});
  CHECK(h.Flow(me) == "delete");

  const auto done = confirm.rfind("PRIVACY:", 0) == 0 ? h.Tap(confirm, me) : h.Say(confirm, me);
  REQUIRE(done.size() == 1);
  CHECK(done[0].text == h.M().Get("privacy_done"));
  CHECK(done[0].erase_user_data);
  for (const auto& [table, rows] : h.Footprint(me)) {
    CAPTURE(table);
    CHECK(rows == 0);
  }
  CHECK_FALSE(h.Stored(me).has_value());
  CHECK(h.LeadsOf(me).empty());
  CHECK(*h.meetings->HasRsvp("sk-1", "messenger", "me") == false);
  CHECK(h.meetings->Subscriptions("messenger", "me")->empty());
  CHECK(h.meetings->JobsOf("messenger", "me")->empty());
  CHECK_FALSE(h.handovers->OpenFor("messenger", "me")->has_value());
  CHECK(h.Footprint(other) == other_before);
  CHECK(h.Footprint(me_elsewhere) == elsewhere_before);
  CHECK(*h.meetings->RsvpCount("sk-1") == 2);

  // Talking again starts from the beginning.
  CHECK(h.Say("xin chao", me)[0].text == h.M().Get("welcome"));
}

TEST_CASE("declining the erasure keeps everything") {
  const std::string answer =
      GENERATE(as<std::string>{}, "không", "khong", "ko", "không xóa", "2", "PRIVACY:CANCEL");
  CAPTURE(answer);
  Harness h;
  ImportOneMeeting(h);
  const Who me{"zalo", "me"};
  LeaveTraces(h, me);
  h.Say("xoa thong tin cua toi", me);  // without diacritics
  REQUIRE(h.Flow(me) == "delete");
  auto before = h.Footprint(me);
  const auto replies = answer.rfind("PRIVACY:", 0) == 0 ? h.Tap(answer, me) : h.Say(answer, me);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].text == h.M().Get("privacy_kept"));
  CHECK_FALSE(replies[0].erase_user_data);
  CHECK(h.Flow(me).empty());
  CHECK(h.Footprint(me) == before);
  // A stray confirmation afterwards erases nothing: the question is closed.
  const auto stray = h.Tap("PRIVACY:CONFIRM", me);
  CHECK_FALSE(stray[0].erase_user_data);
  CHECK(h.Footprint(me) == before);
}

TEST_CASE("a question during the erasure confirmation is answered and the confirmation asked again") {
  Harness h;
  h.Say("xóa thông tin của tôi");
  const auto replies = h.Say("mức đóng bhyt hộ gia đình bao nhiêu?");
  REQUIRE(replies.size() == 2);
  CHECK(Contains(replies[0].text, "Căn cứ:"));
  CHECK(replies[1].text == h.M().Get("privacy_confirm"));
  CHECK(h.Flow() == "delete");
  CHECK(h.RowsOf("conversations", Who{}) == 1);
  CHECK(h.LoggedQuestions() == 1);
}

TEST_CASE("the erasure confirmation survives a restart") {
  Harness h;
  h.Say("xóa thông tin của tôi");
  h.Reopen();
  const auto done = h.Say("dong y");
  CHECK(done[0].erase_user_data);
  CHECK_FALSE(h.Stored().has_value());
}

TEST_CASE("EraseUser deletes everything the stores keep about the user, and only that") {
  Harness h;
  ImportOneMeeting(h);
  const Who me{"messenger", "me"};
  const Who other{"messenger", "other"};
  LeaveTraces(h, me);
  LeaveOtherTraces(h, other, "0905123456");
  const auto other_before = h.Footprint(other);
  REQUIRE(h.engine->EraseUser("messenger", "me").ok());
  for (const auto& [table, rows] : h.Footprint(me)) {
    CAPTURE(table);
    CHECK(rows == 0);
  }
  CHECK(h.Footprint(other) == other_before);
  // Erasing someone with nothing stored is fine too.
  CHECK(h.engine->EraseUser("messenger", "nobody").ok());
}

TEST_CASE("a citizen handed to staff can still erase their data") {
  Harness h;
  ImportOneMeeting(h);
  const Who me{"messenger", "me"};
  LeaveTraces(h, me);
  h.Say("gap can bo", me);
  h.Tap("STAFF:CONFIRM:asked", me);
  REQUIRE(h.handovers->OpenFor("messenger", "me")->has_value());
  // Everything else stays unanswered, the erasure request does not.
  CHECK(h.Send(h.Message("alo", "", me)).empty());
  const auto question = h.Say("xóa thông tin của tôi", me);
  CHECK(question[0].text == h.M().Get("privacy_confirm"));
  const auto done = h.Tap("PRIVACY:CONFIRM", me);
  REQUIRE(done.size() == 1);
  CHECK(done[0].erase_user_data);
  for (const auto& [table, rows] : h.Footprint(me)) {
    CAPTURE(table);
    CHECK(rows == 0);
  }
  // The pause went with the request: the bot answers again.
  CHECK(h.Say("xin chao", me)[0].text == h.M().Get("welcome"));
}

TEST_CASE("on Zalo a citizen handed to staff confirms the erasure by typing, and nothing else gets through") {
  Harness h;
  const Who zalo{"zalo", "z-paused"};
  h.Say("gap can bo", zalo);
  h.Tap("STAFF:CONFIRM:asked", zalo);
  REQUIRE(h.handovers->OpenFor("zalo", "z-paused")->has_value());
  CHECK(h.Say("xóa thông tin của tôi", zalo)[0].text == h.M().Get("privacy_confirm"));
  // Zalo has no buttons: the citizen types the choice's number.
  const auto done = h.Say("1", zalo);
  REQUIRE(done.size() == 1);
  CHECK(done[0].erase_user_data);
  CHECK_FALSE(h.handovers->OpenFor("zalo", "z-paused")->has_value());

  // Another paused citizen typing "1" outside the erasure question stays unanswered.
  const Who other{"zalo", "z-other"};
  h.Say("gap can bo", other);
  h.Tap("STAFF:CONFIRM:asked", other);
  CHECK(h.Send(h.Message("1", "", other)).empty());
}

TEST_CASE("a form's button tapped after the form ended says so instead of opening a new form") {
  Harness h;
  for (const char* stale : {"LEAD:CONFIRM", "LEAD:CONSENT_YES", "LEAD:EDIT"}) {
    CAPTURE(stale);
    const auto r = h.Tap(stale);
    REQUIRE(r.size() == 1);
    CHECK(r[0].text == h.M().Get("lead_form_closed"));
    CHECK(h.Flow().empty());
  }
  // The registration itself still opens from its own entry points.
  CHECK(h.Tap("LEAD:START:")[0].text != h.M().Get("lead_form_closed"));
  CHECK(h.Flow() == "lead");
}
