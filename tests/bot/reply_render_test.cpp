#include "bot/channels/reply_render.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace bhxh;
using nlohmann::json;

namespace {

using Pieces = std::vector<std::string>;

// Code points of valid UTF-8 (bytes that do not continue a sequence).
size_t CodePointCount(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Strict UTF-8 check, independent of the code under test.
bool IsValidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

const std::string kNfcE = "\xe1\xbb\x87";       // ệ, U+1EC7
const std::string kNfdE = "e\xcc\xa3\xcc\x82";  // e + U+0323 + U+0302
const std::string kFamily =
    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7";
const std::string kFlagVn = "\xf0\x9f\x87\xbb\xf0\x9f\x87\xb3";

// A real answer of about 2,500 characters: seven paragraphs, lists inside.
const std::vector<std::string> kAnswer = {
    "Dạ, điểm khác nhau chính giữa BHXH bắt buộc và BHXH tự nguyện:\n- Người tham gia: BHXH bắt "
    "buộc dành cho người luật quy định phải đóng, ví dụ người làm việc theo hợp đồng lao động. "
    "BHXH "
    "tự nguyện dành cho người từ đủ 15 tuổi không thuộc diện bắt buộc.\n- Cách đóng: BHXH tự "
    "nguyện "
    "được tự chọn mức thu nhập và cách đóng; Nhà nước hỗ trợ một phần tiền đóng.\n- Chế độ: BHXH "
    "tự "
    "nguyện có lương hưu, tử tuất, trợ cấp thai sản 2.000.000 đồng mỗi con, bảo hiểm tai nạn lao "
    "động theo Luật An toàn, vệ sinh lao động; không có chế độ ốm đau. Trợ cấp tuất hằng tháng chỉ "
    "có khi người mất có từ đủ 15 năm đóng BHXH bắt buộc.",
    "Cách tính tỷ lệ lương hưu của hai loại giống nhau. Người đang đóng BHXH bắt buộc thì không "
    "tham gia BHXH tự nguyện cùng lúc.",
    "Ngoài trợ cấp mai táng, thân nhân được trợ cấp tuất một lần:\n- Người mất đang tham gia hoặc "
    "đã "
    "bảo lưu: mỗi năm đóng được 1,5 lần bình quân thu nhập tháng đóng BHXH (các năm trước 2014) và "
    "2 lần (các năm từ 2014). Nếu đóng dưới 60 tháng thì bằng số tiền đã đóng.\n- Người mất đang "
    "hưởng lương hưu: mất trong 2 tháng đầu hưởng thì được 48 tháng lương hưu; mất muộn hơn thì "
    "mỗi "
    "tháng giảm 0,5 tháng, thấp nhất 3 tháng lương hưu.",
    "Hồ sơ nộp trong 90 ngày kể từ ngày mất; BHXH giải quyết trong 10 ngày làm việc. Giấy tờ cần "
    "nộp, anh/chị hỏi BHXH cơ sở Sơn Hà hoặc gọi 1900 9068.",
    "Từ ngày 01/7/2025, người tham gia BHXH tự nguyện chỉ được nhận BHXH một lần khi thuộc một "
    "trong các trường hợp:\n- Đủ tuổi nghỉ hưu mà chưa đủ 15 năm đóng và không đóng tiếp;\n- Ra "
    "nước ngoài để định cư;\n- Mắc một trong các bệnh: ung thư, bại liệt, xơ gan mất bù, lao nặng, "
    "AIDS;\n- Suy giảm khả năng lao động từ 81% trở lên, hoặc khuyết tật đặc biệt nặng;\n- Có đóng "
    "BHXH trước ngày 01/7/2025, sau 12 tháng không đóng và tổng thời gian đóng dưới 20 năm.",
    "Mức đóng BHYT theo hộ gia đình: người thứ nhất đóng 4,5% mức lương cơ sở; người thứ hai, thứ "
    "ba, thứ tư đóng lần lượt bằng 70%, 60%, 50% mức đóng của người thứ nhất; từ người thứ năm trở "
    "đi đóng bằng 40% mức đóng của người thứ nhất. Việc giảm trừ mức đóng được thực hiện khi các "
    "thành viên tham gia trong cùng năm tài chính. Nếu đóng chậm, thẻ BHYT sẽ bị gián đoạn và chỉ "
    "có giá trị sử dụng sau 30 ngày kể từ ngày đóng tiếp, trừ trẻ em dưới 6 tuổi.",
    "Người bắt đầu đóng từ ngày 01/7/2025 thì chỉ vì nghỉ đóng sẽ không được nhận một lần. Nhận "
    "một "
    "lần thì thời gian đó không còn được tính để hưởng lương hưu. Anh/chị nên hỏi kỹ BHXH cơ sở "
    "Sơn "
    "Hà trước khi quyết định.",
    "Anh/chị có thể gõ 'đăng ký' để cán bộ thu gọi lại tư vấn, hoặc gõ 'menu' để xem các chủ đề "
    "khác.",
};

std::string Join(size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += (i > from ? "\n\n" : "") + kAnswer[i];
  return out;
}

}  // namespace

TEST_CASE("texts split at paragraph, then line, then sentence end, then space") {
  auto [what, text, max, expected] = GENERATE(table<std::string, std::string, size_t, Pieces>({
      {"empty text", "", 10, {}},
      {"only blanks", " \n\n\t ", 10, {}},
      {"short text, blanks trimmed", "  Xin chào  ", 20, {"Xin chào"}},
      {"paragraph", "Đoạn một.\n\nĐoạn hai dài.", 20, {"Đoạn một.", "Đoạn hai dài."}},
      {"paragraph before a later line or sentence",
       "Một.\n\nHai. Ba\nBốn năm",
       16,
       {"Một.", "Hai. Ba\nBốn năm"}},
      {"last line that fits", "Dòng một\nDòng hai\nDòng ba", 18, {"Dòng một\nDòng hai", "Dòng ba"}},
      {"sentence ends",
       "Câu một. Câu hai? Câu ba! Câu bốn.",
       20,
       {"Câu một. Câu hai?", "Câu ba! Câu bốn."}},
      {"a dot inside a word is no sentence end", "v1.2.3 abc", 8, {"v1.2.3", "abc"}},
      {"spaces", "một hai ba bốn năm sáu", 10, {"một hai ba", "bốn năm", "sáu"}},
      {"a tab is a space", "a\tb", 2, {"a", "b"}},
      {"a no-break space is not",
       "a\xc2\xa0"
       "b c",
       3,
       {"a\xc2\xa0"
        "b",
        "c"}},
      {"CRLF lines", "Một\r\n\r\nHai", 5, {"Một", "Hai"}},
      {"a zero limit is one code point", "abc", 0, {"a", "b", "c"}},
      {"invalid UTF-8 is replaced",
       "a\xff"
       "b",
       10,
       {"a\xef\xbf\xbd"
        "b"}},
      {"a word longer than the limit is cut", "xin chàoooooo", 6, {"xin", "chàooo", "ooo"}},
  }));
  CAPTURE(what, text, max);
  CHECK(SplitMessageText(text, max) == expected);
}

TEST_CASE("exactly 2000 code points is one piece and 2001 is two") {
  SECTION("one word of 3-byte letters") {
    CHECK(SplitMessageText(Repeat(kNfcE, 2000), 2000) == Pieces{Repeat(kNfcE, 2000)});
    CHECK(SplitMessageText(Repeat(kNfcE, 2001), 2000) == Pieces{Repeat(kNfcE, 2000), kNfcE});
  }
  SECTION("words") {
    const std::string words = Repeat("đóng ", 399);  // 1995 code points
    CHECK(SplitMessageText(words + "BHYT!", 2000) == Pieces{words + "BHYT!"});
    CHECK(SplitMessageText(words + "BHYT!?", 2000) ==
          Pieces{words.substr(0, words.size() - 1), "BHYT!?"});
  }
}

TEST_CASE("a 2500-character Vietnamese answer splits at the last paragraph that fits") {
  const std::string answer = Join(0, kAnswer.size());
  REQUIRE(CodePointCount(answer) == 2528);
  const Pieces pieces = SplitMessageText(answer, kMessengerTextLimit);
  CHECK(pieces == Pieces{Join(0, 5), Join(5, kAnswer.size())});
  CHECK(CodePointCount(pieces[0]) == 1764);
  SECTION("and a tighter limit still ends every piece at a boundary, in order") {
    const Pieces small = SplitMessageText(answer, 300);
    std::string rejoined;
    for (const std::string& p : small) {
      CAPTURE(p);
      CHECK(CodePointCount(p) <= 300);
      CHECK(p.front() != ' ');
      CHECK(p.back() != ' ');
      rejoined += p;
    }
    std::string squeezed;
    for (char c : answer) {
      if (c != ' ' && c != '\n') squeezed += c;
    }
    std::string squeezed_pieces;
    for (char c : rejoined) {
      if (c != ' ' && c != '\n') squeezed_pieces += c;
    }
    CHECK(squeezed_pieces == squeezed);  // nothing lost but the blanks at cuts
  }
}

TEST_CASE("NFD input is counted and sent as NFC") {
  const std::string nfd = Repeat(kNfdE, 2000);  // 6000 code points before NFC
  CHECK(SplitMessageText(nfd, 2000) == Pieces{Repeat(kNfcE, 2000)});
  CHECK(SplitMessageText("Ho"
                         "a\xcc\x80"
                         " b",
                         20) == Pieces{"Ho\xc3\xa0 b"});  // Hoà
}

TEST_CASE("a giant word is cut hard, never inside a UTF-8 sequence") {
  CHECK(SplitMessageText(std::string(4500, 'a'), 2000) ==
        Pieces{std::string(2000, 'a'), std::string(2000, 'a'), std::string(500, 'a')});
  const Pieces pieces = SplitMessageText(Repeat(kNfcE, 4500), 2000);
  REQUIRE(pieces.size() == 3);
  for (const std::string& p : pieces) CHECK(IsValidUtf8(p));
  CHECK(CodePointCount(pieces[2]) == 500);
}

TEST_CASE("emoji count as code points and a cut keeps an emoji sequence whole") {
  CHECK(SplitMessageText(Repeat("😊", 2000), 2000) == Pieces{Repeat("😊", 2000)});
  CHECK(SplitMessageText(std::string(1999, 'a') + kFamily + " ok", 2000) ==
        Pieces{std::string(1999, 'a'), kFamily + " ok"});
  CHECK(SplitMessageText(std::string(1999, 'a') + kFlagVn, 2000) ==
        Pieces{std::string(1999, 'a'), kFlagVn});
  // A single cluster longer than the limit can only be cut at a code point.
  const Pieces forced = SplitMessageText(kFamily, 2);
  CHECK(forced.size() == 3);
  for (const std::string& p : forced) CHECK(IsValidUtf8(p));
}

TEST_CASE("a Messenger reply carries its choices as quick replies") {
  const auto bodies = RenderMessenger(
      "7012345678901234",
      {Reply{"Anh/chị cần gì ạ?", {{"Lương hưu", "MENU:luong-huu"}, {"BHYT", "MENU:bhyt"}}}});
  CHECK(
      bodies ==
      Pieces{
          R"({"message":{"quick_replies":[{"content_type":"text","payload":"MENU:luong-huu","title":"Lương hưu"},)"
          R"({"content_type":"text","payload":"MENU:bhyt","title":"BHYT"}],"text":"Anh/chị cần gì ạ?"},)"
          R"("messaging_type":"RESPONSE","recipient":{"id":"7012345678901234"}})"});
}

TEST_CASE("a Messenger reply without choices is plain text, and an empty reply sends nothing") {
  CHECK(RenderMessenger("1", {Reply{"Dạ.", {}}, Reply{" ", {}}}) ==
        Pieces{R"({"message":{"text":"Dạ."},"messaging_type":"RESPONSE","recipient":{"id":"1"}})"});
  CHECK(RenderMessenger("1", {}).empty());
}

TEST_CASE("quick-reply titles over 20 characters are numbered and listed in full in the text") {
  auto [title, shown, listed] = GENERATE(table<std::string, std::string, std::string>({
      {"Mức đóng BHYT hộ gia đình", "1. Mức đóng BHYT hộ…", "1) Mức đóng BHYT hộ gia đình"},
      {"Đúng hai mươi ký tự!", "Đúng hai mươi ký tự!", ""},                          // 20
      {"Đúng hai mươi mốt ký", "Đúng hai mươi mốt ký", ""},                          // 20
      {"Hai mươi mốt ký tự!!!", "1. Hai mươi mốt ký…", "1) Hai mươi mốt ký tự!!!"},  // 21
      {"Chế độ thai sản khi sinh con", "1. Chế độ thai sản…", "1) Chế độ thai sản khi sinh con"},
      {"  Lương hưu  ", "Lương hưu", ""},
      {"Ho"
       "a\xcc\x80"
       " giải",
       "Ho\xc3\xa0 giải", ""},
      {"", "1", ""},
  }));
  CAPTURE(title);
  const auto bodies = RenderMessenger("1", {Reply{"Chọn:", {{title, "P"}}}});
  REQUIRE(bodies.size() == 1);
  const json body = json::parse(bodies[0]);
  const json& qr = body["message"]["quick_replies"];
  REQUIRE(qr.size() == 1);
  CHECK(qr[0]["title"] == shown);
  CHECK(CodePointCount(qr[0]["title"].get<std::string>()) <= kMessengerQuickReplyTitleLimit);
  CHECK(body["message"]["text"] == (listed.empty() ? "Chọn:" : "Chọn:\n\n" + listed));
}

TEST_CASE("choices beyond 13 or with an unusable payload are only listed, numbered, in the text") {
  std::vector<Choice> choices;
  for (int i = 1; i <= 15; ++i)
    choices.push_back({"Mục " + std::to_string(i), "P" + std::to_string(i)});
  choices[2].payload = "";                      // 3: no payload
  choices[3].payload = std::string(1000, 'x');  // 4: 1000 bytes
  choices[4].payload = Repeat(kNfcE, 334);      // 5: 334 characters, 1002 bytes
  const auto bodies = RenderMessenger("1", {Reply{"Chọn:", choices}});
  REQUIRE(bodies.size() == 1);
  const json message = json::parse(bodies[0])["message"];
  CHECK(message["text"] == "Chọn:\n\n3) Mục 3\n5) Mục 5\n14) Mục 14\n15) Mục 15");
  std::vector<std::string> titles;
  for (const json& q : message["quick_replies"]) {
    titles.push_back(q["title"].get<std::string>());
    CHECK(q["content_type"] == "text");
    CHECK(q["payload"].get<std::string>().size() <= 1000);
  }
  CHECK(titles == Pieces{"Mục 1", "Mục 2", "Mục 4", "Mục 6", "Mục 7", "Mục 8", "Mục 9", "Mục 10",
                         "Mục 11", "Mục 12", "Mục 13"});
  CHECK(message["quick_replies"].size() <= kMessengerQuickReplyLimit);
}

TEST_CASE("thirteen good choices all become quick replies") {
  std::vector<Choice> choices;
  for (int i = 1; i <= 13; ++i)
    choices.push_back({"Mục " + std::to_string(i), "P" + std::to_string(i)});
  const json message = json::parse(RenderMessenger("1", {Reply{"Chọn:", choices}})[0])["message"];
  CHECK(message["quick_replies"].size() == 13);
  CHECK(message["quick_replies"][12]["title"] == "Mục 13");
  CHECK(message["text"] == "Chọn:");
}

TEST_CASE("choices without a reply text get a prompt to carry them") {
  const json message = json::parse(RenderMessenger("1", {Reply{"", {{"A", "P"}}}})[0])["message"];
  CHECK(message["text"] == "Mời anh/chị chọn:");
  CHECK(message["quick_replies"].size() == 1);
}

TEST_CASE("a long Messenger reply is split and only its last piece carries the quick replies") {
  const auto bodies = RenderMessenger(
      "1", {Reply{Join(0, kAnswer.size()), {{"Hỏi tiếp", "MORE"}}}, Reply{"Cảm ơn ạ.", {}}});
  REQUIRE(bodies.size() == 3);
  const json first = json::parse(bodies[0]);
  const json second = json::parse(bodies[1]);
  CHECK(first["message"]["text"] == Join(0, 5));
  CHECK_FALSE(first["message"].contains("quick_replies"));
  CHECK(second["message"]["text"] == Join(5, kAnswer.size()));
  CHECK(second["message"]["quick_replies"][0]["payload"] == "MORE");
  CHECK(json::parse(bodies[2])["message"]["text"] == "Cảm ơn ạ.");
  for (const std::string& b : bodies) {
    const json j = json::parse(b);
    CHECK(j["messaging_type"] == "RESPONSE");
    CHECK(j["recipient"]["id"] == "1");
    CHECK(CodePointCount(j["message"]["text"].get<std::string>()) <= kMessengerTextLimit);
  }
}

TEST_CASE("bytes that are not UTF-8 still give valid JSON") {
  const auto bodies = RenderMessenger("1", {Reply{"a\xff", {{"t\xfe", "p\xfd"}}}});
  REQUIRE(bodies.size() == 1);
  const json j = json::parse(bodies[0], nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j["message"]["text"] == "a\xef\xbf\xbd");
  CHECK(j["message"]["quick_replies"][0]["title"] == "t\xef\xbf\xbd");
  CHECK(j["message"]["quick_replies"][0]["payload"] == "p\xef\xbf\xbd");
}

TEST_CASE("the typing indicator is a sender action alone") {
  CHECK(RenderMessengerTyping("7012345678901234") ==
        R"({"recipient":{"id":"7012345678901234"},"sender_action":"typing_on"})");
}

TEST_CASE("Zalo replies list their choices as numbered lines with a hint") {
  CHECK(
      RenderZalo("246845883529197922",
                 {Reply{"Anh/chị cần gì ạ?",
                        {{"Lương hưu", "P1"}, {"Mức đóng BHYT hộ gia đình", "P2"}}}}) ==
      Pieces{
          R"({"message":{"text":"Anh/chị cần gì ạ?\n\n1) Lương hưu\n2) Mức đóng BHYT hộ gia đình\n)"
          R"(Anh/chị gõ số thứ tự (1, 2, 3…) để chọn."},"recipient":{"user_id":"246845883529197922"}})"});
  CHECK(RenderZalo("u", {Reply{"Dạ.", {}}}) ==
        Pieces{R"({"message":{"text":"Dạ."},"recipient":{"user_id":"u"}})"});
  CHECK(json::parse(RenderZalo("u", {Reply{"", {{"A", "P"}}}})[0])["message"]["text"] ==
        "1) A\nAnh/chị gõ số thứ tự (1, 2, 3…) để chọn.");
  CHECK(RenderZalo("u", {Reply{"", {}}}).empty());
}

TEST_CASE("a long Zalo reply is split under 2000 characters with the choices at the end") {
  std::vector<Choice> choices;
  for (int i = 1; i <= 15; ++i) choices.push_back({"Mục " + std::to_string(i), "P"});
  const auto bodies =
      RenderZalo("u", {Reply{Join(0, kAnswer.size()), choices}, Reply{Repeat(kNfdE, 2001), {}}});
  REQUIRE(bodies.size() == 4);
  std::vector<std::string> texts;
  for (const std::string& b : bodies) {
    const json j = json::parse(b);
    CHECK(j["recipient"]["user_id"] == "u");
    texts.push_back(j["message"]["text"].get<std::string>());
    CHECK(CodePointCount(texts.back()) <= kZaloTextLimit);
  }
  CHECK(texts[0] == Join(0, 5));
  CHECK(texts[1].rfind(kAnswer[5], 0) == 0);
  CHECK(texts[1].find("\n\n1) Mục 1\n2) Mục 2\n") != std::string::npos);
  const std::string tail = "\n15) Mục 15\nAnh/chị gõ số thứ tự (1, 2, 3…) để chọn.";
  REQUIRE(texts[1].size() > tail.size());
  CHECK(texts[1].substr(texts[1].size() - tail.size()) == tail);
  CHECK(texts[2] == Repeat(kNfcE, 2000));
  CHECK(texts[3] == kNfcE);
}

TEST_CASE("the renderers' own sentences come from the wording they are given") {
  RenderWording w;
  w.choice_prompt = "Chọn giúp em:";
  w.zalo_choice_hint = "Gõ số để chọn.";
  w.zalo_share_title = "Gửi số";
  w.zalo_share_subtitle = "Bấm vào đây";
  const std::vector<Reply> replies = {Reply{"", {{"Về menu", "MENU"}}}};
  const std::vector<std::string> messenger = RenderMessenger("p1", replies, w);
  REQUIRE(messenger.size() == 1);
  CHECK(messenger[0].find("\"text\":\"Chọn giúp em:\"") != std::string::npos);

  Reply ask{"Số điện thoại?", {{"Hủy", "LEAD:CANCEL"}}};
  ask.request_contact = true;
  const std::vector<std::string> zalo = RenderZalo("z1", {ask}, "https://example.invalid/a.jpg", w);
  REQUIRE(zalo.size() == 2);
  CHECK(zalo[0].find("Gõ số để chọn.") != std::string::npos);
  CHECK(zalo[1].find("\"title\":\"Gửi số\"") != std::string::npos);
  CHECK(zalo[1].find("\"subtitle\":\"Bấm vào đây\"") != std::string::npos);
  CHECK(zalo[1].find("request_user_info") != std::string::npos);
  // Without an image URL Zalo's form cannot be sent: the citizen types the number.
  CHECK(RenderZalo("z1", {ask}, "", w).size() == 1);
}
