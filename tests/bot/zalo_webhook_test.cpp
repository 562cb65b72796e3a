#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
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
  if (e.channel != "zalo") s += " channel=" + e.channel;
  return s;
}

// "error: <message>" or the event and the ignored types, in one string.
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

const std::string kUser = "246845883529197922";
const std::string kOa = "388613280878808645";
const std::string kUserToOa = "user=" + kUser + " to=" + kOa;

// A user->OA event with the given event name and extra fields.
std::string UserEvent(const std::string& name, const std::string& extra) {
  return R"({"app_id":"1234567890123456789","sender":{"id":")" + kUser +
         R"("},"recipient":{"id":")" + kOa + R"("},"event_name":")" + name + R"(",)" + extra +
         R"("timestamp":"1718000000123"})";
}

std::string Body7Text() {
  const std::string question =
      "Em xin hỏi: người tham gia BHYT theo hộ gia đình ở xã Thượng Đình đóng theo mức nào, "
      "thành viên thứ hai trở đi được giảm bao nhiêu, và nếu đóng chậm thì thẻ có bị gián đoạn "
      "không ạ?";
  std::string text;
  for (int i = 1; i <= 34; ++i) {
    char number[8];
    std::snprintf(number, sizeof number, "(%02d) ", i);
    text += (i > 1 ? " " : "") + std::string(number) + question;
  }
  return text;
}

}  // namespace

TEST_CASE("every Zalo test vector body parses to its expected event") {
  auto [file, expected] = GENERATE(table<std::string, std::string>({
      {"zalo/body-1.json", "text " + kUserToOa +
                               " id=96d3cdf3af150460909 at=1718000000123 type=user_send_text"
                               " text=Mức đóng BHYT hộ gia đình là bao nhiêu?"},
      {"zalo/body-1-tampered.json",
       "text " + kUserToOa +
           " id=96d3cdf3af150460909 at=1718000000123 type=user_send_text"
           " text=Mức đóng BHYT hộ gia đình là bao nhiêu."},
      {"zalo/body-2.json", "follow " + kUserToOa + " id=follow:" + kUser +
                               ":1718000100456 at=1718000100456 type=follow"},
      {"zalo/body-3.json",
       "user_info " + kUserToOa + " id=user_submit_info:" + kUser +
           ":1718000200789 at=1718000200789 type=user_submit_info"
           R"( text={"address":"Số 12 ngõ 34 phố Nguyễn Trãi, Thượng Đình, Thanh Xuân, Hà Nội",)"
           R"("name":"Nguyễn Thị Hồng Nhung","phone":"84912345678"})"},
      {"zalo/body-4.json",
       "human_reply " + kUserToOa +
           " id=a1b2c3d4e5f607182930 at=1718000300000 type=oa_send_text"
           " text=Chào anh/chị, cán bộ BHXH đã nhận câu hỏi và sẽ trả lời trong giờ hành chính."},
      {"zalo/body-5.json", "text " + kUserToOa +
                               " id=e5f6a7b8c9d0e1f2a3b4 at=1718000400001 type=user_send_text"
                               " text=Cảm ơn cán bộ ạ 🙏👍 Chúc một ngày tốt lành 🇻🇳😊 "
                               "👨‍👩‍👧"},
      {"zalo/body-6.json", "text " + kUserToOa +
                               " id=f0e1d2c3b4a596870605 at=1718000500002 type=user_send_text"
                               " text=Cho em hỏi thủ tục đăng ký BHYT cho con dưới 6 tuổi ạ?"},
      {"zalo/body-6-decoded.json",
       "text " + kUserToOa +
           " id=f0e1d2c3b4a596870605 at=1718000500002 type=user_send_text"
           " text=Cho em hỏi thủ tục đăng ký BHYT cho con dưới 6 tuổi ạ?"},
      {"zalo/body-7.json", "text " + kUserToOa +
                               " id=0a1b2c3d4e5f60718293 at=1718000600003 type=user_send_text"
                               " text=" +
                               Body7Text()},
      {"zalo/body-8.json", "media " + kUserToOa +
                               " id=1c2d3e4f5a6b7c8d9e0f at=1718000700004 type=user_send_image"
                               " text=Ảnh chụp thẻ BHYT"},
  }));
  CAPTURE(file);
  CHECK(Summary(ParseZaloWebhook(ReadBinary(kVectorDir + "/" + file))) == expected);
}

TEST_CASE("an OA message typed by an admin pauses the bot and one sent by the API is an echo") {
  auto [sender, expected] = GENERATE(table<std::string, std::string>({
      {R"({"id":"388613280878808645","admin_id":"7788990011223344556"})", "human_reply"},
      {R"({"id":"388613280878808645","admin_id":7788990011223344556})", "human_reply"},
      {R"({"id":"388613280878808645"})", "echo"},
      {R"({"id":"388613280878808645","admin_id":""})", "echo"},
      {R"({"id":"388613280878808645","admin_id":null})", "echo"},
  }));
  CAPTURE(sender);
  for (const std::string name : {"oa_send_text", "oa_send_image", "oa_send_gif", "oa_send_list",
                                 "oa_send_file", "oa_send_sticker"}) {
    CAPTURE(name);
    const std::string body =
        R"({"app_id":"1","sender":)" + sender +
        R"(,"recipient":{"id":"246845883529197922"},"event_name":")" + name +
        R"(","message":{"msg_id":"m1","text":"Dạ"},"timestamp":"1718000300000"})";
    CHECK(Summary(ParseZaloWebhook(body)) ==
          expected + " " + kUserToOa + " id=m1 at=1718000300000 type=" + name + " text=Dạ");
  }
}

TEST_CASE("every user media event is media") {
  auto [name, message] = GENERATE(table<std::string, std::string>({
      {"user_send_image",
       R"({"msg_id":"m1","attachments":[{"type":"image","payload":{"thumbnail":"https://t","url":"https://u"}}]})"},
      {"user_send_gif",
       R"({"msg_id":"m1","attachments":[{"type":"gif","payload":{"thumbnail":"https://t","url":"https://u"}}]})"},
      {"user_send_link",
       R"({"msg_id":"m1","attachments":[{"type":"link","payload":{"thumbnail":"https://t","description":"d","url":"https://u"}}]})"},
      {"user_send_audio",
       R"({"msg_id":"m1","attachments":[{"type":"audio","payload":{"url":"https://u.amr"}}]})"},
      {"user_send_video",
       R"({"msg_id":"m1","attachments":[{"type":"video","payload":{"url":"https://u","thumbnail":"https://t","description":"d"}}]})"},
      {"user_send_sticker",
       R"({"msg_id":"m1","attachments":[{"type":"sticker","payload":{"url":"https://u","id":"s1"}}]})"},
      {"user_send_location",
       R"({"msg_id":"m1","attachments":[{"type":"location","payload":{"coordinates":{"latitude":"21.0","longitude":"105.8"}}}]})"},
      {"user_send_file",
       R"({"msg_id":"m1","attachments":[{"type":"file","payload":{"size":"12","name":"a.pdf","checksum":"c","type":"pdf","url":"https://u"}}]})"},
      {"user_send_business_card",
       R"({"msg_id":"m1","attachments":[{"type":"business_card","payload":{"thumbnail":"https://t","description":"{\"phone\":\"0912\"}"}}]})"},
  }));
  CAPTURE(name);
  CHECK(Summary(ParseZaloWebhook(UserEvent(name, R"("message":)" + message + ","))) ==
        "media " + kUserToOa + " id=m1 at=1718000000123 type=" + name);
}

TEST_CASE("follow, chat-now, unfollow and withdraw events name the user in their own fields") {
  auto [body, expected] = GENERATE(table<std::string, std::string>({
      {R"({"oa_id":"388613280878808645","follower":{"id":"246845883529197922"},"event_name":"follow","source":"message_invite","timestamp":"1718000100456"})",
       "follow " + kUserToOa + " id=follow:" + kUser +
           ":1718000100456 at=1718000100456 type=follow"},
      {R"({"oa_id":"388613280878808645","follower":{"id":"246845883529197922"},"event_name":"unfollow","timestamp":"1718000100456"})",
       "unfollow " + kUserToOa + " id=unfollow:" + kUser +
           ":1718000100456 at=1718000100456 type=unfollow"},
      {R"({"oa_id":388613280878808645,"user_id":246845883529197922,"user_id_by_app":"5","event_name":"user_click_chatnow","timestamp":1718000100456})",
       "follow " + kUserToOa + " id=user_click_chatnow:" + kUser +
           ":1718000100456 at=1718000100456 type=user_click_chatnow"},
      {R"({"oa_id":"388613280878808645","user_id":"246845883529197922","event_name":"user_withdraw","timestamp":"1718000100456"})",
       "withdraw " + kUserToOa + " id=user_withdraw:" + kUser +
           ":1718000100456 at=1718000100456 type=user_withdraw"},
      {R"({"sender":{"id":"246845883529197922"},"recipient":{"id":"388613280878808645"},"event_name":"user_withdraw","timestamp":"1718000100456"})",
       "withdraw " + kUserToOa + " id=user_withdraw:" + kUser +
           ":1718000100456 at=1718000100456 type=user_withdraw"},
      {R"({"oa_id":"388613280878808645","event_name":"follow","timestamp":"1718000100456"})",
       "ignored: malformed:follow"},
      {R"({"follower":{"id":"246845883529197922"},"event_name":"follow","timestamp":"1718000100456"})",
       "follow user=" + kUser + " to= id=follow:" + kUser +
           ":1718000100456 at=1718000100456 type=follow"},
  }));
  CAPTURE(body);
  CHECK(Summary(ParseZaloWebhook(body)) == expected);
}

TEST_CASE("user_submit_info is read in both the current and the older shape") {
  auto [info, expected] = GENERATE(table<std::string, std::string>({
      // Current shape.
      {R"({"name":"Trần Văn An","phone":"84987654321","user_dob":"01/02/1990","gender":"Nam","full_address":{"user_city":"Hà Nội","user_district":"Thanh Xuân","user_ward":"Thượng Đình","user_address":"Số 5 ngõ 7"}})",
       R"({"address":"Số 5 ngõ 7, Thượng Đình, Thanh Xuân, Hà Nội","dob":"01/02/1990","gender":"Nam","name":"Trần Văn An","phone":"84987654321"})"},
      {R"({"name":"An","phone":84987654321,"full_address":{"user_city":"Hà Nội","user_ward":"Thượng Đình","user_address":"Số 5"}})",
       R"({"address":"Số 5, Thượng Đình, Hà Nội","name":"An","phone":"84987654321"})"},
      {R"({"name":"An","phone":"0912","full_address":"Số 5, Hà Nội"})",
       R"({"address":"Số 5, Hà Nội","name":"An","phone":"0912"})"},
      // Older flat shape.
      {R"({"address":"Số 12","phone":"84912345678","city":"Hà Nội","district":"Thanh Xuân","name":"Nhung","ward":"Thượng Đình","dob":"1990"})",
       R"({"address":"Số 12, Thượng Đình, Thanh Xuân, Hà Nội","dob":"1990","name":"Nhung","phone":"84912345678"})"},
      // Empty full_address falls back to the flat fields.
      {R"({"name":"An","full_address":{},"address":"Số 12","city":"Hà Nội"})",
       R"({"address":"Số 12, Hà Nội","name":"An","phone":""})"},
      // Missing or mistyped fields become empty, never an error.
      {R"({})", R"({"address":"","name":"","phone":""})"},
      {R"({"name":5,"phone":1.5,"gender":0,"full_address":[1],"city":null})",
       R"({"address":"","gender":"0","name":"","phone":""})"},
  }));
  CAPTURE(info);
  const auto r = ParseZaloWebhook(UserEvent("user_submit_info", R"("info":)" + info + ","));
  REQUIRE(r.ok());
  REQUIRE(r->events.size() == 1);
  CHECK(r->events[0].kind == ChannelEventKind::kUserInfo);
  CHECK(r->events[0].text == expected);
  CHECK(json::parse(r->events[0].text).is_object());
}

TEST_CASE("timestamps and ids are read as strings or numbers without losing digits") {
  auto [sender, timestamp, expected] = GENERATE(table<std::string, std::string, std::string>({
      {R"("246845883529197922")", R"("1718000000123")",
       "text " + kUserToOa + " id=m1 at=1718000000123 type=user_send_text text=hỏi"},
      {"246845883529197922", "1718000000123",
       "text " + kUserToOa + " id=m1 at=1718000000123 type=user_send_text text=hỏi"},
      {"18446744073709551615", R"("1718000000")",
       "text user=18446744073709551615 to=" + kOa +
           " id=m1 at=1718000000000 type=user_send_text text=hỏi"},
      // The docs' own example has a 12-digit timestamp: still milliseconds.
      {R"("246845883529197922")", R"("154390853474")",
       "text " + kUserToOa + " id=m1 at=154390853474 type=user_send_text text=hỏi"},
      {R"("246845883529197922")", "1.5",
       "text " + kUserToOa + " id=m1 at=0 type=user_send_text text=hỏi"},
      {R"("246845883529197922")", R"("soon")",
       "text " + kUserToOa + " id=m1 at=0 type=user_send_text text=hỏi"},
      {R"("246845883529197922")", "null",
       "text " + kUserToOa + " id=m1 at=0 type=user_send_text text=hỏi"},
      {"18446744073709551616", R"("1718000000123")", "ignored: malformed:user_send_text"},
      {"2.46845883529197922e17", R"("1718000000123")", "ignored: malformed:user_send_text"},
      {R"("")", R"("1718000000123")", "ignored: malformed:user_send_text"},
      {"[1]", R"("1718000000123")", "ignored: malformed:user_send_text"},
  }));
  CAPTURE(sender, timestamp);
  const std::string body =
      R"({"sender":{"id":)" + sender + R"(},"recipient":{"id":)" + kOa +
      R"(},"event_name":"user_send_text","message":{"msg_id":"m1","text":"hỏi"},"timestamp":)" +
      timestamp + "}";
  CHECK(Summary(ParseZaloWebhook(body)) == expected);
}

TEST_CASE("events without a msg_id key on the event, user and time") {
  const auto r = ParseZaloWebhook(UserEvent("user_send_text", R"("message":{"text":"hỏi"},)"));
  CHECK(Summary(r) == "text " + kUserToOa + " id=user_send_text:" + kUser +
                          ":1718000000123 at=1718000000123 type=user_send_text text=hỏi");
  const auto numeric = ParseZaloWebhook(
      UserEvent("user_send_text", R"("message":{"text":"hỏi","msg_id":96300000000000000},)"));
  CHECK(Summary(numeric) ==
        "text " + kUserToOa +
            " id=96300000000000000 at=1718000000123 type=user_send_text text=hỏi");
}

TEST_CASE("malformed Zalo bodies get a pinned result and never an exception") {
  const std::string deep =
      UserEvent("user_send_text", R"("message":{"text":"hi","msg_id":"m1","extra":)" +
                                      std::string(20000, '[') + std::string(20000, ']') + "},");
  auto [what, body, expected] = GENERATE_COPY(table<std::string, std::string, std::string>({
      {"empty body", "", "error: malformed JSON"},
      {"not JSON", "event_name=follow", "error: malformed JSON"},
      {"truncated", R"({"event_name":"user_send_text")", "error: malformed JSON"},
      {"invalid UTF-8", "{\"event_name\":\"user_send_text\xc3\"}", "error: malformed JSON"},
      {"number too large for a double", R"({"timestamp":1e999})", "error: malformed JSON"},
      {"unclosed deep nesting", std::string(100000, '{'), "error: malformed JSON"},
      {"an array", R"([{"event_name":"follow"}])", "error: not a JSON object"},
      {"a number", "42", "error: not a JSON object"},
      {"the URL probe {}", "{}", "ignored: missing:event_name"},
      {"event name a number", R"({"event_name":1})", "ignored: missing:event_name"},
      {"unknown event", R"({"event_name":"user_received_message","message":{"msg_id":"1"}})",
       "ignored: user_received_message"},
      {"seen receipt", R"({"event_name":"user_seen_message","message":{"msg_ids":["1"]}})",
       "ignored: user_seen_message"},
      {"reaction", R"({"event_name":"user_reacted_message"})", "ignored: user_reacted_message"},
      {"tag event", R"({"event_name":"add_user_to_tag"})", "ignored: add_user_to_tag"},
      {"anonymous user", R"({"event_name":"anonymous_send_text"})", "ignored: anonymous_send_text"},
      {"bare oa_send_ prefix", R"({"event_name":"oa_send_"})", "ignored: oa_send_"},
      {"event name sanitised", R"({"event_name":"Evil\nName {x}"})", "ignored: evil?name??x?"},
      {"long event name cut", R"({"event_name":")" + std::string(100, 'a') + R"("})",
       "ignored: " + std::string(40, 'a')},
      {"text event without message", UserEvent("user_send_text", ""),
       "ignored: malformed:user_send_text"},
      {"text event without text", UserEvent("user_send_text", R"("message":{"msg_id":"m1"},)"),
       "ignored: malformed:user_send_text"},
      {"text a number", UserEvent("user_send_text", R"("message":{"text":1},)"),
       "ignored: malformed:user_send_text"},
      {"message a string", UserEvent("user_send_text", R"("message":"hi",)"),
       "ignored: malformed:user_send_text"},
      {"media event without message", UserEvent("user_send_image", ""),
       "ignored: malformed:user_send_image"},
      {"media caption a number",
       UserEvent("user_send_image", R"("message":{"text":[],"attachments":[]},)"),
       "ignored: malformed:user_send_image"},
      {"sender an array",
       R"({"sender":[],"recipient":{"id":"1"},"event_name":"user_send_text","message":{"text":"x"}})",
       "ignored: malformed:user_send_text"},
      {"submit info without info", UserEvent("user_submit_info", ""),
       "ignored: malformed:user_submit_info"},
      {"submit info a string", UserEvent("user_submit_info", R"("info":"An",)"),
       "ignored: malformed:user_submit_info"},
      {"OA message without recipient",
       R"({"sender":{"id":"1","admin_id":"2"},"event_name":"oa_send_text","message":{"text":"x"}})",
       "ignored: malformed:oa_send_text"},
      {"text with a NUL escape",
       UserEvent("user_send_text", R"("message":{"text":"a\u0000b","msg_id":"m1"},)"),
       "text " + kUserToOa + " id=m1 at=1718000000123 type=user_send_text text=a" +
           std::string(1, '\0') + "b"},
      {"deeply nested extra field", deep,
       "text " + kUserToOa + " id=m1 at=1718000000123 type=user_send_text text=hi"},
  }));
  CAPTURE(what);
  std::string summary;
  REQUIRE_NOTHROW(summary = Summary(ParseZaloWebhook(body)));
  CHECK(summary == expected);
}

namespace {

void Pointers(const json& j, const json::json_pointer& at, std::vector<json::json_pointer>* out) {
  out->push_back(at);
  if (j.is_object()) {
    for (const auto& item : j.items()) Pointers(item.value(), at / item.key(), out);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) Pointers(j[i], at / i, out);
  }
}

json RandomValue(std::mt19937& rng) {
  switch (rng() % 13) {
    case 0:
      return nullptr;
    case 1:
      return false;
    case 2:
      return -216;
    case 3:
      return 18446744073709551615ULL;
    case 4:
      return -1e300;
    case 5:
      return "";
    case 6:
      return "oa_send_text";
    case 7:
      return json::array();
    case 8:
      return json::object();
    case 9:
      return json::array({json::object(), "a"});
    case 10:
      return {{"id", 1}, {"admin_id", "2"}};
    case 11:
      return "user_submit_info";
    default:
      return "1718000000123";
  }
}

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

TEST_CASE("random mutations of the vector bodies never crash the Zalo parser") {
  std::vector<std::string> bodies;
  for (const char* f :
       {"body-1", "body-2", "body-3", "body-4", "body-5", "body-6", "body-7", "body-8"}) {
    bodies.push_back(ReadBinary(kVectorDir + "/zalo/" + f + ".json"));
  }
  std::mt19937 rng(20240612);
  size_t parsed = 0;
  size_t events = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::string& base = bodies[rng() % bodies.size()];
    const std::string body = rng() % 2 ? MutateBytes(base, rng) : MutateStructure(base, rng);
    Result<WebhookParse> r = InvalidArgument("");
    REQUIRE_NOTHROW(r = ParseZaloWebhook(body));
    std::optional<std::string> timestamp;
    REQUIRE_NOTHROW(timestamp = ZaloBodyTimestamp(body));
    if (!r.ok()) {
      CHECK((r.status().message() == "malformed JSON" ||
             r.status().message() == "not a JSON object"));
      continue;
    }
    ++parsed;
    CHECK(r->events.size() + r->ignored.size() == 1);
    for (const ChannelEvent& e : r->events) {
      ++events;
      CHECK(e.channel == "zalo");
      CHECK_FALSE(e.user.empty());
      CHECK_FALSE(e.platform_id.empty());
      if (e.kind == ChannelEventKind::kUserInfo)
        CHECK(json::parse(e.text, nullptr, false).is_object());
    }
  }
  CHECK(parsed > 1000);
  CHECK(events > 500);
}
