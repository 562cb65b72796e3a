// Transcripts of the meeting schedule through the dialog engine: asking the
// commune once and remembering it, never guessing an ambiguous name, old
// commune names, the list's wording, "I will attend" and reminder opt-in,
// with every store on one real SQLite file and a FakeClock.
#include "handlers/meeting_flow.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "base/civil_date.h"
#include "content/text_normalizer.h"
#include "handlers/dialog_engine.h"
#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/handover_queue.h"
#include "storage/lead_store.h"
#include "storage/meeting_store.h"
#include "storage/question_log.h"
#include "storage/unit_of_work.h"
#include "storage/unix_millis.h"
#include "test_support/dialog_harness.h"

using namespace bhxh;
using namespace std::chrono;

namespace {

// 2026-11-26 10:00 Vietnam time, a Thursday.
const system_clock::time_point kNow = VietnamInstant(CivilDate{2026, 11, 26}, 10, 0);

constexpr const char* kSonHa = "21289";
constexpr const char* kSonHaLower = "21292";  // Sơn Hạ
constexpr const char* kSonKy = "21325";
constexpr const char* kSonTay = "21340";

// The eight communes in communes.json order.
const std::vector<std::string> kCommuneCodes = {"21289", "21292", "21307", "21319",
                                                "21325", "21340", "21334", "21343"};

using testing::Contains;
using testing::HasPayload;
using testing::Payloads;
using testing::Who;

Meeting MakeMeeting(const std::string& id, const std::string& commune, MeetingKind kind,
                    const std::string& title, const CivilDate& day, int hour, int minute,
                    const std::string& venue, MeetingStatus status = MeetingStatus::kPlanned) {
  Meeting m;
  m.id = id;
  m.commune_code = commune;
  m.kind = kind;
  m.title = title;
  m.start = VietnamInstant(day, hour, minute);
  m.venue = venue;
  m.status = status;
  return m;
}

// Sơn Kỳ has a past meeting, three upcoming ones (one moved, one
// cancelled) and a fourth beyond what a list shows; Sơn Hà and Sơn Hạ one
// each (Sơn Hà's from the sample schedule); Sơn Tây none.
std::vector<Meeting> Schedule() {
  Meeting sample = MakeMeeting("sh-1", kSonHa, MeetingKind::kPropaganda,
                               "Tuyên truyền, đối thoại chính sách BHXH, BHYT", {2026, 12, 1}, 14,
                               0, "Hội trường UBND xã Sơn Hà");
  sample.sample = true;
  return {
      MakeMeeting("sk-past", kSonKy, MeetingKind::kCustomer, "Buổi đã qua", {2026, 11, 20}, 8, 0,
                  "Hội trường UBND xã Sơn Kỳ"),
      MakeMeeting("sk-1", kSonKy, MeetingKind::kCustomer, "Hội nghị khách hàng BHXH tự nguyện",
                  {2026, 12, 5}, 8, 0, "Hội trường UBND xã Sơn Kỳ"),
      MakeMeeting("sk-2", kSonKy, MeetingKind::kSmallGroup, "", {2026, 12, 10}, 19, 0,
                  "Nhà văn hóa thôn 4, xã Sơn Kỳ", MeetingStatus::kMoved),
      MakeMeeting("sk-3", kSonKy, MeetingKind::kPropaganda, "Tuyên truyền chính sách BHYT",
                  {2026, 12, 12}, 8, 0, "Hội trường UBND xã Sơn Kỳ", MeetingStatus::kCancelled),
      MakeMeeting("sk-4", kSonKy, MeetingKind::kCustomer, "Hội nghị khách hàng BHYT",
                  {2026, 12, 20}, 8, 0, "Hội trường UBND xã Sơn Kỳ"),
      sample,
      MakeMeeting("shl-1", kSonHaLower, MeetingKind::kCustomer, "Hội nghị khách hàng BHXH tự nguyện",
                  {2026, 12, 2}, 8, 0, "Hội trường UBND xã Sơn Hạ"),
  };
}

struct Harness : testing::DialogHarness {
  Harness() : DialogHarness(kNow) { ReplaceSchedule(Schedule()); }

  // Every turn is answered, and no reply shows a placeholder or a message key.
  std::vector<Reply> Send(const std::string& text, const std::string& payload, const Who& who) {
    auto replies = Answered(Message(text, payload, who));
    for (const Reply& reply : replies) {
      CAPTURE(reply.text);
      CHECK(reply.text.find("{{") == std::string::npos);
      CHECK(reply.text.find("[meet_") == std::string::npos);
    }
    return replies;
  }
  std::vector<Reply> Say(const std::string& text, const Who& who = {}) { return Send(text, "", who); }
  std::vector<Reply> Tap(const std::string& payload, const Who& who = {}) {
    return Send("", payload, who);
  }

  size_t Rsvps(const std::string& meeting) {
    auto r = meetings->RsvpCount(meeting);
    REQUIRE(r.ok());
    return *r;
  }
  std::vector<std::string> Subscriptions(const Who& who) {
    auto r = meetings->Subscriptions(who.channel, who.user);
    REQUIRE(r.ok());
    return *r;
  }
};

std::vector<std::string> CommunePayloads(const std::vector<std::string>& codes) {
  std::vector<std::string> out;
  for (const auto& code : codes) out.push_back("MEET:COMMUNE:" + code);
  return out;
}

// What the list of Sơn Kỳ says: three upcoming meetings, the moved and the
// cancelled one marked, the past one and the fourth not shown.
std::string SonKyList(const Messages& m) {
  const std::string venue = "Hội trường UBND xã Sơn Kỳ";
  return m.Get("meet_list_header", {{"commune", "Sơn Kỳ"}}) + "\n\n" +
         m.Get("meet_item", {{"n", "1"},
                             {"title", "Hội nghị khách hàng BHXH tự nguyện"},
                             {"status", ""},
                             {"when", "Thứ Bảy, 05/12/2026, 8 giờ 00"},
                             {"venue", venue}}) +
         "\n\n" +
         m.Get("meet_item", {{"n", "2"},
                             {"title", "Họp nhóm nhỏ"},
                             {"status", " (ĐÃ DỜI LỊCH)"},
                             {"when", "Thứ Năm, 10/12/2026, 19 giờ 00"},
                             {"venue", "Nhà văn hóa thôn 4, xã Sơn Kỳ"}}) +
         "\n\n" +
         m.Get("meet_item", {{"n", "3"},
                             {"title", "Tuyên truyền chính sách BHYT"},
                             {"status", " (ĐÃ HỦY)"},
                             {"when", "Thứ Bảy, 12/12/2026, 8 giờ 00"},
                             {"venue", venue}});
}

// On the web chat: no "Nhắc tôi" (the bot cannot message a browser first).
const std::vector<std::string> kSonKyChoices = {"MEET:ATTEND:sk-1", "MEET:ATTEND:sk-2",
                                                "LEAD:START:sk-1", "MEET:OTHER", "MENU"};

}  // namespace

TEST_CASE("the schedule asks for the commune once and remembers it") {
  Harness h;
  const auto ask = h.Say("lịch hội nghị");
  REQUIRE(ask.size() == 1);
  CHECK(ask[0].text == h.M().Get("meet_ask_commune"));
  std::vector<std::string> expected = CommunePayloads(kCommuneCodes);
  expected.push_back("MENU");
  CHECK(Payloads(ask[0]) == expected);
  CHECK(ask[0].choices[4].title == "Sơn Kỳ");
  CHECK(h.Flow() == "meetings");
  CHECK(h.StateValue("commune").empty());

  auto [answer, is_payload] = GENERATE(table<std::string, bool>({
      {"Sơn Kỳ", false},
      {"son ky", false},
      {"xã Sơn Kỳ", false},
      {"SON KY", false},
      {"5", false},  // the 5th choice offered
      {"MEET:COMMUNE:21325", true},
  }));
  CAPTURE(answer);
  const auto list = is_payload ? h.Tap(answer) : h.Say(answer);
  REQUIRE(list.size() == 1);
  CHECK(list[0].text == SonKyList(h.M()));
  CHECK(Payloads(list[0]) == kSonKyChoices);
  CHECK(h.Flow().empty());
  CHECK(h.StateValue("commune") == kSonKy);
  CHECK(h.StateValue("last_meeting") == "sk-1");

  // Asked again later, in other words, even after a restart: no question.
  for (const char* again : {"tháng này có họp không", "lich hop", "khi nào họp?"}) {
    CAPTURE(again);
    const auto direct = h.Say(again);
    REQUIRE(direct.size() == 1);
    CHECK(direct[0].text == SonKyList(h.M()));
    h.Reopen();
  }
  CHECK(h.Tap("MENU_MEETINGS")[0].text == SonKyList(h.M()));
}

TEST_CASE("the list writes dates the Vietnamese way and marks moved and cancelled meetings") {
  Harness h;
  const auto list = h.Say("lich hop son ky");
  const std::string& text = list[0].text;
  CAPTURE(text);
  // Pinned literally, independent of the wording file.
  CHECK(Contains(text,
                 "1) Hội nghị khách hàng BHXH tự nguyện\n- Thời gian: Thứ Bảy, 05/12/2026, 8 giờ 00\n"
                 "- Địa điểm: Hội trường UBND xã Sơn Kỳ"));
  CHECK(Contains(text, "2) Họp nhóm nhỏ (ĐÃ DỜI LỊCH)\n- Thời gian: Thứ Năm, 10/12/2026, 19 giờ 00"));
  CHECK(Contains(text, "3) Tuyên truyền chính sách BHYT (ĐÃ HỦY)"));
  CHECK_FALSE(Contains(text, "Buổi đã qua"));
  CHECK_FALSE(Contains(text, "Hội nghị khách hàng BHYT\n"));  // the fourth is not listed
  CHECK_FALSE(Contains(text, h.M().Get("meet_sample_note")));
  // A cancelled meeting has no "Dự họp" button.
  REQUIRE(list[0].choices.size() == kSonKyChoices.size());
  CHECK(list[0].choices[0].title == "Dự họp 05/12");
  CHECK(list[0].choices[1].title == "Dự họp 10/12");

  // The sample schedule says so.
  const auto sample = h.Say("lịch họp xã Sơn Hà");
  CHECK(Contains(sample[0].text, h.M().Get("meet_sample_note")));
  CHECK(Contains(sample[0].text, "Thứ Ba, 01/12/2026, 14 giờ 00"));
}

TEST_CASE("a question naming the commune is answered at once") {
  const std::string text =
      GENERATE(as<std::string>{}, "hội nghị ở Sơn Kỳ khi nào", "hoi nghi o son ky khi nao",
               "Sơn Kỳ khi nào họp?", "lich hop son ky");
  CAPTURE(text);
  Harness h;
  const auto list = h.Say(text);
  REQUIRE(list.size() == 1);
  CHECK(list[0].text == SonKyList(h.M()));
  CHECK(h.StateValue("commune") == kSonKy);
  CHECK(h.Flow().empty());
}

TEST_CASE("a commune without any upcoming meeting says so and offers a reminder where it can") {
  Harness h;
  // Zalo can message the citizen when a schedule comes: "Nhắc tôi".
  const Who zalo{"zalo", "z1"};
  const auto none = h.Say("lich hop son tay", zalo);
  REQUIRE(none.size() == 1);
  CHECK(none[0].text == h.M().Get("meet_none", {{"commune", "Sơn Tây"}}));
  CHECK(Payloads(none[0]) ==
        std::vector<std::string>{"MEET:REMIND:21340", "LEAD:START:", "MEET:OTHER", "MENU"});
  CHECK(h.StateValue("commune", zalo) == kSonTay);
  // The web chat cannot: it points to Zalo and Messenger instead.
  const auto web = h.Say("lich hop son tay");
  CHECK(web[0].text == h.M().Get("meet_none_web", {{"commune", "Sơn Tây"}}));
  CHECK(Payloads(web[0]) == std::vector<std::string>{"LEAD:START:", "MEET:OTHER", "MENU"});
}

TEST_CASE("after a commune without meetings, 'I will attend' does not mean a meeting shown earlier") {
  Harness h;
  h.Say("lich hop son ky");
  REQUIRE(h.StateValue("last_meeting") == "sk-1");
  const auto none = h.Say("lich hop son tay");
  CHECK(Payloads(none[0])[0] == "LEAD:START:");
  CHECK(h.StateValue("last_meeting").empty());
  const auto attend = h.Say("tôi sẽ tham dự");
  CHECK(attend[0].text == h.M().Get("meet_attend_unknown"));
  CHECK(h.Rsvps("sk-1") == 0);
}

TEST_CASE("a commune name that fits two communes without diacritics is asked, never guessed") {
  Harness h;
  const auto ask = h.Say("lich hop son ha");
  REQUIRE(ask.size() == 1);
  CHECK(ask[0].text == h.M().Get("meet_ambiguous_commune", {{"typed", "son ha"}}));
  CHECK(Payloads(ask[0]) ==
        std::vector<std::string>{"MEET:COMMUNE:21289", "MEET:COMMUNE:21292", "MENU"});
  CHECK(ask[0].choices[0].title == "Sơn Hà");
  CHECK(ask[0].choices[1].title == "Sơn Hạ");
  CHECK(h.Flow() == "meetings");
  CHECK(h.StateValue("commune").empty());

  SECTION("typed again without diacritics: asked again") {
    const auto again = h.Say("son ha");
    CHECK(Payloads(again[0]) == Payloads(ask[0]));
    CHECK(h.StateValue("commune").empty());
  }
  SECTION("a typed number picks one of the two") {
    const auto list = h.Say("2");
    CHECK(Contains(list[0].text, h.M().Get("meet_list_header", {{"commune", "Sơn Hạ"}})));
    CHECK(h.StateValue("commune") == kSonHaLower);
  }
  SECTION("typed with its tone") {
    const auto list = h.Say("Sơn Hạ");
    CHECK(Contains(list[0].text, h.M().Get("meet_list_header", {{"commune", "Sơn Hạ"}})));
    CHECK(h.StateValue("commune") == kSonHaLower);
  }
  SECTION("tapped") {
    const auto list = h.Tap("MEET:COMMUNE:21289");
    CHECK(Contains(list[0].text, h.M().Get("meet_list_header", {{"commune", "Sơn Hà"}})));
    CHECK(h.StateValue("commune") == kSonHa);
  }
}

TEST_CASE("a commune named with its tones is not ambiguous") {
  Harness h;
  const auto list = h.Say("lịch họp xã Sơn Hạ");
  CHECK(Contains(list[0].text, h.M().Get("meet_list_header", {{"commune", "Sơn Hạ"}})));
  CHECK(Contains(list[0].text, "Thứ Tư, 02/12/2026, 8 giờ 00"));
  CHECK(h.Flow().empty());
}

TEST_CASE("a former district offers its communes") {
  auto [text, codes] = GENERATE(table<std::string, std::vector<std::string>>({
      {"lịch họp huyện Sơn Tây", {"21340", "21334", "21343"}},
      {"lich hop huyen son tay", {"21340", "21334", "21343"}},
      {"lịch hội nghị huyện Sơn Hà", {"21289", "21292", "21307", "21319", "21325"}},
  }));
  CAPTURE(text);
  Harness h;
  const auto ask = h.Say(text);
  REQUIRE(ask.size() == 1);
  CHECK(Contains(ask[0].text, "có thể là một trong các xã dưới đây"));
  std::vector<std::string> expected = CommunePayloads(codes);
  expected.push_back("MENU");
  CHECK(Payloads(ask[0]) == expected);
  CHECK(h.StateValue("commune").empty());
}

TEST_CASE("an old commune name finds the new commune and says so") {
  auto [text, old_name, code, commune] = GENERATE(table<std::string, std::string, std::string, std::string>({
      {"lịch họp Sơn Ba", "Sơn Ba", "21325", "Sơn Kỳ"},
      {"lich hop son ba", "son ba", "21325", "Sơn Kỳ"},
      {"hội nghị ở Di Lăng khi nào", "Di Lăng", "21289", "Sơn Hà"},
  }));
  CAPTURE(text);
  Harness h;
  const auto list = h.Say(text);
  REQUIRE(list.size() == 1);
  const std::string note = h.M().Get("meet_old_name", {{"old", old_name}, {"commune", commune}});
  CHECK(list[0].text.rfind(note + "\n\n" + h.M().Get("meet_list_header", {{"commune", commune}}), 0) ==
        0);
  CHECK(h.StateValue("commune") == code);

  SECTION("also as the answer to the commune question") {
    Harness fresh;
    fresh.Say("lich hoi nghi");
    const auto answered = fresh.Say(old_name);
    CHECK(answered[0].text.rfind(note + "\n\n", 0) == 0);
    CHECK(fresh.StateValue("commune") == code);
  }
}

TEST_CASE("an unrelated question while asked for the commune is answered and the question repeated") {
  Harness h;
  h.Say("lịch hội nghị");
  const auto replies = h.Say("mức đóng bhyt hộ gia đình bao nhiêu?");
  REQUIRE(replies.size() == 2);
  CHECK(Contains(replies[0].text, "Căn cứ:"));
  CHECK(replies[1].text == h.M().Get("meet_ask_commune_again"));
  std::vector<std::string> expected = CommunePayloads(kCommuneCodes);
  expected.push_back("MENU");
  CHECK(Payloads(replies[1]) == expected);
  CHECK(h.Flow() == "meetings");
  // The question was logged; the commune answer that follows is not.
  CHECK(h.questions->Recent(10, false)->size() == 1);
  CHECK(h.Say("5")[0].text == SonKyList(h.M()));
  CHECK(h.questions->Recent(10, false)->size() == 1);
}

TEST_CASE("the commune question survives a restart") {
  Harness h;
  h.Say("lich hoi nghi");
  h.Reopen();
  CHECK(h.Say("son ky")[0].text == SonKyList(h.M()));
}

TEST_CASE("another commune can be chosen and is remembered instead") {
  Harness h;
  h.Say("lich hop son ky");
  const auto ask = h.Tap("MEET:OTHER");
  CHECK(ask[0].text == h.M().Get("meet_ask_commune"));
  h.Say("son tay");
  CHECK(h.StateValue("commune") == kSonTay);
  CHECK(h.Say("lich hop")[0].text == h.M().Get("meet_none_web", {{"commune", "Sơn Tây"}}));
}

TEST_CASE("'I will attend' is recorded once per citizen, by button or typed") {
  Harness h;
  const Who a{"web", "a"}, b{"web", "b"};
  h.Say("lich hop son ky", a);
  const std::map<std::string, std::string> params = {{"title", "Hội nghị khách hàng BHXH tự nguyện"},
                                                     {"when", "Thứ Bảy, 05/12/2026, 8 giờ 00"},
                                                     {"venue", "Hội trường UBND xã Sơn Kỳ"},
                                                     {"commune", "Sơn Kỳ"}};
  const auto done = h.Tap("MEET:ATTEND:sk-1", a);
  REQUIRE(done.size() == 1);
  CHECK(done[0].text == h.M().Get("meet_attend_done", params));
  // No reminder offer on the web.
  CHECK(Payloads(done[0]) == std::vector<std::string>{"LEAD:START:sk-1", "MENU"});
  CHECK(h.Rsvps("sk-1") == 1);

  CHECK(h.Tap("MEET:ATTEND:sk-1", a)[0].text == h.M().Get("meet_attend_again", params));
  CHECK(h.Say("tôi sẽ tham dự", a)[0].text == h.M().Get("meet_attend_again", params));
  CHECK(h.Say("toi se tham du", a)[0].text == h.M().Get("meet_attend_again", params));
  CHECK(h.Rsvps("sk-1") == 1);

  h.Say("hoi nghi o son ky khi nao", b);
  CHECK(h.Say("toi se tham du", b)[0].text == h.M().Get("meet_attend_done", params));
  CHECK(h.Rsvps("sk-1") == 2);
  CHECK(*h.meetings->HasRsvp("sk-1", "web", "b"));
  // "Dự họp" of the second meeting, picked with a typed number.
  h.Say("lich hop son ky", b);
  h.Say("2", b);
  CHECK(h.Rsvps("sk-2") == 1);
}

TEST_CASE("'I will attend' without a meeting shown, or for a cancelled one, records nothing") {
  Harness h;
  CHECK(h.Say("tôi sẽ tham dự")[0].text == h.M().Get("meet_attend_unknown"));
  const auto cancelled = h.Tap("MEET:ATTEND:sk-3");
  CHECK(Contains(cancelled[0].text, "Tuyên truyền chính sách BHYT lúc Thứ Bảy, 12/12/2026, 8 giờ 00 đã hủy"));
  CHECK(h.Rsvps("sk-3") == 0);
  CHECK(h.Tap("MEET:ATTEND:sk-past")[0].text == h.M().Get("meet_attend_unknown"));
  CHECK(h.Rsvps("sk-past") == 0);
  CHECK(h.Tap("MEET:ATTEND:no-such")[0].text == h.M().Get("meet_attend_unknown"));
}

TEST_CASE("on messenger and zalo attending offers reminders, and opting in plans the jobs") {
  const std::string channel = GENERATE(as<std::string>{}, "messenger", "zalo");
  CAPTURE(channel);
  Harness h;
  const Who who{channel, "p1"};
  h.Say("lich hop son ky", who);
  const auto done = h.Tap("MEET:ATTEND:sk-1", who);
  CHECK(Contains(done[0].text, "\n\n" + h.M().Get("meet_remind_offer")));
  CHECK(Payloads(done[0]) ==
        std::vector<std::string>{"MEET:REMIND:21325", "LEAD:START:sk-1", "MENU"});

  const auto subscribed = h.Say("1", who);  // "Nhắc tôi"
  CHECK(subscribed[0].text == h.M().Get("meet_subscribed", {{"commune", "Sơn Kỳ"}}));
  CHECK(h.Subscriptions(who) == std::vector<std::string>{kSonKy});

  // Day before at 08:00 and the day itself at 06:00 (Vietnam time) for each
  // upcoming meeting not cancelled; none for the cancelled or past one.
  using Planned = std::tuple<std::string, std::string, long long>;
  auto at = [](int month, int day, int hour) {
    return static_cast<long long>(ToUnixMillis(VietnamInstant(CivilDate{2026, month, day}, hour, 0)));
  };
  const std::set<Planned> expected = {
      {"sk-1", "day_before", at(12, 4, 8)},  {"sk-1", "morning_of", at(12, 5, 6)},
      {"sk-2", "day_before", at(12, 9, 8)},  {"sk-2", "morning_of", at(12, 10, 6)},
      {"sk-4", "day_before", at(12, 19, 8)}, {"sk-4", "morning_of", at(12, 20, 6)},
  };
  auto planned = [&]() {
    std::set<Planned> out;
    for (const ReminderJob& j : h.Jobs(who)) {
      CHECK(j.status == ReminderJobStatus::kPending);
      out.insert({j.meeting_id, ReminderKindName(j.kind), ToUnixMillis(j.due)});
    }
    return out;
  };
  CHECK(planned() == expected);

  // Opting in again (a double tap) plans nothing twice.
  h.Tap("MEET:REMIND:21325", who);
  CHECK(h.Jobs(who).size() == expected.size());

  // Now the list offers to stop, and attending offers no reminder.
  const auto list = h.Say("lich hop", who);
  CHECK(Payloads(list[0])[2] == "MEET:UNSUB");
  const auto second = h.Tap("MEET:ATTEND:sk-2", who);
  CHECK_FALSE(Contains(second[0].text, h.M().Get("meet_remind_offer")));

  SECTION("'hủy nhắc lịch' unsubscribes and ends the pending jobs") {
    const std::string text = GENERATE(as<std::string>{}, "hủy nhắc lịch", "huy nhac lich",
                                      "không nhận nhắc nữa");
    CAPTURE(text);
    CHECK(h.Say(text, who)[0].text == h.M().Get("meet_unsubscribed"));
    CHECK(h.Subscriptions(who).empty());
    for (const ReminderJob& j : h.Jobs(who)) CHECK(j.status == ReminderJobStatus::kObsolete);
    CHECK(h.Say(text, who)[0].text == h.M().Get("meet_not_subscribed"));
    // The RSVP stays.
    CHECK(h.Rsvps("sk-1") == 1);
  }
  SECTION("the list's 'Tắt nhắc lịch' button does the same") {
    CHECK(h.Tap("MEET:UNSUB", who)[0].text == h.M().Get("meet_unsubscribed"));
    CHECK(h.Subscriptions(who).empty());
  }
}

TEST_CASE("a typed request for reminders uses the remembered commune") {
  Harness h;
  const Who who{"zalo", "z1"};
  h.Say("lich hop son ky", who);
  const auto r = h.Say("nhắc lịch cho tôi", who);
  CHECK(r[0].text == h.M().Get("meet_subscribed", {{"commune", "Sơn Kỳ"}}));
  CHECK(h.Subscriptions(who) == std::vector<std::string>{kSonKy});
  CHECK(h.Jobs(who).size() == 6);
}

TEST_CASE("on the web reminders are unavailable and nothing is subscribed") {
  Harness h;
  h.Say("lich hop son ky");
  for (const auto& [text, payload] : std::vector<std::pair<std::string, std::string>>{
           {"", "MEET:REMIND:21325"}, {"nhac lich cho toi", ""}}) {
    CAPTURE(text, payload);
    // The web list does not even offer "Nhắc tôi"; an old button or the
    // typed request is answered.
    CHECK_FALSE(HasPayload(h.Say("lich hop son ky")[0], "MEET:REMIND:21325"));
    const auto r = h.Send(text, payload, Who{});
    CHECK(r[0].text == h.M().Get("meet_remind_unavailable"));
    CHECK(h.Subscriptions(Who{}).empty());
    CHECK(h.Jobs(Who{}).empty());
  }
}

TEST_CASE("a question about what a meeting is goes to the FAQ, not the schedule") {
  Harness h;
  const auto r = h.Say("hội nghị khách hàng là gì");
  CHECK(r[0].text != h.M().Get("meet_ask_commune"));
  CHECK(h.Flow().empty());
}

TEST_CASE("Detect tells the meeting intents apart") {
  auto [folded, intent] = GENERATE(table<std::string, MeetingFlow::Intent>({
      {"lich hoi nghi", MeetingFlow::Intent::kSchedule},
      {"thang nay co hop khong", MeetingFlow::Intent::kSchedule},
      {"hoi nghi o son ky khi nao", MeetingFlow::Intent::kSchedule},
      {"toi se tham du", MeetingFlow::Intent::kAttend},
      {"nhac lich cho toi", MeetingFlow::Intent::kRemind},
      {"huy nhac lich", MeetingFlow::Intent::kUnsubscribe},
      {"khong nhan nhac nua", MeetingFlow::Intent::kUnsubscribe},
      {"hoi nghi khach hang la gi", MeetingFlow::Intent::kNone},
      {"muc dong bhyt", MeetingFlow::Intent::kNone},
  }));
  CAPTURE(folded);
  CHECK(MeetingFlow::Detect(folded) == intent);
}

TEST_CASE("'hợp' (contract, valid) is not 'họp' (meeting) once the tones are gone") {
  const std::string text = GENERATE(as<std::string>{},
                                    "tôi có hợp đồng lao động thì có phải đóng bhxh tự nguyện không",
                                    "toi co hop dong lao dong thi co phai dong bhxh tu nguyen khong",
                                    "giấy tờ này có hợp lệ không", "đóng như vậy có hợp lý không");
  CAPTURE(text);
  Harness h;
  const auto r = h.Say(text);
  CHECK(r[0].text != h.M().Get("meet_ask_commune"));
  CHECK(r[0].text.find("Lịch hội nghị") == std::string::npos);
  CHECK(h.Flow() != "meetings");
  CHECK(MeetingFlow::Detect(FoldVietnamese(text)) == MeetingFlow::Intent::kNone);
}
