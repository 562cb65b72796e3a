#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "bot/channels/webhook_parse.h"

using namespace bhxh;
using nlohmann::json;

namespace {

const std::string kVectorDir = std::string(BHXH_TEST_SHARED_DIR) + "/test-vectors";
const std::string kOwnAppId = "1517776481860111";

std::string ReadBinary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The stored kind names ("text", "human_reply"...) read well in summaries.
const char* KindName(ChannelEventKind k) { return ChannelEventKindName(k); }

long long Millis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// One line per event, every field, so a table can pin the whole result.
std::string Describe(const ChannelEvent& e) {
  std::string s = std::string(KindName(e.kind)) + " user=" + e.user + " to=" + e.recipient +
                  " id=" + e.platform_id + " at=" + std::to_string(Millis(e.at)) +
                  " type=" + e.raw_type;
  if (!e.text.empty()) s += " text=" + e.text;
  if (!e.payload.empty()) s += " payload=" + e.payload;
  if (e.channel != "messenger") s += " channel=" + e.channel;
  return s;
}

std::vector<std::string> Events(const Result<WebhookParse>& r) {
  std::vector<std::string> out;
  if (r.ok()) {
    for (const auto& e : r->events) out.push_back(Describe(e));
  }
  return out;
}

// "error: <message>" or the events and the ignored types, in one string.
std::string Summary(const Result<WebhookParse>& r) {
  if (!r.ok()) {
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    return "error: " + r.status().message();
  }
  std::string s;
  for (const auto& e : r->events) s += (s.empty() ? "" : " | ") + Describe(e);
  std::string ignored;
  for (const auto& i : r->ignored) ignored += (ignored.empty() ? "" : ",") + i;
  if (!ignored.empty()) s += (s.empty() ? "" : " | ") + std::string("ignored: ") + ignored;
  return s.empty() ? "nothing" : s;
}

// One messaging event in a one-entry page body.
std::string Body(const std::string& event, const std::string& entry_extra = "") {
  return R"({"object":"page","entry":[{"id":"109876543210987","time":1718000000500,)" +
         entry_extra + R"("messaging":[)" + event + "]}]}";
}

std::string Event(const std::string& fields) {
  return R"({"sender":{"id":"7012345678901234"},"recipient":{"id":"109876543210987"},"timestamp":1718000000321,)" +
         fields + "}";
}

const std::string kPrefix = "user=7012345678901234 to=109876543210987";

}  // namespace

TEST_CASE("every Messenger test vector body parses to its expected events") {
  auto [file, own_app_id, expected] = GENERATE(table<std::string, std::string, std::string>({
      {"messenger/body-1.json", kOwnAppId,
       "text " + kPrefix +
           " id=m_Xa1Bq0d8RkCzv2YhL3nT9wPq4sE7uJ6iO5kM2gF1hD0cB9aZ8yX7wV6uT5sR4qP3oN2mL1kJ0iH"
           " at=1718000000321 type=message text=Mức đóng BHYT hộ gia đình là bao nhiêu?"},
      {"messenger/body-2.json", kOwnAppId,
       "text " + kPrefix +
           " id=m_Xa1Bq0d8RkCzv2YhL3nT9wPq4sE7uJ6iO5kM2gF1hD0cB9aZ8yX7wV6uT5sR4qP3oN2mL1kJ0iH"
           " at=1718000000321 type=message text=Mức đóng BHYT hộ gia đình là bao nhiêu?"},
      {"messenger/body-1-tampered.json", kOwnAppId,
       "text " + kPrefix +
           " id=m_Xa1Bq0d8RkCzv2YhL3nT9wPq4sE7uJ6iO5kM2gF1hD0cB9aZ8yX7wV6uT5sR4qP3oN2mL1kJ0iH"
           " at=1718000000321 type=message text=Mức đóng BHYT hộ gia đình là bao nhiêu!"},
      {"messenger/body-3.json", kOwnAppId,
       "payload " + kPrefix +
           " id=m_Qr7Lw2Zt5Yp8Xk1Nv4Mb6Hc9Gd3Fe0Sa2Dq5Wr8Ty1Ui4Op7As0Df3Gh6Jk9Lz2Xc5Vb8Nm1Q"
           " at=1718000100444 type=message text=Tra cứu thẻ BHYT 👍 payload=QR_TRA_CUU_BHYT"},
      {"messenger/body-4.json", kOwnAppId,
       "payload " + kPrefix +
           " id=m_Pb3Kd6Jf9Hg2Ls5Az8Qw1Ex4Rc7Tv0Yb3Un6Im9Ok2Pl5Mj8Nh1Bg4Vf7Cd0Xs3Za6Wq9Ee2R"
           " at=1718000200555 type=postback text=Bắt đầu payload=GET_STARTED"},
      {"messenger/body-4-tampered.json", kOwnAppId,
       "payload " + kPrefix +
           " id=m_Pb3Kd6Jf9Hg2Ls5Az8Qw1Ex4Rc7Tv0Yb3Un6Im9Ok2Pl5Mj8Nh1Bg4Vf7Cd0Xs3Za6Wq9Ee2R"
           " at=1718000200555 type=postback text=Bắt đầu payload=GET_STARTEX"},
      {"messenger/body-5.json", kOwnAppId,
       "text " + kPrefix +
           " id=m_Bt1Aa2Bb3Cc4Dd5Ee6Ff7Gg8Hh9Ii0Jj1Kk2Ll3Mm4Nn5Oo6Pp7Qq8Rr9Ss0Tt1Uu2Vv3Ww4X"
           " at=1718000300666 type=message text=Xin chào, tôi cần hỗ trợ về sổ BHXH"
           " | ignored: read"},
      {"messenger/body-6.json", kOwnAppId,
       "echo " + kPrefix +
           " id=m_Ec4Ho7Ec0Ho3Ec6Ho9Ec2Ho5Ec8Ho1Ec4Ho7Ec0Ho3Ec6Ho9Ec2Ho5Ec8Ho1Ec4Ho7Ec0Ho3Ec6H"
           " at=1718000400888 type=message_echo"
           " text=Dạ, mời anh/chị xem hướng dẫn tại https://baohiemxahoi.gov.vn/tra-cuu"},
      {"messenger/body-6.json", "999",
       "human_reply " + kPrefix +
           " id=m_Ec4Ho7Ec0Ho3Ec6Ho9Ec2Ho5Ec8Ho1Ec4Ho7Ec0Ho3Ec6Ho9Ec2Ho5Ec8Ho1Ec4Ho7Ec0Ho3Ec6H"
           " at=1718000400888 type=message_echo"
           " text=Dạ, mời anh/chị xem hướng dẫn tại https://baohiemxahoi.gov.vn/tra-cuu"},
  }));
  CAPTURE(file, own_app_id);
  const std::string body = ReadBinary(kVectorDir + "/" + file);
  CHECK(Summary(ParseMessengerWebhook(body, own_app_id)) == expected);
}

TEST_CASE("a batch of two entries yields the events of both, in order") {
  const std::string body =
      R"({"object":"page","entry":[)"
      R"({"id":"109876543210987","time":1718000000500,"messaging":[{"sender":{"id":"111"},"recipient":{"id":"109876543210987"},"timestamp":1718000000001,"message":{"mid":"m_1","text":"một"}}]},)"
      R"({"id":"109876543210987","time":1718000000600,"messaging":[{"sender":{"id":"222"},"recipient":{"id":"109876543210987"},"timestamp":1718000000002,"message":{"mid":"m_2","text":"hai"}},)"
      R"({"sender":{"id":"222"},"recipient":{"id":"109876543210987"},"timestamp":1718000000003,"delivery":{"mids":["m_0"],"watermark":1718000000000}}]}]})";
  const auto r = ParseMessengerWebhook(body, kOwnAppId);
  REQUIRE(r.ok());
  CHECK(Events(r) == std::vector<std::string>{
                         "text user=111 to=109876543210987 id=m_1 at=1718000000001 type=message "
                         "text=một",
                         "text user=222 to=109876543210987 id=m_2 at=1718000000002 type=message "
                         "text=hai"});
  CHECK(r->ignored == std::vector<std::string>{"delivery"});
}

TEST_CASE("an echo from our app is ignored and an echo typed by a person pauses the bot") {
  auto [what, message, sender_recipient, own_app_id, expected] =
      GENERATE(table<std::string, std::string, std::string, std::string, std::string>({
          {"our app id as a number",
           R"({"is_echo":true,"app_id":1517776481860111,"mid":"m_e","text":"x"})", "", kOwnAppId,
           "echo"},
          {"our app id as a string",
           R"({"is_echo":true,"app_id":"1517776481860111","mid":"m_e","text":"x"})", "", kOwnAppId,
           "echo"},
          {"the Page Inbox app",
           R"({"is_echo":true,"app_id":263902037430900,"mid":"m_e","text":"x"})", "", kOwnAppId,
           "human_reply"},
          {"no app id", R"({"is_echo":true,"mid":"m_e","text":"x"})", "", kOwnAppId, "human_reply"},
          {"no own app id configured",
           R"({"is_echo":true,"app_id":1517776481860111,"mid":"m_e","text":"x"})", "", "",
           "human_reply"},
          {"is_echo false is a user message", R"({"is_echo":false,"mid":"m_e","text":"x"})",
           R"("sender":{"id":"7012345678901234"},"recipient":{"id":"109876543210987"})", kOwnAppId,
           "text"},
          {"older doc: sender and recipient swapped",
           R"({"is_echo":true,"app_id":1517776481860111,"mid":"m_e","text":"x"})",
           R"("sender":{"id":"7012345678901234"},"recipient":{"id":"109876543210987"})", kOwnAppId,
           "echo"},
      }));
  CAPTURE(what);
  const std::string sides =
      sender_recipient.empty()
          ? R"("sender":{"id":"109876543210987"},"recipient":{"id":"7012345678901234"})"
          : sender_recipient;
  const std::string body =
      Body("{" + sides + R"(,"timestamp":1718000000321,"message":)" + message + "}");
  const std::string type = expected == "text" ? "message" : "message_echo";
  CHECK(Summary(ParseMessengerWebhook(body, own_app_id)) ==
        expected + " user=7012345678901234 to=109876543210987 id=m_e at=1718000000321 type=" +
            type + " text=x");
}

TEST_CASE("standby events are kept as standby, and their receipts are ignored") {
  const std::string body =
      R"({"object":"page","entry":[{"id":"109876543210987","time":1718000000500,"standby":[)" +
      Event(R"("message":{"mid":"m_s1","text":"Cho hỏi"})") + "," +
      Event(R"("postback":{"title":"Menu","payload":"MENU"})") + "," +
      Event(R"("read":{"watermark":1})") + "," + Event(R"("referral":{"ref":"ad"})") + "]}]}";
  CHECK(
      Summary(ParseMessengerWebhook(body, kOwnAppId)) ==
      "standby " + kPrefix + " id=m_s1 at=1718000000321 type=standby_message text=Cho hỏi | " +
          "standby " + kPrefix +
          " id=standby_postback:7012345678901234:1718000000321 at=1718000000321"
          " type=standby_postback text=Menu payload=MENU | ignored: standby:read,standby:referral");
}

TEST_CASE("the Page Inbox passing the thread back to this app releases the user") {
  const std::string to_us = Event(
      R"("pass_thread_control":{"new_owner_app_id":")" + kOwnAppId +
      R"(","previous_owner_app_id":"263902037430900","metadata":"done"})");
  CHECK(Summary(ParseMessengerWebhook(Body(to_us), kOwnAppId)) ==
        "thread_returned " + kPrefix +
            " id=pass_thread_control:7012345678901234:1718000000321 at=1718000000321"
            " type=pass_thread_control");
  // To another app, or with no app id of ours configured: only counted.
  const std::string elsewhere = Event(
      R"("pass_thread_control":{"new_owner_app_id":"555","previous_owner_app_id":"263902037430900"})");
  CHECK(Summary(ParseMessengerWebhook(Body(elsewhere), kOwnAppId)) == "ignored: pass_thread_control");
  CHECK(Summary(ParseMessengerWebhook(Body(to_us), "")) == "ignored: pass_thread_control");
}

TEST_CASE("a postback keys on its mid, or on the user and time when it has none") {
  auto [postback, expected_id] = GENERATE(table<std::string, std::string>({
      {R"({"title":"Bắt đầu","payload":"GET_STARTED","mid":"m_pb"})", "m_pb"},
      {R"({"title":"Bắt đầu","payload":"GET_STARTED"})", "postback:7012345678901234:1718000000321"},
      {R"({"title":"Bắt đầu","payload":"GET_STARTED","mid":""})",
       "postback:7012345678901234:1718000000321"},
  }));
  CAPTURE(postback);
  CHECK(Summary(ParseMessengerWebhook(Body(Event(R"("postback":)" + postback)), kOwnAppId)) ==
        "payload " + kPrefix + " id=" + expected_id +
            " at=1718000000321 type=postback text=Bắt đầu payload=GET_STARTED");
}

TEST_CASE("timestamps are read as ms numbers or strings, 10 digits meaning seconds") {
  auto [timestamp, expected_ms] = GENERATE(table<std::string, long long>({
      {R"("timestamp":1718000000321,)", 1718000000321},
      {R"("timestamp":"1718000000321",)", 1718000000321},
      {R"("timestamp":"1527459824",)", 1527459824000},
      {R"("timestamp":1527459824,)", 1527459824000},
      {R"("timestamp":0,)", 0},
      // Unreadable: the entry's time is used instead.
      {"", 1718000000500},
      {R"("timestamp":null,)", 1718000000500},
      {R"("timestamp":-1718000000321,)", 1718000000500},
      {R"("timestamp":1718000000.5,)", 1718000000500},
      {R"("timestamp":"17180x0000321",)", 1718000000500},
      {R"("timestamp":"",)", 1718000000500},
      {R"("timestamp":99999999999999999999,)", 1718000000500},
      {R"("timestamp":"9999999999999999",)", 1718000000500},
      {R"("timestamp":[1],)", 1718000000500},
  }));
  CAPTURE(timestamp);
  const std::string body = Body(R"({"sender":{"id":"1"},"recipient":{"id":"2"},)" + timestamp +
                                R"("postback":{"payload":"P"}})");
  const auto r = ParseMessengerWebhook(body, kOwnAppId);
  REQUIRE(r.ok());
  REQUIRE(r->events.size() == 1);
  CHECK(Millis(r->events[0].at) == expected_ms);
  CHECK(r->events[0].platform_id == "postback:1:" + std::to_string(expected_ms));
}

TEST_CASE("a missing event and entry time falls back to the epoch") {
  const std::string body =
      R"({"object":"page","entry":[{"id":"9","messaging":[{"sender":{"id":"1"},"recipient":{"id":"9"},"postback":{"payload":"P"}}]}]})";
  CHECK(Summary(ParseMessengerWebhook(body, kOwnAppId)) ==
        "payload user=1 to=9 id=postback:1:0 at=0 type=postback payload=P");
}

TEST_CASE("ids are read as strings or as integers without losing digits") {
  auto [sender, page, expected] = GENERATE(table<std::string, std::string, std::string>({
      {R"("7012345678901234")", R"("109876543210987")",
       "text user=7012345678901234 to=109876543210987 id=m_1 at=1718000000321 type=message "
       "text=hi"},
      {"7012345678901234", "109876543210987",
       "text user=7012345678901234 to=109876543210987 id=m_1 at=1718000000321 type=message "
       "text=hi"},
      {"18446744073709551615", "109876543210987",
       "text user=18446744073709551615 to=109876543210987 id=m_1 at=1718000000321 type=message "
       "text=hi"},
      // No entry id: the recipient names the page.
      {"7012345678901234", "null",
       "text user=7012345678901234 to=109876543210987 id=m_1 at=1718000000321 type=message "
       "text=hi"},
      {"18446744073709551616", "109876543210987", "ignored: malformed:message"},
      {"7.012345678901234e15", "109876543210987", "ignored: malformed:message"},
      {R"("")", "109876543210987", "ignored: malformed:message"},
      {"true", "109876543210987", "ignored: malformed:message"},
      {R"({"id":"1"})", "109876543210987", "ignored: malformed:message"},
      {std::string("\"") + std::string(300, '7') + "\"", "109876543210987",
       "ignored: malformed:message"},
  }));
  CAPTURE(sender, page);
  const std::string body =
      R"({"object":"page","entry":[{"id":)" + page + R"(,"messaging":[{"sender":{"id":)" + sender +
      R"(},"recipient":{"id":109876543210987},"timestamp":1718000000321,"message":{"mid":"m_1","text":"hi"}}]}]})";
  CHECK(Summary(ParseMessengerWebhook(body, kOwnAppId)) == expected);
}

TEST_CASE("every attachment type is media unless the message also has text") {
  auto [message, expected_kind] = GENERATE(table<std::string, std::string>({
      {R"({"mid":"m_1","attachments":[{"type":"image","payload":{"url":"https://x/1.jpg"}}]})",
       "media"},
      {R"({"mid":"m_1","attachments":[{"type":"audio","payload":{"url":"https://x/1.mp4"}}]})",
       "media"},
      {R"({"mid":"m_1","attachments":[{"type":"video","payload":{"url":"https://x/1.mp4"}}]})",
       "media"},
      {R"({"mid":"m_1","attachments":[{"type":"file","payload":{"url":"https://x/1.pdf"}}]})",
       "media"},
      {R"({"mid":"m_1","attachments":[{"type":"sticker","payload":{"url":"https://x/s.png","sticker_id":369239263222822}}]})",
       "media"},
      {R"({"mid":"m_1","sticker_id":369239263222822,"attachments":[{"type":"image","payload":{"url":"https://x/s.png","sticker_id":369239263222822}}]})",
       "media"},
      {R"({"mid":"m_1","attachments":[{"type":"location","payload":{"coordinates":{"lat":21.0,"long":105.8}}}]})",
       "media"},
      {R"({"mid":"m_1","attachments":[{"type":"fallback","payload":{"url":"https://x"},"title":"Link"}]})",
       "media"},
      {R"({"mid":"m_1","attachments":[{"type":"reel","payload":{"url":"https://x","reel_video_id":1}}]})",
       "media"},
      {R"({"mid":"m_1","attachments":[{"type":"ig_reel","payload":{"url":"https://x"}}]})",
       "media"},
      {R"({"mid":"m_1","attachments":[{"type":"template","payload":{}}]})", "media"},
      {R"({"mid":"m_1","is_unsupported":true})", "media"},
      {R"({"mid":"m_1","text":""})", "media"},
      {R"({"mid":"m_1","text":"xem ảnh","attachments":[{"type":"image","payload":{"url":"https://x/1.jpg"}}]})",
       "text"},
      {R"({"mid":"m_1","text":"trả lời","reply_to":{"mid":"m_0","is_self_reply":false}})", "text"},
  }));
  CAPTURE(message);
  const auto r = ParseMessengerWebhook(Body(Event(R"("message":)" + message)), kOwnAppId);
  REQUIRE(r.ok());
  REQUIRE(r->events.size() == 1);
  CHECK(KindName(r->events[0].kind) == expected_kind);
  CHECK(r->events[0].payload.empty());
}

TEST_CASE("opt-ins and referrals greet, other event types are only counted") {
  auto [fields, expected] = GENERATE(table<std::string, std::string>({
      {R"("optin":{"ref":"landing"})",
       "follow " + kPrefix +
           " id=optin:7012345678901234:1718000000321 at=1718000000321 type=optin payload=landing"},
      {R"("referral":{"ref":"ads-bhyt","source":"ADS","type":"OPEN_THREAD"})",
       "follow " + kPrefix +
           " id=referral:7012345678901234:1718000000321 at=1718000000321 type=referral "
           "payload=ads-bhyt"},
      {R"("referral":{"source":"SHORTLINK"})",
       "follow " + kPrefix +
           " id=referral:7012345678901234:1718000000321 at=1718000000321 type=referral"},
      {R"("delivery":{"mids":["m_1"],"watermark":1})", "ignored: delivery"},
      {R"("read":{"watermark":1})", "ignored: read"},
      {R"("reaction":{"mid":"m_1","action":"react","emoji":"❤"})", "ignored: reaction"},
      {R"("pass_thread_control":{"new_owner_app_id":"1","metadata":"x"})",
       "ignored: pass_thread_control"},
      {R"("take_thread_control":{"previous_owner_app_id":"1"})", "ignored: take_thread_control"},
      {R"("request_thread_control":{"requested_owner_app_id":1})",
       "ignored: request_thread_control"},
      {R"("Some Future-Type!":{})", "ignored: some?future?type?"},
      {R"("optin":{"type":"one_time_notif_req"},"message":{"mid":"m_1","text":"hi"})",
       "text " + kPrefix + " id=m_1 at=1718000000321 type=message text=hi"},
  }));
  CAPTURE(fields);
  CHECK(Summary(ParseMessengerWebhook(Body(Event(fields)), kOwnAppId)) == expected);
}

TEST_CASE("a checkbox opt-in without a PSID is skipped") {
  const std::string body = Body(
      R"({"recipient":{"id":"109876543210987"},"timestamp":1,"optin":{"ref":"r","user_ref":"u1"}})");
  CHECK(Summary(ParseMessengerWebhook(body, kOwnAppId)) == "ignored: malformed:optin");
}

TEST_CASE("malformed Messenger bodies get a pinned result and never an exception") {
  const std::string deep_entry =
      R"({"object":"page","entry":)" + std::string(20000, '[') + std::string(20000, ']') + "}";
  const std::string deep_attachments =
      Body(Event(R"("message":{"mid":"m_1","text":"hi","attachments":)" + std::string(20000, '[') +
                 std::string(20000, ']') + "}"));
  auto [what, body, expected] = GENERATE_COPY(table<std::string, std::string, std::string>({
      {"empty body", "", "error: malformed JSON"},
      {"not JSON", "hello", "error: malformed JSON"},
      {"truncated JSON", R"({"object":"page","entry":[)", "error: malformed JSON"},
      {"invalid UTF-8", "{\"object\":\"page\xff\"}", "error: malformed JSON"},
      {"number too large for a double", R"({"object":"page","x":1e400})", "error: malformed JSON"},
      {"unclosed deep nesting", std::string(100000, '['), "error: malformed JSON"},
      {"an array", "[]", "error: not a JSON object"},
      {"a string", R"("page")", "error: not a JSON object"},
      {"null", "null", "error: not a JSON object"},
      {"empty object", "{}", "ignored: object:missing"},
      {"object not a string", R"({"object":1,"entry":[]})", "ignored: object:missing"},
      {"another object", R"({"object":"instagram","entry":[]})", "ignored: object:instagram"},
      {"object name sanitised", R"({"object":"Pa ge\n"})", "ignored: object:pa?ge?"},
      {"no entry", R"({"object":"page"})", "ignored: malformed:entry"},
      {"entry an object", R"({"object":"page","entry":{}})", "ignored: malformed:entry"},
      {"empty entry list", R"({"object":"page","entry":[]})", "nothing"},
      {"entries of wrong types", R"({"object":"page","entry":[1,"x",null]})",
       "ignored: malformed:entry,malformed:entry,malformed:entry"},
      {"entry without events", R"({"object":"page","entry":[{"id":"1","time":1}]})", "nothing"},
      {"messaging an object", R"({"object":"page","entry":[{"messaging":{}}]})",
       "ignored: malformed:messaging"},
      {"standby a string", R"({"object":"page","entry":[{"standby":"x"}]})",
       "ignored: malformed:standby"},
      {"event not an object", R"({"object":"page","entry":[{"messaging":[1,[]]}]})",
       "ignored: malformed:event,malformed:event"},
      {"empty event", R"({"object":"page","entry":[{"messaging":[{}]}]})", "ignored: unknown"},
      {"event with only sender", Body(R"({"sender":{"id":"1"}})"), "ignored: unknown"},
      {"message not an object", Body(Event(R"("message":"hi")")), "ignored: malformed:message"},
      {"message text a number", Body(Event(R"("message":{"mid":"m_1","text":5})")),
       "ignored: malformed:message"},
      {"message without sender",
       Body(R"({"recipient":{"id":"1"},"timestamp":1,"message":{"mid":"m_1","text":"hi"}})"),
       "ignored: malformed:message"},
      {"sender without id", Body(R"({"sender":{},"recipient":{"id":"1"},"message":{"text":"hi"}})"),
       "ignored: malformed:message"},
      {"sender a string", Body(R"({"sender":"1","recipient":{"id":"1"},"message":{"text":"hi"}})"),
       "ignored: malformed:message"},
      {"is_echo a string", Body(Event(R"("message":{"is_echo":"true","mid":"m_1","text":"hi"})")),
       "ignored: malformed:message"},
      {"echo to nobody but the page",
       Body(
           R"({"sender":{"id":"109876543210987"},"recipient":{"id":"109876543210987"},"message":{"is_echo":true,"text":"x"}})"),
       "ignored: malformed:message"},
      {"quick reply without payload", Body(Event(R"("message":{"text":"hi","quick_reply":{}})")),
       "ignored: malformed:message"},
      {"quick reply payload a number",
       Body(Event(R"("message":{"text":"hi","quick_reply":{"payload":1}})")),
       "ignored: malformed:message"},
      {"quick reply a string", Body(Event(R"("message":{"text":"hi","quick_reply":"P"})")),
       "ignored: malformed:message"},
      {"postback without payload", Body(Event(R"("postback":{"title":"x"})")),
       "ignored: malformed:postback"},
      {"postback payload null", Body(Event(R"("postback":{"payload":null})")),
       "ignored: malformed:postback"},
      {"postback title a number", Body(Event(R"("postback":{"payload":"P","title":1})")),
       "ignored: malformed:postback"},
      {"postback an array", Body(Event(R"("postback":["P"])")), "ignored: malformed:postback"},
      {"mid of a wrong type is replaced", Body(Event(R"("message":{"mid":{"x":1},"text":"hi"})")),
       "text " + kPrefix +
           " id=message:7012345678901234:1718000000321 at=1718000000321 type=message text=hi"},
      {"text with a NUL escape", Body(Event(R"("message":{"mid":"m_1","text":"a\u0000b"})")),
       "text " + kPrefix + " id=m_1 at=1718000000321 type=message text=a" + std::string(1, '\0') +
           "b"},
      {"deeply nested entry list", deep_entry, "ignored: malformed:entry"},
      {"deeply nested attachments", deep_attachments,
       "text " + kPrefix + " id=m_1 at=1718000000321 type=message text=hi"},
  }));
  CAPTURE(what);
  std::string summary;
  REQUIRE_NOTHROW(summary = Summary(ParseMessengerWebhook(body, kOwnAppId)));
  CHECK(summary == expected);
}

namespace {

// Every JSON pointer in `j`, the root included.
void Pointers(const json& j, const json::json_pointer& at, std::vector<json::json_pointer>* out) {
  out->push_back(at);
  if (j.is_object()) {
    for (const auto& item : j.items()) Pointers(item.value(), at / item.key(), out);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) Pointers(j[i], at / i, out);
  }
}

json RandomValue(std::mt19937& rng) {
  switch (rng() % 12) {
    case 0:
      return nullptr;
    case 1:
      return true;
    case 2:
      return -1;
    case 3:
      return 18446744073709551615ULL;
    case 4:
      return 1e300;
    case 5:
      return "";
    case 6:
      return "x";
    case 7:
      return json::array();
    case 8:
      return json::object();
    case 9:
      return json::array({1, "a", nullptr});
    case 10:
      return {{"id", "1"}, {"payload", 2}};
    default:
      return "1718000000123";
  }
}

// Byte-level damage: flips, cuts, duplications and JSON punctuation.
std::string MutateBytes(std::string s, std::mt19937& rng) {
  static const char kNoise[] = "{}[]\":,0-9e.\\u\xff\xc3 ";
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits && !s.empty(); ++i) {
    const size_t pos = rng() % s.size();
    switch (rng() % 4) {
      case 0:
        s[pos] = static_cast<char>(rng() % 256);
        break;
      case 1:
        s.erase(pos, 1 + rng() % 16);
        break;
      case 2:
        s.insert(pos, s.substr(pos, 1 + rng() % 32));
        break;
      default:
        s.insert(pos, 1, kNoise[rng() % (sizeof(kNoise) - 1)]);
        break;
    }
  }
  return s;
}

// Structural damage: a random node of the parsed body gets a value of
// another type, or is removed.
std::string MutateStructure(const std::string& body, std::mt19937& rng) {
  json doc = json::parse(body);
  std::vector<json::json_pointer> pointers;
  Pointers(doc, json::json_pointer(), &pointers);
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < edits; ++i) {
    const auto& p = pointers[rng() % pointers.size()];
    if (!doc.contains(p)) continue;
    if (p.empty() || rng() % 4 != 0) {
      doc[p] = RandomValue(rng);
    } else {
      json& parent = doc[p.parent_pointer()];
      if (parent.is_object()) parent.erase(p.back());
    }
  }
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("random mutations of the vector bodies never crash the Messenger parser") {
  std::vector<std::string> bodies;
  for (const char* f : {"body-1", "body-2", "body-3", "body-4", "body-5", "body-6"}) {
    bodies.push_back(ReadBinary(kVectorDir + "/messenger/" + f + ".json"));
  }
  std::mt19937 rng(20240611);
  size_t parsed = 0;
  size_t events = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::string& base = bodies[rng() % bodies.size()];
    const std::string body = rng() % 2 ? MutateBytes(base, rng) : MutateStructure(base, rng);
    Result<WebhookParse> r = InvalidArgument("");
    REQUIRE_NOTHROW(r = ParseMessengerWebhook(body, kOwnAppId));
    if (!r.ok()) {
      CHECK((r.status().message() == "malformed JSON" ||
             r.status().message() == "not a JSON object"));
      continue;
    }
    ++parsed;
    for (const ChannelEvent& e : r->events) {
      ++events;
      CHECK(e.channel == "messenger");
      CHECK_FALSE(e.user.empty());
      CHECK_FALSE(e.platform_id.empty());
      CHECK_FALSE(e.raw_type.empty());
    }
  }
  // The mutations must exercise the parser, not only the JSON reader.
  CHECK(parsed > 1000);
  CHECK(events > 500);
}
