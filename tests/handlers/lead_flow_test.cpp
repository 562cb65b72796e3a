// Whole conversations through the lead form, against the shipped wording
// and communes and a real SQLite lead store in a temporary directory.
#include "handlers/lead_flow.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "base/civil_date.h"
#include "content/communes.h"
#include "content/text_normalizer.h"
#include "storage/database.h"
#include "storage/lead_store.h"
#include "storage/scratch_dir.h"
#include "storage/unix_millis.h"
#include "test_support/shipped_content.h"

namespace bhxh {
namespace {

constexpr const char* kSonHa = "21289";
constexpr const char* kSonHaLower = "21292";  // Sơn Hạ
constexpr const char* kSonKy = "21325";

// The shipped content with content/communes.json, loaded once.
std::shared_ptr<const ContentSnapshot> Content() {
  static const std::shared_ptr<const ContentSnapshot> kSnapshot = [] {
    auto snap = std::make_shared<ContentSnapshot>(*testing::ShippedSnapshot());
    std::vector<ContentProblem> problems;
    std::shared_ptr<const CommuneDirectory> communes =
        CommuneDirectory::Load(std::string(BHXH_TEST_CONTENT_DIR) + "/communes.json", &problems);
    if (!communes) throw std::runtime_error(JoinProblems(problems));
    snap->communes = communes;
    return std::shared_ptr<const ContentSnapshot>(snap);
  }();
  return kSnapshot;
}

const Messages& M() { return *Content()->messages; }

std::vector<std::string> Payloads(const Reply& r) {
  std::vector<std::string> out;
  for (const auto& c : r.choices) out.push_back(c.payload);
  return out;
}

// One citizen talking to the form, as the dialog engine would drive it:
// Start on the opening message, Continue while the flow is open, the
// deferred writes run after each turn. Every reply is checked for a
// missing message key or an unfilled placeholder.
class Chat {
 public:
  explicit Chat(LeadStore* leads, std::string channel = "zalo", std::string user = "u1")
      : flow_(leads), channel_(std::move(channel)), user_(std::move(user)) {}

  std::vector<Reply> Start(const std::string& text, const std::string& meeting_id = "",
                           const std::string& commune = "") {
    Inbound in = Message(text, "");
    TurnContext t = Context(in);
    std::vector<Reply> replies = flow_.Start(t, meeting_id, commune);
    Finish(t, replies);
    return replies;
  }

  FlowOutcome Send(const std::string& text) { return Turn(Message(text, "")); }
  FlowOutcome Tap(const std::string& payload) { return Turn(Message("", payload)); }
  FlowOutcome Turn(const Inbound& in) {
    REQUIRE(state.open());
    TurnContext t = Context(in);
    FlowOutcome out = flow_.Continue(t);
    Finish(t, out.replies);
    if (out.handled) REQUIRE_FALSE(out.replies.empty());
    return out;
  }
  Reply Resume() {
    Inbound in = Message("", "");
    TurnContext t = Context(in);
    Reply r = flow_.Resume(t);
    CheckWording(r);
    return r;
  }
  // The text of the only reply of a handled turn.
  std::string Text(const FlowOutcome& out) {
    REQUIRE(out.handled);
    REQUIRE(out.replies.size() == 1);
    return out.replies[0].text;
  }

  Inbound Message(const std::string& text, const std::string& payload) const {
    Inbound in;
    in.channel = channel_;
    in.user = user_;
    in.text = text;
    in.payload = payload;
    in.at = now;
    return in;
  }

  FlowState state;
  std::chrono::system_clock::time_point now = VietnamInstant(CivilDate{2026, 11, 26}, 9, 0);

 private:
  TurnContext Context(const Inbound& in) {
    return TurnContext{*Content(), in, FoldVietnamese(in.text), now, VietnamDateAt(now), state, {}};
  }
  static void CheckWording(const Reply& r) {
    CAPTURE(r.text);
    CHECK(r.text.find("[lead_") == std::string::npos);
    CHECK(r.text.find("{{") == std::string::npos);
    for (const auto& c : r.choices) {
      CHECK(c.title.find("[lead_") == std::string::npos);
      CHECK_FALSE(c.title.empty());
    }
  }
  void Finish(TurnContext& t, const std::vector<Reply>& replies) {
    for (const auto& r : replies) CheckWording(r);
    for (auto& effect : t.effects) RequireOk(effect());
    now += std::chrono::minutes(1);
  }

  LeadFlow flow_;
  std::string channel_, user_;
};

struct Store {
  ScratchDir dir;
  std::unique_ptr<Database> db = OpenOrFail(dir.File("bot.db"));
  std::unique_ptr<LeadStore> leads = NewSqliteLeadStore(*db);

  std::vector<Lead> ByCommune(const std::string& code) {
    auto r = leads->ByCommune(code);
    RequireOk(r.status());
    return r.value();
  }
  std::vector<Lead> ByUser(const std::string& channel, const std::string& user) {
    auto r = leads->ByUser(channel, user);
    RequireOk(r.status());
    return r.value();
  }
};

// Drives a fresh conversation to `step` with valid answers (no prefill).
void FillTo(Chat& chat, const std::string& step) {
  chat.Start("tôi muốn đăng ký");
  const std::vector<std::pair<std::string, std::string>> answers = {
      {"consent", "LEAD:CONSENT_YES"},    {"interest", "LEAD:INTEREST:bhxh_tu_nguyen"},
      {"full_name", "Đinh Văn Hùng"},     {"birth_year", "1985"},
      {"commune", "LEAD:COMMUNE:21325"},  {"village", "thôn Ba Nhà"},
      {"phone", "0905 123 456"},          {"cccd", "LEAD:SKIP"},
      {"occupation", "LEAD:OCC:farming"}, {"call_time", "LEAD:TIME:morning"},
  };
  for (const auto& [at, answer] : answers) {
    if (chat.state.step == step) return;
    REQUIRE(chat.state.step == at);
    const FlowOutcome out = answer.rfind("LEAD:", 0) == 0 ? chat.Tap(answer) : chat.Send(answer);
    REQUIRE(out.handled);
  }
  REQUIRE(chat.state.step == step);
}

}  // namespace

TEST_CASE("the form opens with the consent notice and stores nothing yet") {
  Chat chat(nullptr);
  const std::vector<Reply> replies = chat.Start("tôi muốn đăng ký");
  REQUIRE(replies.size() == 1);
  const std::string& text = replies[0].text;
  CHECK(text == M().Get("lead_consent", {{"agency", M().Get("lead_agency_generic") + " " +
                                                        M().Get("lead_agency_your_commune")}}));
  // What, why, who, how to delete.
  for (const char* part :
       {"họ tên", "năm sinh", "số điện thoại", "CCCD", "nghề nghiệp", "BHXH cơ sở Sơn Hà",
        "Bưu điện hoặc đại lý thu", "xóa thông tin của tôi"}) {
    CAPTURE(part);
    CHECK(text.find(part) != std::string::npos);
  }
  CHECK(Payloads(replies[0]) == std::vector<std::string>{"LEAD:CONSENT_YES", "LEAD:CONSENT_NO"});
  CHECK(chat.state.name == kLeadFlow);
  CHECK(chat.state.step == "consent");
  CHECK(chat.state.slots.empty());
  CHECK_FALSE(chat.state.numeric_answer);
}

TEST_CASE("a refused consent closes the form and stores nothing") {
  Store store;
  Chat chat(store.leads.get());
  chat.Start("dang ky tham gia");
  const std::string refusal = GENERATE(as<std::string>{}, "LEAD:CONSENT_NO", "không đồng ý",
                                       "khong", "ko", "không ạ", "chưa muốn");
  CAPTURE(refusal);
  const FlowOutcome out = refusal.rfind("LEAD:", 0) == 0 ? chat.Tap(refusal) : chat.Send(refusal);
  CHECK(chat.Text(out) == M().Get("lead_consent_declined", {{"hotline", M().Get("hotline")}}));
  CHECK(Payloads(out.replies[0]) == std::vector<std::string>{"MENU"});
  CHECK_FALSE(chat.state.open());
  CHECK(chat.state.slots.empty());
  CHECK(store.ByUser("zalo", "u1").empty());
}

TEST_CASE("typed consent in the usual ways is accepted and its time and version kept") {
  Chat chat(nullptr);
  chat.Start("tôi muốn đăng ký");
  const std::string yes = GENERATE(as<std::string>{}, "đồng ý", "dong y", "Đồng ý ạ", "ok", "co",
                                   "có", "đ/y", "dạ đồng ý", "vâng", "dạ");
  CAPTURE(yes);
  const auto consent_time = chat.now;
  const FlowOutcome out = chat.Send(yes);
  CHECK(chat.Text(out) == M().Get("lead_ask_interest"));
  CHECK(chat.state.step == "interest");
  CHECK(chat.state.Slot("consent_version") == M().Get("lead_consent_version"));
  CHECK(chat.state.Slot("consent_version") == "2026-11-26");
  CHECK(chat.state.Slot("consent_ms") == std::to_string(ToUnixMillis(consent_time)));
}

TEST_CASE("an unclear answer to the consent asks again, a question goes to the FAQ") {
  Chat chat(nullptr);
  chat.Start("tôi muốn đăng ký");
  CHECK(chat.Text(chat.Send("để sau")) == M().Get("lead_consent_reask"));
  CHECK(chat.Text(chat.Send("tôi")) == M().Get("lead_consent_reask"));
  CHECK(chat.state.step == "consent");

  const FlowOutcome question = chat.Send("thông tin này dùng để làm gì?");
  CHECK_FALSE(question.handled);
  CHECK(question.replies.empty());
  CHECK(chat.state.step == "consent");
  const Reply resumed = chat.Resume();
  CHECK(resumed.text == M().Get("lead_consent_reask") + "\n\n" + M().Get("lead_resume_hint"));
  CHECK(Payloads(resumed) == std::vector<std::string>{"LEAD:CONSENT_YES", "LEAD:CONSENT_NO"});
}

TEST_CASE("nothing shared through the platform is kept before consent") {
  Chat chat(nullptr);
  chat.Start("tôi muốn đăng ký");
  Inbound info = chat.Message("", "USER_INFO");
  info.shared_phone = "84905123456";
  info.shared_name = "Hùng";
  const FlowOutcome out = chat.Turn(info);
  CHECK_FALSE(out.handled);
  CHECK(chat.state.slots.empty());
}

TEST_CASE("a whole registration typed without diacritics is saved") {
  Store store;
  Chat chat(store.leads.get(), "messenger", "psid-1");
  chat.Start("dang ky tham gia");
  const auto consent_time = chat.now;
  CHECK(chat.Text(chat.Send("dong y")) == M().Get("lead_ask_interest"));
  CHECK(chat.Text(chat.Send("bhxh tu nguyen")) == M().Get("lead_ask_name"));
  const FlowOutcome year_q = chat.Send("dinh van hung");
  CHECK(chat.Text(year_q) == M().Get("lead_ask_birth_year"));
  CHECK(chat.state.numeric_answer);
  const FlowOutcome commune_q = chat.Send("1985");
  CHECK(chat.Text(commune_q) == M().Get("lead_ask_commune"));
  CHECK_FALSE(chat.state.numeric_answer);
  CHECK(commune_q.replies[0].choices.size() == 8);
  CHECK(chat.Text(chat.Send("son ky")) == M().Get("lead_ask_village"));
  const FlowOutcome phone_q = chat.Send("lang teng");
  CHECK(chat.Text(phone_q) == M().Get("lead_ask_phone"));
  CHECK(phone_q.replies[0].request_contact);
  REQUIRE(phone_q.replies[0].choices.size() == 1);
  CHECK(phone_q.replies[0].choices[0].kind == ChoiceKind::kSharePhone);
  const FlowOutcome cccd_q = chat.Send("0905.123.456");
  CHECK(chat.Text(cccd_q) == M().Get("lead_ask_cccd"));
  CHECK(cccd_q.replies[0].text.find("tránh cấp trùng mã số") != std::string::npos);
  CHECK(Payloads(cccd_q.replies[0]) == std::vector<std::string>{"LEAD:SKIP"});
  CHECK(chat.Text(chat.Send("051 085 000 123")) == M().Get("lead_ask_occupation"));
  CHECK(chat.Text(chat.Send("lam nong")) == M().Get("lead_ask_call_time"));
  const FlowOutcome summary = chat.Send("buoi sang");
  CHECK(chat.state.step == "summary");
  const std::string fields =
      "1. Nhu cầu: BHXH tự nguyện\n2. Họ tên: Dinh Van Hung\n3. Năm sinh: 1985\n"
      "4. Xã: Sơn Kỳ\n5. Thôn/làng: lang teng\n6. Số điện thoại: 0905 123 456\n"
      "7. Số CCCD: 051085000123\n8. Nghề nghiệp: Làm nông\n9. Giờ gọi: Buổi sáng";
  CHECK(chat.Text(summary) == M().Get("lead_summary", {{"fields", fields}}));
  CHECK(Payloads(summary.replies[0]) ==
        std::vector<std::string>{"LEAD:CONFIRM", "LEAD:EDIT", "LEAD:CANCEL"});

  const auto confirm_time = chat.now;
  const FlowOutcome done = chat.Send("xac nhan");
  const std::string agency = M().Get("lead_agency_generic") + " Sơn Kỳ";
  CHECK(chat.Text(done) ==
        M().Get("lead_saved_new") + "\n\n" +
            M().Get("lead_next_steps",
                    {{"agency", agency}, {"phone", "0905 123 456"}, {"call_time", "Buổi sáng"}}));
  CHECK(done.replies[0].text.find("xóa thông tin của tôi") != std::string::npos);
  CHECK_FALSE(chat.state.open());

  const std::vector<Lead> leads = store.ByUser("messenger", "psid-1");
  REQUIRE(leads.size() == 1);
  const Lead& lead = leads[0];
  CHECK(lead.interest == "bhxh_tu_nguyen");
  CHECK(lead.full_name == "Dinh Van Hung");
  CHECK(lead.birth_year == 1985);
  CHECK(lead.commune_code == kSonKy);
  CHECK(lead.village == "lang teng");
  CHECK(lead.phone == "0905123456");
  CHECK(lead.cccd == "051085000123");
  CHECK(lead.occupation == "Làm nông");
  CHECK(lead.call_time == "Buổi sáng");
  CHECK(lead.meeting_id == "");
  CHECK(lead.status == "new");
  CHECK(lead.consent_version == "2026-11-26");
  CHECK(ToUnixMillis(lead.consent_at) == ToUnixMillis(consent_time));
  CHECK(ToUnixMillis(lead.consent_at) != ToUnixMillis(confirm_time));
}

TEST_CASE("typed numbers pick the numbered choices of the question") {
  Store store;
  Chat chat(store.leads.get());
  chat.Start("muốn đăng ký");
  chat.Send("1");  // Đồng ý
  REQUIRE(chat.state.step == "interest");
  chat.Send("2");  // BHYT hộ gia đình
  CHECK(chat.state.Slot("interest") == "bhyt_hgd");
  chat.Send("Phạm Thị Lan");
  chat.Send("1990");  // a year here, not a choice
  CHECK(chat.state.Slot("birth_year") == "1990");
  chat.Send("5");  // the 5th commune in communes.json: Sơn Kỳ
  CHECK(chat.state.Slot("commune") == kSonKy);
  chat.Send("1");  // Không rõ
  CHECK(chat.state.Slot("village") == "");
  CHECK(chat.state.slots.count("village") == 1);
}

TEST_CASE("every wrong answer is asked again naming the problem") {
  auto [step, typed, key] = GENERATE(table<std::string, std::string, std::string>({
      {"interest", "xe máy", "lead_bad_interest"},
      {"full_name", "Hùng", "lead_bad_name_too_short"},
      {"full_name", "Đinh Văn Hùng 85", "lead_bad_name_digits"},
      {"full_name", "Đinh @ Hùng", "lead_bad_name_characters"},
      {"full_name", "một hai ba bốn năm sáu bảy tám", "lead_bad_name_too_long"},
      {"full_name", "không muốn cho tên", "lead_bad_name_not_a_name"},
      {"birth_year", "85", "lead_bad_year_two_digits"},
      {"birth_year", "45 tuổi", "lead_bad_year_age"},
      {"birth_year", "2030", "lead_bad_year_future"},
      {"birth_year", "2015", "lead_bad_year_too_young"},
      {"birth_year", "1900", "lead_bad_year_too_old"},
      {"birth_year", "không nhớ rõ", "lead_bad_year_format"},
      {"commune", "Sơn Tịnh", "lead_commune_unknown"},
      {"village", std::string(101, 'x'), "lead_bad_text_too_long"},
      {"phone", "không có", "lead_bad_phone_missing"},
      {"phone", "09o5 123 456", "lead_bad_phone_characters"},
      {"phone", "0255 3822 123", "lead_bad_phone_landline"},
      {"phone", "0905 123 45", "lead_bad_phone_length"},
      {"phone", "0605 123 456", "lead_bad_phone_prefix"},
      {"cccd", "212345678", "lead_bad_cccd_old_id"},
      {"cccd", "0510 8500 012", "lead_bad_cccd_length"},
      {"cccd", "05108500O123", "lead_bad_cccd_characters"},
      {"occupation", std::string(101, 'x'), "lead_bad_text_too_long"},
      {"call_time", std::string(101, 'x'), "lead_bad_text_too_long"},
      {"summary", "để xem đã", "lead_summary_reask"},
  }));
  CAPTURE(step, typed);
  Chat chat(nullptr);
  FillTo(chat, step);
  const FlowState before = chat.state;
  const FlowOutcome out = chat.Send(typed);
  const std::map<std::string, std::string> params = {{"year", typed.substr(0, 4)},
                                                     {"min_age", "15"},
                                                     {"max_age", "100"},
                                                     {"count", "11"},
                                                     {"hotline", M().Get("hotline")}};
  CHECK(chat.Text(out) == M().Get(key, params));
  CHECK(chat.state.step == step);
  CHECK(chat.state.slots == before.slots);
  // The re-ask keeps the question's buttons.
  CHECK(Payloads(out.replies[0]) == Payloads(chat.Resume()));
}

TEST_CASE("the phone re-ask gives the expected example") {
  Chat chat(nullptr);
  FillTo(chat, "phone");
  CHECK(chat.Text(chat.Send("12345"))
            .find("số điện thoại cần 10 chữ số, bắt đầu bằng 0, ví dụ 0905 123 456") !=
        std::string::npos);
}

TEST_CASE("a commune name without tones that fits two communes is asked as a choice") {
  Chat chat(nullptr);
  FillTo(chat, "commune");
  const FlowOutcome out = chat.Send("son ha");
  CHECK(chat.Text(out) == M().Get("lead_commune_ambiguous", {{"matched", "son ha"}}));
  CHECK(Payloads(out.replies[0]) ==
        std::vector<std::string>{std::string("LEAD:COMMUNE:") + kSonHa,
                                 std::string("LEAD:COMMUNE:") + kSonHaLower});
  CHECK(out.replies[0].choices[1].title == "Xã Sơn Hạ");
  CHECK(chat.state.step == "commune");
  // Resume offers the same two.
  CHECK(Payloads(chat.Resume()) == Payloads(out.replies[0]));

  SECTION("tapped") {
    chat.Tap(std::string("LEAD:COMMUNE:") + kSonHaLower);
    CHECK(chat.state.Slot("commune") == kSonHaLower);
  }
  SECTION("typed number of the offered list") {
    chat.Send("2");
    CHECK(chat.state.Slot("commune") == kSonHaLower);
  }
  SECTION("typed with tones") {
    chat.Send("xã Sơn Hà");
    CHECK(chat.state.Slot("commune") == kSonHa);
  }
  CHECK(chat.state.step == "village");
  CHECK(chat.state.slots.count("offered") == 0);
}

TEST_CASE("a former district name offers its communes") {
  Chat chat(nullptr);
  FillTo(chat, "commune");
  const FlowOutcome out = chat.Send("huyện Sơn Tây");
  CHECK(out.replies.at(0).choices.size() == 3);
  CHECK(chat.state.step == "commune");
}

TEST_CASE("an old commune name is mapped to the new commune and the citizen told") {
  auto [typed, code, old_name, new_name] =
      GENERATE(table<std::string, std::string, std::string, std::string>({
          {"xã Sơn Ba", kSonKy, "Sơn Ba", "Sơn Kỳ"},
          {"son ba", kSonKy, "Sơn Ba", "Sơn Kỳ"},
          {"di lang", kSonHa, "Di Lăng", "Sơn Hà"},
          {"thị trấn Di Lăng", kSonHa, "Di Lăng", "Sơn Hà"},
      }));
  CAPTURE(typed);
  Chat chat(nullptr);
  FillTo(chat, "commune");
  const FlowOutcome out = chat.Send(typed);
  CHECK(chat.state.Slot("commune") == code);
  CHECK(chat.Text(out) == M().Get("lead_commune_renamed", {{"old", old_name}, {"new", new_name}}) +
                              "\n\n" + M().Get("lead_ask_village"));
  if (old_name == "Sơn Ba") {
    CHECK(out.replies[0].text.find("Sơn Ba nay là xã Sơn Kỳ") != std::string::npos);
  }
}

TEST_CASE("a new commune name is taken without a note") {
  Chat chat(nullptr);
  FillTo(chat, "commune");
  CHECK(chat.Text(chat.Send("Sơn Kỳ")) == M().Get("lead_ask_village"));
  CHECK(chat.state.Slot("commune") == kSonKy);
}

TEST_CASE("a field is edited from the summary and the summary shown again") {
  Store store;
  Chat chat(store.leads.get());
  FillTo(chat, "summary");

  SECTION("by the Sửa button and a typed field number") {
    const FlowOutcome edit = chat.Tap("LEAD:EDIT");
    CHECK(chat.Text(edit) == M().Get("lead_ask_edit"));
    REQUIRE(edit.replies[0].choices.size() == 9);
    CHECK(edit.replies[0].choices[5].payload == "LEAD:EDIT:phone");
    CHECK(edit.replies[0].choices[5].title == "6. Số điện thoại");
    CHECK(chat.Text(chat.Send("6")) == M().Get("lead_ask_phone"));
  }
  SECTION("by the field's button") {
    chat.Tap("LEAD:EDIT");
    chat.Tap("LEAD:EDIT:phone");
  }
  SECTION("typed in one go") { CHECK(chat.Text(chat.Send("sửa 6")) == M().Get("lead_ask_phone")); }
  SECTION("by the field's name") {
    chat.Send("sua");
    CHECK(chat.Text(chat.Send("số điện thoại")) == M().Get("lead_ask_phone"));
  }
  CHECK(chat.state.step == "phone");
  // A wrong answer during an edit is asked again like any other.
  chat.Send("0905");
  CHECK(chat.state.step == "phone");
  const FlowOutcome back = chat.Send("0366 555 777");
  CHECK(chat.state.step == "summary");
  CHECK(chat.Text(back).find("6. Số điện thoại: 0366 555 777") != std::string::npos);
  CHECK(chat.Text(back).find("2. Họ tên: Đinh Văn Hùng") != std::string::npos);
  chat.Tap("LEAD:CONFIRM");
  const auto leads = store.ByUser("zalo", "u1");
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].phone == "0366555777");
}

TEST_CASE("an unclear field choice at the edit question is asked again") {
  Chat chat(nullptr);
  FillTo(chat, "summary");
  chat.Tap("LEAD:EDIT");
  CHECK(chat.Text(chat.Send("cái kia")) == M().Get("lead_bad_edit"));
  CHECK(chat.state.step == "edit");
  CHECK(chat.Text(chat.Send("12")) == M().Get("lead_bad_edit"));
}

TEST_CASE("editing the commune goes through the commune question again") {
  Chat chat(nullptr);
  FillTo(chat, "summary");
  chat.Tap("LEAD:EDIT:commune");
  const FlowOutcome out = chat.Send("son ba");
  CHECK(chat.state.step == "summary");
  CHECK(chat.state.Slot("commune") == kSonKy);
  CHECK(chat.Text(out).rfind(
            M().Get("lead_commune_renamed", {{"old", "Sơn Ba"}, {"new", "Sơn Kỳ"}}), 0) == 0);
}

TEST_CASE("the CCCD may be skipped") {
  Store store;
  Chat chat(store.leads.get());
  FillTo(chat, "cccd");
  const std::string skip =
      GENERATE(as<std::string>{}, "LEAD:SKIP", "bỏ qua", "bo qua", "không có", "ko");
  CAPTURE(skip);
  const FlowOutcome out = skip.rfind("LEAD:", 0) == 0 ? chat.Tap(skip) : chat.Send(skip);
  CHECK(chat.Text(out) == M().Get("lead_ask_occupation"));
  CHECK(chat.state.Slot("cccd") == "");
  chat.Tap("LEAD:OCC:trade");
  const FlowOutcome summary = chat.Tap("LEAD:TIME:any");
  CHECK(chat.Text(summary).find("7. Số CCCD: " + M().Get("lead_value_no_cccd")) !=
        std::string::npos);
  chat.Tap("LEAD:CONFIRM");
  const auto leads = store.ByUser("zalo", "u1");
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].cccd == "");
  CHECK(leads[0].occupation == "Buôn bán");
  CHECK(leads[0].call_time == "Lúc nào cũng được");
}

TEST_CASE("Khác asks the occupation in words") {
  Chat chat(nullptr);
  FillTo(chat, "occupation");
  const FlowOutcome other = chat.Tap("LEAD:OCC:other");
  CHECK(chat.Text(other) == M().Get("lead_ask_occupation_other"));
  CHECK(chat.state.step == "occupation");
  chat.Send("trồng keo");
  CHECK(chat.state.Slot("occupation") == "trồng keo");
  CHECK(chat.state.step == "call_time");
  chat.Send("sau 17 giờ");
  CHECK(chat.state.Slot("call_time") == "sau 17 giờ");
}

TEST_CASE("the phone shared through Zalo's form is taken") {
  Chat chat(nullptr);
  SECTION("at the phone question") {
    FillTo(chat, "phone");
    Inbound info = chat.Message("", "USER_INFO");
    info.shared_phone = "84905123456";
    CHECK(chat.Text(chat.Turn(info)) == M().Get("lead_ask_cccd"));
    CHECK(chat.state.Slot("phone") == "0905123456");
  }
  SECTION("before the phone question, which is then skipped") {
    FillTo(chat, "village");
    Inbound info = chat.Message("", "USER_INFO");
    info.shared_phone = "+84 366 555 777";
    const FlowOutcome out = chat.Turn(info);
    CHECK(chat.Text(out) == M().Get("lead_phone_received", {{"phone", "0366 555 777"}}) + "\n\n" +
                                M().Get("lead_ask_village"));
    CHECK(chat.state.step == "village");
    CHECK(chat.Text(chat.Send("thôn Gò Da")) == M().Get("lead_ask_cccd"));
    CHECK(chat.state.Slot("phone") == "0366555777");
  }
}

TEST_CASE("a landline shared through Zalo's form at the phone question is asked again") {
  Chat chat(nullptr);
  FillTo(chat, "phone");
  Inbound info = chat.Message("", "USER_INFO");
  info.shared_phone = "02553822123";
  CHECK(chat.Text(chat.Turn(info)) == M().Get("lead_bad_phone_landline"));
  CHECK(chat.state.step == "phone");
  CHECK(chat.state.slots.count("phone") == 0);
}

TEST_CASE("the phone from Messenger's quick reply arrives as the payload") {
  Chat chat(nullptr, "messenger", "psid-9");
  FillTo(chat, "phone");
  Inbound in = chat.Message("+84905123456", "+84905123456");
  CHECK(chat.Text(chat.Turn(in)) == M().Get("lead_ask_cccd"));
  CHECK(chat.state.Slot("phone") == "0905123456");
}

TEST_CASE("a second registration with the same phone and commune updates the lead") {
  Store store;
  {
    Chat first(store.leads.get());
    FillTo(first, "summary");
    CHECK(first.Text(first.Tap("LEAD:CONFIRM")).rfind(M().Get("lead_saved_new"), 0) == 0);
  }
  Chat second(store.leads.get());
  second.Start("muốn đăng ký bhyt hộ gia đình");
  second.Tap("LEAD:CONSENT_YES");
  CHECK(second.state.step == "full_name");  // interest prefilled from the message
  second.Send("Đinh Văn Hùng Anh");
  second.Send("1986");
  second.Send("Sơn Kỳ");
  second.Send("không rõ");
  second.Send("0905123456");
  second.Send("bỏ qua");
  second.Send("nội trợ");
  second.Send("buổi tối");
  REQUIRE(second.state.step == "summary");
  const FlowOutcome done = second.Send("đúng rồi");
  CHECK(second.Text(done).rfind(M().Get("lead_saved_updated"), 0) == 0);

  const auto leads = store.ByCommune(kSonKy);
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].full_name == "Đinh Văn Hùng Anh");
  CHECK(leads[0].birth_year == 1986);
  CHECK(leads[0].interest == "bhyt_hgd");
  CHECK(leads[0].village == "");
  CHECK(leads[0].occupation == "Nội trợ");
}

TEST_CASE("the same phone in another commune is another lead") {
  Store store;
  Chat first(store.leads.get());
  FillTo(first, "summary");
  first.Tap("LEAD:CONFIRM");
  Chat second(store.leads.get());
  FillTo(second, "summary");
  second.Tap("LEAD:EDIT:commune");
  second.Tap(std::string("LEAD:COMMUNE:") + kSonHa);
  CHECK(second.Text(second.Tap("LEAD:CONFIRM")).rfind(M().Get("lead_saved_new"), 0) == 0);
  CHECK(store.ByCommune(kSonKy).size() == 1);
  CHECK(store.ByCommune(kSonHa).size() == 1);
}

TEST_CASE("an unrelated question is left to the FAQ and the question repeated") {
  auto [step, question] = GENERATE(table<std::string, std::string>({
      {"interest", "bhxh tự nguyện là gì?"},
      {"full_name", "bhxh tự nguyện là gì?"},
      {"full_name", "sao phai cho ten"},
      {"birth_year", "mức đóng thấp nhất bao nhiêu"},
      {"commune", "đóng tiền ở đâu"},
      {"village", "để làm gì vậy?"},
      {"phone", "sao phải cho số điện thoại?"},
      {"cccd", "cccd để làm gì"},
      {"occupation", "làm nông có được hỗ trợ không"},
      {"call_time", "bao giờ được nhận thẻ"},
      {"summary", "đóng 1 lần cho 5 năm được không?"},
      {"edit", "mức đóng bao nhiêu"},
  }));
  CAPTURE(step, question);
  Chat chat(nullptr);
  FillTo(chat, step == "edit" ? "summary" : step);
  if (step == "edit") chat.Tap("LEAD:EDIT");
  const FlowState before = chat.state;
  const FlowOutcome out = chat.Send(question);
  CHECK_FALSE(out.handled);
  CHECK(out.replies.empty());
  CHECK(chat.state.step == before.step);
  CHECK(chat.state.slots == before.slots);
  const Reply resumed = chat.Resume();
  CHECK(resumed.text.size() > M().Get("lead_resume_hint").size());
  CHECK(resumed.text.substr(resumed.text.size() - M().Get("lead_resume_hint").size()) ==
        M().Get("lead_resume_hint"));
}

TEST_CASE("a button of another menu is left to the engine") {
  Chat chat(nullptr);
  FillTo(chat, "full_name");
  CHECK_FALSE(chat.Tap("FAQ:bhxh-tn-muc-dong").handled);
  CHECK(chat.state.step == "full_name");
}

TEST_CASE("an old button of an earlier question repeats the current question") {
  Chat chat(nullptr);
  FillTo(chat, "full_name");
  CHECK(chat.Text(chat.Tap("LEAD:CONSENT_YES")) == M().Get("lead_ask_name"));
  CHECK(chat.Text(chat.Tap("LEAD:COMMUNE:21325")) == M().Get("lead_ask_name"));
  CHECK(chat.state.step == "full_name");
}

TEST_CASE("Resume repeats the current question with the cancel hint") {
  Chat chat(nullptr);
  FillTo(chat, "phone");
  const Reply r = chat.Resume();
  CHECK(r.text == M().Get("lead_ask_phone") + "\n\n" + M().Get("lead_resume_hint"));
  CHECK(r.request_contact);
}

TEST_CASE("Hủy from the summary closes the form without saving") {
  Store store;
  Chat chat(store.leads.get());
  FillTo(chat, "summary");
  const FlowOutcome out = chat.Tap("LEAD:CANCEL");
  CHECK(chat.Text(out) == M().Get("lead_cancelled"));
  CHECK_FALSE(chat.state.open());
  CHECK(store.ByUser("zalo", "u1").empty());
}

TEST_CASE("a form opened from a meeting in a known commune skips the commune") {
  Store store;
  Chat chat(store.leads.get());
  const std::vector<Reply> opening = chat.Start("đăng ký tư vấn", "mtg-2026-12-05", kSonKy);
  CHECK(opening[0].text.find("phụ trách xã Sơn Kỳ") != std::string::npos);
  chat.Tap("LEAD:CONSENT_YES");
  chat.Tap("LEAD:INTEREST:ca_hai");
  chat.Send("Đinh Thị Mai");
  CHECK(chat.Text(chat.Send("1992")) == M().Get("lead_ask_village"));
  chat.Send("Làng Rí");
  chat.Send("0977 000 111");
  chat.Tap("LEAD:SKIP");
  chat.Tap("LEAD:OCC:hired");
  chat.Tap("LEAD:TIME:evening");
  chat.Tap("LEAD:CONFIRM");
  const auto leads = store.ByUser("zalo", "u1");
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].meeting_id == "mtg-2026-12-05");
  CHECK(leads[0].commune_code == kSonKy);
  CHECK(leads[0].interest == "ca_hai");
}

TEST_CASE("an unknown commune code at the start is ignored") {
  Chat chat(nullptr);
  chat.Start("đăng ký", "", "99999");
  CHECK(chat.state.slots.count("commune") == 0);
}

TEST_CASE("the form lives only in the flow state and continues after a restart") {
  Store store;
  FlowState saved;
  {
    Chat before(store.leads.get());
    FillTo(before, "occupation");
    saved = before.state;
  }
  Chat after(store.leads.get());  // a new LeadFlow, as after a restart
  after.state = saved;
  after.Tap("LEAD:OCC:home");
  after.Tap("LEAD:TIME:noon");
  after.Tap("LEAD:CONFIRM");
  CHECK(store.ByUser("zalo", "u1").size() == 1);
}

TEST_CASE("a state without consent is taken back to the consent") {
  Chat chat(nullptr);
  chat.Start("đăng ký");
  chat.state.step = "phone";  // e.g. tampered or written by another version
  const FlowOutcome out = chat.Send("0905123456");
  CHECK(chat.Text(out) == M().Get("lead_consent_reask"));
  CHECK(chat.state.step == "consent");
  CHECK(chat.state.slots.count("phone") == 0);
}

TEST_CASE("without a database the form still completes") {
  Chat chat(nullptr);
  FillTo(chat, "summary");
  const FlowOutcome done = chat.Tap("LEAD:CONFIRM");
  CHECK(chat.Text(done).rfind(M().Get("lead_saved_new"), 0) == 0);
  CHECK_FALSE(chat.state.open());
}

TEST_CASE("registration requests are detected, questions about registering are not") {
  auto [text, expected] = GENERATE(table<std::string, bool>({
      {"tôi muốn đăng ký", true},
      {"toi muon dang ky", true},
      {"dang ky tham gia", true},
      {"đăng ký tham gia bhyt hộ gia đình", true},
      {"muốn tham gia bhxh tự nguyện", true},
      {"cần tư vấn", true},
      {"can tu van bhyt", true},
      {"gọi lại cho tôi", true},
      {"đăng ký tư vấn", true},
      {"em muốn dk bhxh tự nguyện", true},
      {"đăng ký bhyt hộ gia đình", true},
      {"muốn mua bhyt hộ gia đình", true},
      {"đăng ký bhxh tự nguyện ở đâu", false},
      {"đăng ký như thế nào", false},
      {"đăng ký cần giấy tờ gì", false},
      {"cần giấy tờ gì", false},
      {"đăng ký online được không", false},
      {"dang ky o dau", false},
      {"thủ tục đăng ký bhyt hộ gia đình", false},
      {"tôi không muốn đăng ký", false},
      {"muốn tham gia hội nghị", false},
      {"muốn mua bảo hiểm xe máy", false},
      {"mức đóng bhxh tự nguyện", false},
      {"hủy đăng ký", false},
      {"xin chào", false},
  }));
  CAPTURE(text);
  CHECK(LeadFlow::Detect(FoldVietnamese(text)) == expected);
}

TEST_CASE("every message key of the form is in the shipped wording") {
  const auto& keys = LeadFlow::MessageKeys();
  CHECK(keys.size() > 80);
  for (const auto& key : keys) {
    CAPTURE(key);
    CHECK(M().Has(key));
    CHECK((key.rfind("lead_", 0) == 0 || key == "menu_back" || key == "hotline"));
  }
  // Choice titles fit Messenger's 20-character quick replies.
  for (const auto& key : keys) {
    if (key.rfind("lead_choice_", 0) == 0 && key != "lead_choice_share_phone") {
      CAPTURE(key);
      CHECK(NfcLength(M().Get(key, {{"name", "Sơn Tây Thượng"}})) <= 20);
    }
  }
}

}  // namespace bhxh
