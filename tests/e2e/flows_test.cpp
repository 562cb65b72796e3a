// End to end: the conversation flows of the real binary (interest
// registration, meetings and RSVPs, staff handover, privacy erasure, the
// calendar feed), driven over the web chat API and over signed Messenger
// and Zalo webhooks whose replies arrive at real HTTP fakes of the
// platforms. Each test case starts one server on a fresh data directory;
// the shipped sample schedule is imported on that first start.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "test_support/channel_bot.h"

using namespace bhxh;
using namespace bhxh::testing;
using json = nlohmann::json;

namespace {

constexpr long long kPageInboxAppId = 263902037430900;  // Meta's Page Inbox app

// Two shipped sample meetings of Sơn Kỳ (content/meetings.json) and one of
// another commune.
constexpr char kSonKyCode[] = "21325";
constexpr char kSonKyFirst[] = "mau-01-son-ky";
constexpr char kSonKySecond[] = "mau-12-son-ky-thon-4";
constexpr char kSonHaMeeting[] = "mau-02-son-ha";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The consent notice's version in the shipped wording: what a lead records.
std::string ShippedConsentVersion() {
  const json messages =
      json::parse(ReadFile(std::string(BHXH_TEST_CONTENT_DIR) + "/messages.vi.json"), nullptr, false);
  REQUIRE(messages.is_object());
  REQUIRE(messages.contains("lead_consent_version"));
  return messages["lead_consent_version"].get<std::string>();
}

// How the bot writes a meeting's start, computed by SQLite from the stored
// instant: "Thứ Hai, 30/11/2026, 8 giờ 00".
std::string VietnameseStartOf(const std::string& db, const std::string& meeting_id) {
  static const char* const kWeekdays[] = {"Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư",
                                          "Thứ Năm",  "Thứ Sáu", "Thứ Bảy"};
  const std::string local = "starts_ms / 1000, 'unixepoch', '+7 hours'";
  const long long weekday = QueryInt(
      db, "SELECT CAST(strftime('%w', " + local + ") AS INTEGER) FROM meetings WHERE id = ?1",
      {meeting_id});
  REQUIRE(weekday >= 0);
  REQUIRE(weekday <= 6);
  const std::string date =
      QueryText(db, "SELECT strftime('%d/%m/%Y', " + local + ") FROM meetings WHERE id = ?1",
                {meeting_id});
  const long long hour = QueryInt(
      db, "SELECT CAST(strftime('%H', " + local + ") AS INTEGER) FROM meetings WHERE id = ?1",
      {meeting_id});
  const std::string minute =
      QueryText(db, "SELECT strftime('%M', " + local + ") FROM meetings WHERE id = ?1", {meeting_id});
  return std::string(kWeekdays[weekday]) + ", " + date + ", " + std::to_string(hour) + " giờ " +
         minute;
}

// ---------------------------------------------------------------------------
// The server, with both channels pointed at fakes and a web chat rate limit
// high enough for a whole form in one session.

struct Bot : ChannelBot {
  Bot() : ChannelBot("bhxh-e2e-flows", WebChatLimit{6000, 1000}) {}
};

// ---------------------------------------------------------------------------
// Web chat.

struct ChatMessage {
  std::string text;
  std::string payload;
};

json Chat(const Bot& bot, const std::string& session, const ChatMessage& m,
          const std::string& meeting = "") {
  json body = {{"session", session}};
  if (!m.text.empty()) body["text"] = m.text;
  if (!m.payload.empty()) body["payload"] = m.payload;
  if (!meeting.empty()) body["meeting"] = meeting;
  const HttpResult r = bot.client().Post("/api/chat", body.dump());
  INFO("request " << body.dump() << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
  const json j = json::parse(r.body, nullptr, false);
  REQUIRE(j.is_object());
  REQUIRE(j["replies"].is_array());
  REQUIRE_FALSE(j["replies"].empty());
  return j["replies"];
}

std::string AllText(const json& replies) {
  std::string all;
  for (const json& r : replies) all += r["text"].get<std::string>() + "\n";
  return all;
}

std::vector<std::string> Payloads(const json& replies) {
  std::vector<std::string> out;
  for (const json& r : replies) {
    for (const json& c : r["choices"]) out.push_back(c["payload"].get<std::string>());
  }
  return out;
}

bool Offers(const json& replies, const std::string& payload) {
  const auto p = Payloads(replies);
  return std::find(p.begin(), p.end(), payload) != p.end();
}

struct Step {
  std::string text;       // what the citizen types
  std::string expect;     // a fragment of the bot's answer to it
};

// The registration form typed without diacritics, from the request to the
// summary; the answer to each step names the next question.
std::vector<Step> TypedRegistration(const std::string& phone) {
  return {{"toi muon dang ky", "đồng ý cung cấp thông tin"},
          {"dong y", "quan tâm đến loại nào"},
          {"bhyt ho gia dinh", "họ và tên"},
          {"nguyen van an", "sinh năm nào"},
          {"1985", "xã nào"},
          {"son ky", "thôn"},
          {"thon 2", "số điện thoại di động"},
          {phone, "căn cước"},
          {"bo qua", "nghề gì"},
          {"lam nong", "vào lúc nào"},
          {"buoi sang", "kiểm tra lại thông tin"}};
}

// Runs the whole form on the web chat; returns the answer to "xác nhận".
json RegisterOnWeb(const Bot& bot, const std::string& session, const std::string& phone,
                   const std::string& meeting = "") {
  for (const Step& step : TypedRegistration(phone)) {
    CAPTURE(session, step.text);
    const json replies = Chat(bot, session, {step.text, ""}, meeting);
    CHECK_THAT(AllText(replies), Catch::Contains(step.expect));
  }
  return Chat(bot, session, {"xac nhan", ""}, meeting);
}

// ---------------------------------------------------------------------------
// Webhooks.

std::string MessengerPostback(const std::string& psid, const std::string& mid,
                              const std::string& title, const std::string& payload) {
  return MessengerEnvelope(psid,
                           {{"postback", {{"mid", mid}, {"title", title}, {"payload", payload}}}});
}

std::string MessengerQuickReply(const std::string& psid, const std::string& mid,
                                const std::string& text, const std::string& payload) {
  return MessengerEnvelope(
      psid, {{"message", {{"mid", mid}, {"text", text}, {"quick_reply", {{"payload", payload}}}}}});
}

// Messages the fake Graph API received for `psid` (typing indicators left
// out), in arrival order.
std::vector<json> GraphMessagesTo(const FakePlatform& graph, const std::string& psid) {
  std::vector<json> out;
  for (const auto& r : graph.RequestsTo("/me/messages")) {
    const json j = json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("message") && j["recipient"]["id"] == psid) out.push_back(j);
  }
  return out;
}

std::vector<json> ZaloMessagesTo(const FakePlatform& zalo, const std::string& user) {
  std::vector<json> out;
  for (const auto& r : zalo.RequestsTo("/v3.0/oa/message/cs")) {
    const json j = json::parse(r.body, nullptr, false);
    if (j.is_object() && j["recipient"]["user_id"] == user) out.push_back(j);
  }
  return out;
}

std::string TextsFrom(const std::vector<json>& messages, size_t from) {
  std::string all;
  for (size_t i = from; i < messages.size(); ++i) {
    if (messages[i]["message"].contains("text")) {
      all += messages[i]["message"]["text"].get<std::string>() + "\n";
    }
  }
  return all;
}

// Posts a signed webhook and waits until the server has handled the event
// it carries (`platform_id`: the mid or msg_id) and delivered every reply
// to `user` at the fake. Only then is the next message sent, like a
// citizen who reads the answer first.
void Deliver(const Bot& bot, const std::string& route, const std::string& body,
             const HeaderList& signature, const std::string& user, const std::string& platform_id) {
  CAPTURE(route, body);
  REQUIRE(bot.client().Post(route, body, signature).status == 200);
  const bool handled = FakePlatform::WaitUntil([&] {
    return QueryInt(bot.db(),
                    "SELECT count(*) FROM inbox_events WHERE platform_id = ?1 AND status = 'done'",
                    {platform_id}) == 1 &&
           QueryInt(bot.db(), "SELECT count(*) FROM outbox WHERE user_id = ?1 AND status != 'sent'",
                    {user}) == 0;
  });
  INFO("server stderr:\n" << bot.server->StderrText());
  REQUIRE(handled);
}

// Sends `text` from a Zalo user and returns the texts the OA sent back.
std::string ZaloSay(const Bot& bot, const std::string& user, const std::string& msg_id,
                    const std::string& text) {
  const size_t before = ZaloMessagesTo(bot.zalo_api, user).size();
  const std::string body = ZaloText(user, msg_id, text);
  Deliver(bot, "/webhook/zalo", body, ZaloSignature(body), user, msg_id);
  return TextsFrom(ZaloMessagesTo(bot.zalo_api, user), before);
}

std::string MessengerSay(const Bot& bot, const std::string& psid, const std::string& mid,
                         const std::string& body) {
  const size_t before = GraphMessagesTo(bot.graph, psid).size();
  Deliver(bot, "/webhook/messenger", body, MessengerSignature(body), psid, mid);
  return TextsFrom(GraphMessagesTo(bot.graph, psid), before);
}

// Rows of `user` in each table that holds personal data.
std::vector<std::pair<std::string, long long>> RowsOf(const Bot& bot, const std::string& user) {
  std::vector<std::pair<std::string, long long>> out;
  for (const char* table : {"conversations", "question_log", "leads", "meeting_rsvps",
                            "reminder_subscriptions", "reminder_jobs", "handover_requests",
                            "user_pauses", "inbox_events", "outbox"}) {
    out.emplace_back(table, QueryInt(bot.db(),
                                     std::string("SELECT count(*) FROM ") + table +
                                         " WHERE user_id = ?1",
                                     {user}));
  }
  return out;
}

}  // namespace

TEST_CASE("a web chat registration typed without diacritics saves one lead per phone and commune",
          "[e2e]") {
  Bot bot;
  const std::string consent_version = ShippedConsentVersion();

  const json saved = RegisterOnWeb(bot, "lead-web-1", "0905 123 456");
  CHECK_THAT(AllText(saved), Catch::Contains("đã ghi nhận đăng ký"));
  CHECK_THAT(AllText(saved), Catch::Contains("0905 123 456"));
  REQUIRE(QueryInt(bot.db(), "SELECT count(*) FROM leads") == 1);
  CHECK(QueryText(bot.db(), "SELECT phone FROM leads") == "0905123456");
  CHECK(QueryText(bot.db(), "SELECT channel FROM leads") == "web");
  CHECK(QueryText(bot.db(), "SELECT user_id FROM leads") == "lead-web-1");
  CHECK(QueryText(bot.db(), "SELECT consent_version FROM leads") == consent_version);
  CHECK(QueryText(bot.db(), "SELECT interest FROM leads") == "bhyt_hgd");
  CHECK(QueryText(bot.db(), "SELECT full_name FROM leads") == "Nguyen Van An");
  CHECK(QueryInt(bot.db(), "SELECT birth_year FROM leads") == 1985);
  CHECK(QueryText(bot.db(), "SELECT commune_code FROM leads") == kSonKyCode);
  CHECK(QueryText(bot.db(), "SELECT village FROM leads") == "thon 2");
  CHECK(QueryText(bot.db(), "SELECT cccd FROM leads").empty());
  CHECK(QueryText(bot.db(), "SELECT occupation FROM leads") == "Làm nông");
  CHECK(QueryText(bot.db(), "SELECT call_time FROM leads") == "Buổi sáng");
  CHECK(QueryText(bot.db(), "SELECT meeting_id FROM leads").empty());

  // The same phone in the same commune from a kiosk at a meeting: the lead
  // is updated, now with the meeting it came from.
  const json again = RegisterOnWeb(bot, "kiosk-1", "0905.123.456", kSonKyFirst);
  CHECK_THAT(AllText(again), Catch::Contains("đã cập nhật"));
  REQUIRE(QueryInt(bot.db(), "SELECT count(*) FROM leads") == 1);
  CHECK(QueryText(bot.db(), "SELECT user_id FROM leads") == "kiosk-1");
  CHECK(QueryText(bot.db(), "SELECT meeting_id FROM leads") == kSonKyFirst);
  CHECK(QueryText(bot.db(), "SELECT phone FROM leads") == "0905123456");

  // A kiosk whose meeting field is not a meeting id is refused, whatever
  // else the request holds, and nothing is started for the session.
  const std::string meeting_error =
      "trường \"meeting\" phải là mã hội nghị (chữ thường không dấu, số, dấu gạch ngang; tối đa "
      "64 ký tự)";
  for (const json& meeting : {json("Hội nghị 1"), json("MAU-01"), json(""), json(std::string(65, 'a')),
                              json(7), json::array({kSonKyFirst})}) {
    CAPTURE(meeting.dump());
    const json body = {{"session", "kiosk-bad"}, {"text", "toi muon dang ky"}, {"meeting", meeting}};
    const HttpResult r = bot.client().Post("/api/chat", body.dump());
    CHECK(r.status == 400);
    const json error = json::parse(r.body, nullptr, false);
    REQUIRE(error.is_object());
    CHECK(error["error"] == meeting_error);
  }
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM conversations WHERE user_id = 'kiosk-bad'") == 0);
}

TEST_CASE("web chat lists a commune's meetings with Vietnamese dates, records an RSVP once and "
          "asks when a name fits two communes",
          "[e2e]") {
  Bot bot;
  const json list = Chat(bot, "meet-1", {"lich hop son ky", ""});
  const std::string text = AllText(list);
  CHECK_THAT(text, Catch::Contains("Lịch hội nghị sắp tới ở xã Sơn Kỳ"));
  CHECK_THAT(text, Catch::Contains(VietnameseStartOf(bot.db(), kSonKyFirst)));
  CHECK_THAT(text, Catch::Contains(VietnameseStartOf(bot.db(), kSonKySecond)));
  CHECK_THAT(text, Catch::Contains("Hội trường UBND xã Sơn Kỳ"));
  CHECK_THAT(text, Catch::Contains("lịch mẫu"));
  // Every time shown reads "Thứ …, dd/mm/yyyy, H giờ MM".
  const std::regex when(
      "- Thời gian: (Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ Nhật), [0-3][0-9]/[01][0-9]/20[0-9]{2}, "
      "([0-9]|1[0-9]|2[0-3]) giờ [0-5][0-9]\n");
  const auto shown = std::distance(std::sregex_iterator(text.begin(), text.end(), when),
                                   std::sregex_iterator());
  CHECK(shown == 2);
  CHECK(text.find("Thời gian:") != std::string::npos);
  CHECK(text.find("Hội trường UBND xã Sơn Hà") == std::string::npos);  // another commune's
  const std::string attend = std::string("MEET:ATTEND:") + kSonKyFirst;
  REQUIRE(Offers(list, attend));
  CHECK(Offers(list, std::string("MEET:ATTEND:") + kSonKySecond));

  const json rsvp = Chat(bot, "meet-1", {"", attend});
  CHECK_THAT(AllText(rsvp), Catch::Contains("em đã ghi nhận anh/chị sẽ tham dự"));
  CHECK_THAT(AllText(rsvp), Catch::Contains(VietnameseStartOf(bot.db(), kSonKyFirst)));
  CHECK(QueryInt(bot.db(),
                 "SELECT count(*) FROM meeting_rsvps WHERE meeting_id = ?1 AND channel = 'web' AND "
                 "user_id = 'meet-1'",
                 {kSonKyFirst}) == 1);
  // A second tap changes nothing and says so.
  const json twice = Chat(bot, "meet-1", {"", attend});
  CHECK_THAT(AllText(twice), Catch::Contains("đã báo sẽ tham dự"));
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM meeting_rsvps") == 1);

  // "Sơn Ha" without its tone mark is Sơn Hà or Sơn Hạ: the bot asks.
  const json ambiguous = Chat(bot, "meet-2", {"lich hop son ha", ""});
  CHECK_THAT(AllText(ambiguous), Catch::Contains("có thể là một trong các xã"));
  CHECK(AllText(ambiguous).find("Lịch hội nghị sắp tới") == std::string::npos);
  CHECK(Offers(ambiguous, "MEET:COMMUNE:21289"));
  CHECK(Offers(ambiguous, "MEET:COMMUNE:21292"));
  for (const std::string& p : Payloads(ambiguous)) {
    CAPTURE(p);
    CHECK(p.rfind("MEET:ATTEND:", 0) == std::string::npos);
  }
  // Picking Sơn Hạ shows Sơn Hạ's meeting only.
  const json son_ha_lower = Chat(bot, "meet-2", {"", "MEET:COMMUNE:21292"});
  CHECK_THAT(AllText(son_ha_lower), Catch::Contains("Lịch hội nghị sắp tới ở xã Sơn Hạ"));
  CHECK(Offers(son_ha_lower, "MEET:ATTEND:mau-04-son-ha"));
  CHECK_FALSE(Offers(son_ha_lower, std::string("MEET:ATTEND:") + kSonHaMeeting));
}

TEST_CASE("a Messenger user handed to staff gets the Page Inbox and then no bot reply", "[e2e]") {
  Bot bot;
  const std::string psid = "PSID-STAFF";
  const std::string offer =
      MessengerSay(bot, psid, "m-staff-1", MessengerText(psid, "m-staff-1", "gặp cán bộ"));
  CHECK_THAT(offer, Catch::Contains("cán bộ"));
  const auto offered = GraphMessagesTo(bot.graph, psid);
  REQUIRE_FALSE(offered.empty());
  bool confirm_offered = false;
  for (const json& qr : offered.back()["message"].value("quick_replies", json::array())) {
    confirm_offered = confirm_offered || qr.value("payload", "") == "STAFF:CONFIRM:asked";
  }
  CHECK(confirm_offered);

  const std::string queued = MessengerSay(
      bot, psid, "m-staff-2", MessengerPostback(psid, "m-staff-2", "Chuyển cán bộ", "STAFF:CONFIRM"));
  CHECK_THAT(queued, Catch::Contains("đã chuyển cuộc trò chuyện cho cán bộ"));
  const auto passes = bot.graph.RequestsTo("/me/pass_thread_control");
  REQUIRE(passes.size() == 1);
  CHECK(passes[0].method == "POST");
  CHECK(passes[0].query.find(std::string("access_token=") + kPageToken) != std::string::npos);
  const json pass = json::parse(passes[0].body, nullptr, false);
  REQUIRE(pass.is_object());
  CHECK(pass["recipient"]["id"] == psid);
  CHECK(pass["target_app_id"] == kPageInboxAppId);
  CHECK(QueryInt(bot.db(),
                 "SELECT count(*) FROM handover_requests WHERE channel = 'messenger' AND user_id = ?1 "
                 "AND status = 'open' AND reason = 'asked'",
                 {psid}) == 1);

  // The citizen writes again: the event is stored and handled, and nothing
  // is queued or sent (the outbox rows of a turn commit with its "done").
  const long long outbox_before =
      QueryInt(bot.db(), "SELECT count(*) FROM outbox WHERE user_id = ?1", {psid});
  const size_t graph_before = bot.graph.Requests().size();
  const std::string silence =
      MessengerSay(bot, psid, "m-staff-3", MessengerText(psid, "m-staff-3", "alo, có ai không ạ"));
  CHECK(silence.empty());
  CHECK(QueryText(bot.db(), "SELECT text FROM inbox_events WHERE platform_id = 'm-staff-3'") ==
        "alo, có ai không ạ");
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM outbox WHERE user_id = ?1", {psid}) ==
        outbox_before);
  CHECK(bot.graph.Requests().size() == graph_before);

  // Staff mark the conversation done in the Page Inbox: the thread comes
  // back to this app, the request is released and the bot answers again.
  const std::string back = MessengerEnvelope(
      psid, {{"pass_thread_control",
              {{"new_owner_app_id", "999"}, {"previous_owner_app_id", "263902037430900"}}}});
  Deliver(bot, "/webhook/messenger", back, MessengerSignature(back), psid,
          "pass_thread_control:" + psid + ":1795662000000");
  CHECK(QueryInt(bot.db(),
                 "SELECT count(*) FROM handover_requests WHERE user_id = ?1 AND status = 'released'",
                 {psid}) == 1);
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM user_pauses WHERE user_id = ?1", {psid}) == 0);
  const std::string answered =
      MessengerSay(bot, psid, "m-staff-4", MessengerText(psid, "m-staff-4", "menu"));
  CHECK_THAT(answered, Catch::Contains("trợ lý tự động"));
}

TEST_CASE("a Messenger registration offers the phone quick reply and accepts the shared number",
          "[e2e]") {
  Bot bot;
  const std::string psid = "PSID-LEAD";
  int n = 0;
  auto say = [&](const std::string& text) {
    const std::string mid = "m-lead-" + std::to_string(++n);
    return MessengerSay(bot, psid, mid, MessengerText(psid, mid, text));
  };
  // The form up to the phone question.
  const std::vector<Step> steps = TypedRegistration("");
  for (size_t i = 0; i + 4 < steps.size(); ++i) {
    CAPTURE(steps[i].text);
    CHECK_THAT(say(steps[i].text), Catch::Contains(steps[i].expect));
  }
  const auto asked = GraphMessagesTo(bot.graph, psid);
  REQUIRE_FALSE(asked.empty());
  const json& question = asked.back()["message"];
  CHECK_THAT(question["text"].get<std::string>(), Catch::Contains("số điện thoại di động"));
  REQUIRE(question.contains("quick_replies"));
  CHECK(question["quick_replies"] == json::array({{{"content_type", "user_phone_number"}}}));

  // Tapping it sends the profile's number as the quick reply's payload.
  const std::string mid = "m-lead-phone";
  const std::string next = MessengerSay(
      bot, psid, mid, MessengerQuickReply(psid, mid, "+84905123456", "+84905123456"));
  CHECK_THAT(next, Catch::Contains("căn cước"));
  CHECK_THAT(say("bo qua"), Catch::Contains("nghề gì"));
  CHECK_THAT(say("lam nong"), Catch::Contains("vào lúc nào"));
  const std::string summary = say("buoi sang");
  CHECK_THAT(summary, Catch::Contains("0905 123 456"));
  CHECK_THAT(say("xac nhan"), Catch::Contains("đã ghi nhận đăng ký"));
  REQUIRE(QueryInt(bot.db(), "SELECT count(*) FROM leads WHERE user_id = ?1", {psid}) == 1);
  CHECK(QueryText(bot.db(), "SELECT phone FROM leads WHERE user_id = ?1", {psid}) == "0905123456");
  CHECK(QueryText(bot.db(), "SELECT channel FROM leads WHERE user_id = ?1", {psid}) == "messenger");
}

TEST_CASE("a Zalo contact form shared at the phone question fills in the phone", "[e2e]") {
  Bot bot;
  const std::string user = "Z-FORM";
  const std::vector<Step> steps = TypedRegistration("");
  int n = 0;
  for (size_t i = 0; i + 4 < steps.size(); ++i) {
    CAPTURE(steps[i].text);
    CHECK_THAT(ZaloSay(bot, user, "zm-form-" + std::to_string(++n), steps[i].text),
               Catch::Contains(steps[i].expect));
  }
  const std::string info = ZaloEvent(
      "user_submit_info",
      {{"sender", {{"id", user}}},
       {"user_id_by_app", "app-" + user},
       {"info", {{"name", "Nguyễn Văn An"}, {"phone", "84905123456"}, {"address", "thôn 2"},
                 {"ward", "Sơn Kỳ"}, {"district", "Sơn Hà"}, {"city", "Quảng Ngãi"}}}});
  const size_t before = ZaloMessagesTo(bot.zalo_api, user).size();
  Deliver(bot, "/webhook/zalo", info, ZaloSignature(info), user,
          std::string("user_submit_info:") + user + ":" + kTimestamp);
  const std::string next = TextsFrom(ZaloMessagesTo(bot.zalo_api, user), before);
  CHECK_THAT(next, Catch::Contains("căn cước"));  // the phone question is answered

  CHECK_THAT(ZaloSay(bot, user, "zm-form-cccd", "bo qua"), Catch::Contains("nghề gì"));
  CHECK_THAT(ZaloSay(bot, user, "zm-form-occ", "lam nong"), Catch::Contains("vào lúc nào"));
  CHECK_THAT(ZaloSay(bot, user, "zm-form-time", "buoi sang"), Catch::Contains("0905 123 456"));
  CHECK_THAT(ZaloSay(bot, user, "zm-form-ok", "xac nhan"), Catch::Contains("đã ghi nhận đăng ký"));
  CHECK(QueryText(bot.db(), "SELECT phone FROM leads WHERE channel = 'zalo' AND user_id = ?1",
                  {user}) == "0905123456");
}

TEST_CASE("a Zalo user_withdraw erases every row of that user and only of that user", "[e2e]") {
  Bot bot;
  const std::string user = "Z-WD", other = "Z-KEEP";
  int n = 0;
  auto say = [&](const std::string& who, const std::string& text) {
    return ZaloSay(bot, who, "zm-wd-" + std::to_string(++n), text);
  };
  // A lead, a question for the FAQ, an RSVP and a reminder subscription.
  for (const Step& step : TypedRegistration("0905 123 456")) {
    CAPTURE(step.text);
    CHECK_THAT(say(user, step.text), Catch::Contains(step.expect));
  }
  CHECK_THAT(say(user, "xac nhan"), Catch::Contains("đã ghi nhận đăng ký"));
  CHECK_THAT(say(user, "mức đóng bhyt hộ gia đình bao nhiêu"), Catch::Contains("đồng"));
  CHECK_THAT(say(user, "lich hop son ky"), Catch::Contains("Lịch hội nghị sắp tới ở xã Sơn Kỳ"));
  CHECK_THAT(say(user, "toi se tham du"), Catch::Contains("sẽ tham dự"));
  CHECK_THAT(say(user, "nhac lich"), Catch::Contains("em sẽ nhắc anh/chị"));
  // Someone else in the same commune.
  say(other, "lich hop son ky");
  CHECK_THAT(say(other, "toi se tham du"), Catch::Contains("sẽ tham dự"));

  for (const auto& [table, rows] : RowsOf(bot, user)) {
    CAPTURE(table);
    if (table == "handover_requests" || table == "user_pauses") continue;  // never asked for staff
    CHECK(rows > 0);  // there is something to erase
  }

  const std::string withdraw =
      ZaloEvent("user_withdraw", {{"user_id", user}, {"oa_id", "OA1"}});
  REQUIRE(bot.client().Post("/webhook/zalo", withdraw, ZaloSignature(withdraw)).status == 200);
  const bool erased = FakePlatform::WaitUntil([&] {
    return QueryInt(bot.db(), "SELECT count(*) FROM leads WHERE user_id = ?1", {user}) == 0 &&
           QueryInt(bot.db(), "SELECT count(*) FROM inbox_events WHERE user_id = ?1", {user}) == 0;
  });
  INFO("server stderr:\n" << bot.server->StderrText());
  REQUIRE(erased);
  for (const auto& [table, rows] : RowsOf(bot, user)) {
    CAPTURE(table);
    CHECK(rows == 0);
  }
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM meeting_rsvps WHERE user_id = ?1", {other}) == 1);
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM conversations WHERE user_id = ?1", {other}) == 1);
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM inbox_events WHERE user_id = ?1", {other}) == 2);
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM meetings") == 12);  // the schedule is not personal
}

TEST_CASE("\"xóa thông tin của tôi\" on the web chat erases that session's data and no one else's",
          "[e2e]") {
  Bot bot;
  const std::string mine = "priv-a", theirs = "priv-b";
  CHECK_THAT(AllText(RegisterOnWeb(bot, mine, "0905 111 222")), Catch::Contains("đã ghi nhận"));
  CHECK_THAT(AllText(RegisterOnWeb(bot, theirs, "0905 333 444")), Catch::Contains("đã ghi nhận"));
  Chat(bot, mine, {"", std::string("MEET:ATTEND:") + kSonKyFirst});
  Chat(bot, mine, {"mất thẻ bhyt thì làm sao", ""});
  REQUIRE(QueryInt(bot.db(), "SELECT count(*) FROM leads WHERE user_id = ?1", {mine}) == 1);
  REQUIRE(QueryInt(bot.db(), "SELECT count(*) FROM meeting_rsvps WHERE user_id = ?1", {mine}) == 1);
  REQUIRE(QueryInt(bot.db(), "SELECT count(*) FROM question_log WHERE user_id = ?1", {mine}) >= 1);

  const json ask = Chat(bot, mine, {"xóa thông tin của tôi", ""});
  CHECK_THAT(AllText(ask), Catch::Contains("không khôi phục được"));
  REQUIRE(Offers(ask, "PRIVACY:CONFIRM"));
  // Nothing is erased before the citizen confirms.
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM leads WHERE user_id = ?1", {mine}) == 1);

  const json done = Chat(bot, mine, {"", "PRIVACY:CONFIRM"});
  CHECK_THAT(AllText(done), Catch::Contains("em đã xóa thông tin của anh/chị"));
  for (const auto& [table, rows] : RowsOf(bot, mine)) {
    CAPTURE(table);
    CHECK(rows == 0);
  }
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM leads WHERE user_id = ?1", {theirs}) == 1);
  CHECK(QueryText(bot.db(), "SELECT phone FROM leads WHERE user_id = ?1", {theirs}) == "0905333444");
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM conversations WHERE user_id = ?1", {theirs}) == 1);
}

TEST_CASE("the calendar feed serves a commune's meetings by code or unambiguous name", "[e2e]") {
  Bot bot;
  const HttpClient client = bot.client();
  const std::string first_uid = std::string("UID:") + kSonKyFirst + "@";
  const std::string first_start =
      "DTSTART:" + QueryText(bot.db(),
                             "SELECT strftime('%Y%m%dT%H%M%SZ', starts_ms / 1000, 'unixepoch') "
                             "FROM meetings WHERE id = ?1",
                             {kSonKyFirst});
  // 08:00 in Vietnam is 01:00 UTC.
  CHECK(first_start.size() == std::string("DTSTART:YYYYMMDDT010000Z").size());
  CHECK(first_start.substr(first_start.size() - 8) == "T010000Z");

  for (const std::string path : {"/calendar/21325.ics", "/calendar/son-ky.ics"}) {
    CAPTURE(path);
    const HttpResult r = client.Get(path);
    CHECK(r.status == 200);
    CHECK(r.Header("Content-Type").rfind("text/calendar", 0) == 0);
    CHECK(r.body.rfind("BEGIN:VCALENDAR\r\n", 0) == 0);
    CHECK_THAT(r.body, Catch::Contains("END:VCALENDAR"));
    CHECK_THAT(r.body, Catch::Contains(first_uid));
    CHECK_THAT(r.body, Catch::Contains(std::string("UID:") + kSonKySecond + "@"));
    CHECK_THAT(r.body, Catch::Contains(first_start + "\r\n"));
    CHECK(r.body.find(kSonHaMeeting) == std::string::npos);
  }

  // The codes a 404 lists: every commune of communes.json, "code (name)".
  const json communes = json::parse(
      ReadFile(std::string(BHXH_TEST_CONTENT_DIR) + "/communes.json"), nullptr, false);
  REQUIRE(communes.is_object());
  std::string known;
  for (const json& c : communes["communes"]) {
    known += (known.empty() ? "" : ", ") + c["code"].get<std::string>() + " (" +
             c["name"].get<std::string>() + ")";
  }
  CHECK_THAT(known, Catch::Contains("21289 (Sơn Hà), 21292 (Sơn Hạ)"));
  auto error_of = [](const HttpResult& r) {
    const json j = json::parse(r.body, nullptr, false);
    return j.is_object() && j["error"].is_string() ? j["error"].get<std::string>() : r.body;
  };

  // "son-ha" is Sơn Hà (21289) and Sơn Hạ (21292).
  const HttpResult ambiguous = client.Get("/calendar/son-ha.ics");
  CHECK(ambiguous.status == 404);
  CHECK(error_of(ambiguous) == "'son-ha' names more than one commune; use the code: " + known);

  const HttpResult unknown = client.Get("/calendar/xyz.ics");
  CHECK(unknown.status == 404);
  CHECK(error_of(unknown) == "unknown commune 'xyz'; use one of: " + known);

  const HttpResult no_suffix = client.Get("/calendar/21325");
  CHECK(no_suffix.status == 404);
  CHECK(error_of(no_suffix) == "use /calendar/<commune code>.ics, one of: " + known);

  const HttpResult post = client.Post("/calendar/21325.ics", "");
  CHECK(post.status == 405);
  CHECK(post.Header("Allow") == "GET");
}

TEST_CASE("a Messenger erasure deletes the user's rows and still answers a message right behind it",
          "[e2e]") {
  Bot bot;
  const std::string psid = "PSID-ERASE";
  MessengerSay(bot, psid, "m-erase-1",
               MessengerText(psid, "m-erase-1", "mất thẻ bhyt thì làm lại ở đâu"));
  MessengerSay(bot, psid, "m-erase-2", MessengerText(psid, "m-erase-2", "lich hop son ky"));
  MessengerSay(bot, psid, "m-erase-3",
               MessengerPostback(psid, "m-erase-3", "Dự họp",
                                 std::string("MEET:ATTEND:") + kSonKyFirst));
  REQUIRE(QueryInt(bot.db(), "SELECT count(*) FROM meeting_rsvps WHERE user_id = ?1", {psid}) == 1);
  const std::string ask = MessengerSay(bot, psid, "m-erase-4",
                                       MessengerText(psid, "m-erase-4", "xóa thông tin của tôi"));
  CHECK_THAT(ask, Catch::Contains("không khôi phục được"));

  // Meta batches events: the confirmation and the next message arrive in
  // one request, so the second is already queued when the first erases.
  const json confirm = {{"sender", {{"id", psid}}},
                        {"recipient", {{"id", "PAGE1"}}},
                        {"timestamp", 1795662000001LL},
                        {"postback", {{"mid", "m-erase-5"}, {"title", "Xóa thông tin"},
                                      {"payload", "PRIVACY:CONFIRM"}}}};
  const json hello = {{"sender", {{"id", psid}}},
                      {"recipient", {{"id", "PAGE1"}}},
                      {"timestamp", 1795662000002LL},
                      {"message", {{"mid", "m-erase-6"}, {"text", "xin chào"}}}};
  const std::string body =
      json{{"object", "page"},
           {"entry", {{{"id", "PAGE1"}, {"time", 1795662000000LL}, {"messaging", {confirm, hello}}}}}}
          .dump();
  const size_t before = GraphMessagesTo(bot.graph, psid).size();
  REQUIRE(bot.client().Post("/webhook/messenger", body, MessengerSignature(body)).status == 200);
  const bool answered = FakePlatform::WaitUntil([&] {
    const std::string texts = TextsFrom(GraphMessagesTo(bot.graph, psid), before);
    return texts.find("em đã xóa thông tin") != std::string::npos &&
           texts.find("trợ lý tự động") != std::string::npos;
  });
  INFO("server stderr:\n" << bot.server->StderrText());
  CHECK(answered);
  CHECK(bot.server->StderrText().find("event_failed") == std::string::npos);
  // What the citizen said before the erasure is gone; the new conversation
  // holds only what came after it.
  CHECK(QueryInt(bot.db(), "SELECT count(*) FROM meeting_rsvps WHERE user_id = ?1", {psid}) == 0);
  CHECK(QueryInt(bot.db(),
                 "SELECT count(*) FROM question_log WHERE user_id = ?1 AND text != 'xin chào'",
                 {psid}) == 0);
  CHECK(QueryInt(bot.db(),
                 "SELECT count(*) FROM inbox_events WHERE user_id = ?1 AND platform_id IN "
                 "('m-erase-1', 'm-erase-2', 'm-erase-3', 'm-erase-4', 'm-erase-5')",
                 {psid}) == 0);
}
