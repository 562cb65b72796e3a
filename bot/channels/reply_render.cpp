#include "bot/channels/reply_render.h"

#include <utf8proc.h>

#include <nlohmann/json.hpp>

#include "content/text_normalizer.h"

namespace bhxh {
namespace {

using nlohmann::json;

constexpr size_t kMessengerPayloadBytes = 1000;
constexpr const char* kEllipsis = "…";


// NFC text decoded once: code points, the byte offset where each starts
// (plus the end), and where grapheme clusters start, so that cuts land on
// code point boundaries and, when possible, between user-perceived
// characters (an emoji ZWJ sequence or a flag stays whole).
class CodePoints {
 public:
  explicit CodePoints(std::string_view text) : nfc_(NormalizeNfc(text)) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(nfc_.data());
    utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(nfc_.size());
    size_t offset = 0;
    while (left > 0) {
      utf8proc_int32_t cp = 0;
      utf8proc_ssize_t n = utf8proc_iterate(p + offset, left, &cp);
      if (n <= 0) {  // NormalizeNfc already replaced invalid bytes; be safe
        cp = 0xFFFD;
        n = 1;
      }
      cps_.push_back(cp);
      offsets_.push_back(offset);
      offset += static_cast<size_t>(n);
      left -= n;
    }
    offsets_.push_back(offset);
    cluster_start_.assign(cps_.size() + 1, true);
    utf8proc_int32_t state = 0;
    for (size_t i = 1; i < cps_.size(); ++i) {
      cluster_start_[i] = utf8proc_grapheme_break_stateful(cps_[i - 1], cps_[i], &state);
    }
  }

  size_t size() const { return cps_.size(); }
  utf8proc_int32_t at(size_t i) const { return i < cps_.size() ? cps_[i] : 0; }
  bool ClusterStartsAt(size_t i) const { return cluster_start_[i]; }
  std::string Slice(size_t from, size_t to) const {
    return nfc_.substr(offsets_[from], offsets_[to] - offsets_[from]);
  }
  const std::string& nfc() const { return nfc_; }

 private:
  std::string nfc_;
  std::vector<utf8proc_int32_t> cps_;
  std::vector<size_t> offsets_;
  std::vector<bool> cluster_start_;
};

bool IsSpace(utf8proc_int32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The end (exclusive, in code points) of a piece that starts at `start` and
// may hold at most `max` code points; `start` is not a space and more than
// `max` code points remain. The last boundary in the window of the first
// level that has one: paragraph ("\n\n"), line, sentence end (". ", "? ",
// "! "), space. A window without any is cut hard, at the last grapheme
// cluster start if there is one, so that an emoji sequence or a letter with
// its marks stays whole.
size_t CutEnd(const CodePoints& t, size_t start, size_t max) {
  const size_t limit = start + max;  // < t.size()
  using Test = bool (*)(const CodePoints&, size_t);
  // Each test says whether a piece may end at `end` (exclusive).
  static const Test kLevels[] = {
      [](const CodePoints& c, size_t end) { return c.at(end) == '\n' && c.at(end + 1) == '\n'; },
      [](const CodePoints& c, size_t end) { return c.at(end) == '\n'; },
      [](const CodePoints& c, size_t end) {
        const auto p = c.at(end - 1);
        return (p == '.' || p == '?' || p == '!') && c.at(end) == ' ';
      },
      [](const CodePoints& c, size_t end) { return c.at(end) == ' ' || c.at(end) == '\t'; },
  };
  for (const Test test : kLevels) {
    for (size_t end = limit; end > start; --end) {
      if (test(t, end)) return end;
    }
  }
  for (size_t end = limit; end > start; --end) {
    if (t.ClusterStartsAt(end)) return end;
  }
  return limit;
}

std::vector<std::string> Split(const CodePoints& t, size_t max_chars) {
  std::vector<std::string> pieces;
  if (max_chars == 0) max_chars = 1;  // a zero limit would never make progress
  size_t end = t.size();
  while (end > 0 && IsSpace(t.at(end - 1))) --end;
  size_t start = 0;
  while (start < end && IsSpace(t.at(start))) ++start;
  while (start < end) {
    size_t piece_end = end;
    if (end - start > max_chars) piece_end = CutEnd(t, start, max_chars);
    size_t next = piece_end;
    while (piece_end > start && IsSpace(t.at(piece_end - 1))) --piece_end;
    pieces.push_back(t.Slice(start, piece_end));
    start = next;
    while (start < end && IsSpace(t.at(start))) ++start;
  }
  return pieces;
}

// A quick-reply title of at most kMessengerQuickReplyTitleLimit code points:
// the title itself, or "<n>. <its start>…" when it is longer (the full title
// is then listed in the text).
std::string ShortTitle(const CodePoints& title, size_t number) {
  const std::string prefix = std::to_string(number) + ". ";
  const size_t room = kMessengerQuickReplyTitleLimit - prefix.size() - 1;  // 1 for "…"
  size_t end = room;
  while (end > 0 && !title.ClusterStartsAt(end)) --end;
  if (end == 0) end = room;
  while (end > 0 && IsSpace(title.at(end - 1))) --end;
  return prefix + title.Slice(0, end) + kEllipsis;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string TrimmedNfc(std::string_view s) {
  const CodePoints t(s);
  const auto pieces = Split(t, t.size() + 1);
  return pieces.empty() ? std::string() : pieces.front();
}

std::string JoinText(const std::string& text, const std::vector<std::string>& lines) {
  std::string out = text;
  for (size_t i = 0; i < lines.size(); ++i) {
    out += i == 0 ? (out.empty() ? "" : "\n\n") : "\n";
    out += lines[i];
  }
  return out;
}

}  // namespace

std::vector<std::string> SplitMessageText(std::string_view text, size_t max_chars) {
  return Split(CodePoints(text), max_chars);
}

std::vector<std::string> RenderMessenger(const std::string& psid,
                                         const std::vector<Reply>& replies,
                                         const RenderWording& wording) {
  std::vector<std::string> bodies;
  for (const Reply& reply : replies) {
    json quick_replies = json::array();
    std::vector<std::string> listed;  // "n) full title" lines for the text
    for (size_t i = 0; i < reply.choices.size(); ++i) {
      const Choice& choice = reply.choices[i];
      const size_t number = i + 1;
      if (choice.kind == ChoiceKind::kSharePhone) {
        // Messenger fills in the number the user's profile holds; tapping
        // sends it back as the quick reply's payload.
        if (number <= kMessengerQuickReplyLimit) {
          quick_replies.push_back({{"content_type", "user_phone_number"}});
        }
        continue;
      }
      const std::string title = TrimmedNfc(choice.title);
      const bool can_tap = number <= kMessengerQuickReplyLimit && !choice.payload.empty() &&
                           choice.payload.size() <= kMessengerPayloadBytes;
      if (!can_tap) {
        listed.push_back(std::to_string(number) + ") " + title);
        continue;
      }
      const CodePoints title_cps(title);
      std::string shown = title;
      if (title_cps.size() > kMessengerQuickReplyTitleLimit) {
        listed.push_back(std::to_string(number) + ") " + title);
        shown = ShortTitle(title_cps, number);
      } else if (title.empty()) {
        shown = std::to_string(number);  // Messenger rejects an empty title
      }
      quick_replies.push_back(
          {{"content_type", "text"}, {"title", shown}, {"payload", choice.payload}});
    }
    std::string text = JoinText(reply.text, listed);
    std::vector<std::string> pieces = SplitMessageText(text, kMessengerTextLimit);
    // Messenger needs a text to carry quick replies.
    if (pieces.empty() && !quick_replies.empty()) pieces.push_back(wording.choice_prompt);
    for (size_t i = 0; i < pieces.size(); ++i) {
      json message = {{"text", pieces[i]}};
      if (i + 1 == pieces.size() && !quick_replies.empty()) {
        message["quick_replies"] = quick_replies;
      }
      bodies.push_back(Dump({{"recipient", {{"id", psid}}},
                             {"messaging_type", "RESPONSE"},
                             {"message", std::move(message)}}));
    }
    if (reply.hand_over) bodies.push_back(RenderMessengerPassToInbox(psid));
  }
  return bodies;
}

std::string RenderMessengerPassToInbox(const std::string& psid) {
  return Dump({{"recipient", {{"id", psid}}},
               {"target_app_id", kMessengerPageInboxAppId},
               {"metadata", "bhxh-bot: citizen asked for a staff member"}});
}

bool IsMessengerThreadControl(std::string_view body) {
  const json j = json::parse(body, nullptr, false);
  return j.is_object() && j.contains("target_app_id");
}

std::string RenderMessengerTyping(const std::string& psid) {
  return Dump({{"recipient", {{"id", psid}}}, {"sender_action", "typing_on"}});
}

std::vector<std::string> RenderZalo(const std::string& user_id, const std::vector<Reply>& replies,
                                    const std::string& request_info_image_url,
                                    const RenderWording& wording) {
  std::vector<std::string> bodies;
  for (const Reply& reply : replies) {
    std::vector<std::string> lines;
    for (size_t i = 0; i < reply.choices.size(); ++i) {
      // Zalo has no "share my phone" button; numbering keeps each choice's
      // index so typed numbers still pick the right one.
      if (reply.choices[i].kind == ChoiceKind::kSharePhone) continue;
      lines.push_back(std::to_string(i + 1) + ") " + TrimmedNfc(reply.choices[i].title));
    }
    if (!lines.empty()) lines.push_back(wording.zalo_choice_hint);
    for (const std::string& piece : SplitMessageText(JoinText(reply.text, lines), kZaloTextLimit)) {
      bodies.push_back(
          Dump({{"recipient", {{"user_id", user_id}}}, {"message", {{"text", piece}}}}));
    }
    if (reply.request_contact && !request_info_image_url.empty()) {
      const json element = {{"title", wording.zalo_share_title},
                            {"subtitle", wording.zalo_share_subtitle},
                            {"image_url", request_info_image_url}};
      bodies.push_back(Dump(
          {{"recipient", {{"user_id", user_id}}},
           {"message",
            {{"attachment",
              {{"type", "template"},
               {"payload", {{"template_type", "request_user_info"}, {"elements", {element}}}}}}}}}));
    }
  }
  return bodies;
}

}  // namespace bhxh
