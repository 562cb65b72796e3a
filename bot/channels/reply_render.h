// Platform-neutral replies -> the JSON bodies the send APIs take, in send
// order. Long texts are split at paragraph, then sentence, then word
// boundaries under each platform's 2,000-character limit, counted in
// Unicode code points of NFC text.
#ifndef BHXH_BOT_CHANNELS_REPLY_RENDER_H_
#define BHXH_BOT_CHANNELS_REPLY_RENDER_H_

#include <string>
#include <string_view>
#include <vector>

#include "handlers/conversation_types.h"

namespace bhxh {

// Meta: text "less than 2000 characters", and it may count characters
// outside the BMP (emoji) as two UTF-16 units: keep a margin.
constexpr size_t kMessengerTextLimit = 1900;
constexpr size_t kZaloTextLimit = 2000;
constexpr size_t kMessengerQuickReplyLimit = 13;
constexpr size_t kMessengerQuickReplyTitleLimit = 20;

// The few sentences the renderers add themselves. The service fills them
// from content/messages.vi.json (keys choice_prompt, zalo_choice_hint,
// zalo_share_title, zalo_share_subtitle: see WordingFrom in outbox_rows.h);
// the defaults are the shipped wording, for callers without content.
struct RenderWording {
  std::string choice_prompt = "Mời anh/chị chọn:";
  std::string zalo_choice_hint = "Anh/chị gõ số thứ tự (1, 2, 3…) để chọn.";
  std::string zalo_share_title = "Chia sẻ số điện thoại với BHXH cơ sở Sơn Hà";  // at most 100 chars
  std::string zalo_share_subtitle =
      "Bấm để gửi họ tên và số điện thoại Zalo của anh/chị, khỏi phải gõ lại.";  // at most 500
};

// Splits NFC(text) into pieces of at most `max_chars` code points, never
// inside a word unless a single word is longer than the limit. Each cut is
// at the last boundary in the window of the first kind that has one:
// "\n\n", "\n", ". "/"? "/"! ", space/tab; a word is cut at a grapheme
// cluster start when possible (emoji sequences stay whole). Blanks around
// cuts and at both ends are dropped; blank text gives no pieces. Invalid
// UTF-8 bytes become U+FFFD. A `max_chars` of 0 is treated as 1.
std::vector<std::string> SplitMessageText(std::string_view text, size_t max_chars);

// Messenger Send API bodies ({"recipient":{"id"},"messaging_type":"RESPONSE",
// "message":{"text","quick_replies"}}). Choices become quick replies on the
// last piece (at most 13; payload as given). A title longer than 20
// characters is shown numbered in the text ("1) …") and its quick reply is
// titled with the number and its start ("1. Mức đóng BHYT hộ…", 20 chars).
// Choice n is numbered by its index (1-based), as typed numbers are read.
// Choices past the 13th, or whose payload is empty or over 1000 bytes, are
// only listed ("14) …") in the text. Listed lines follow the text after a
// blank line. Choices with no text get the prompt `wording.choice_prompt`.
// A reply with neither text nor choices sends nothing. A ChoiceKind::kSharePhone
// choice becomes Messenger's phone-number quick reply. A reply with
// hand_over is followed by a pass_thread_control body (Page Inbox).
std::vector<std::string> RenderMessenger(const std::string& psid, const std::vector<Reply>& replies,
                                         const RenderWording& wording = {});

// The Facebook Page Inbox's app id, the target of pass_thread_control.
constexpr long long kMessengerPageInboxAppId = 263902037430900;
// {"recipient":{"id"},"target_app_id":263902037430900,"metadata"}: POSTed to
// /me/pass_thread_control instead of /me/messages.
std::string RenderMessengerPassToInbox(const std::string& psid);
// True for a body made by RenderMessengerPassToInbox.
bool IsMessengerThreadControl(std::string_view body);
// {"recipient":{"id"},"sender_action":"typing_on"}
std::string RenderMessengerTyping(const std::string& psid);

// Zalo OA /v3.0/oa/message/cs bodies ({"recipient":{"user_id"},
// "message":{"text"}}). Choices are listed as numbered lines that also work
// when typed ("1) …", "2) …"), followed by a hint line ("Anh/chị gõ số thứ
// tự (1, 2, 3…) để chọn."), after the text and a blank line. kSharePhone
// choices are left out (their number is skipped). A reply with
// request_contact is followed by a request_user_info template when
// `request_info_image_url` is set (Zalo requires an image).
std::vector<std::string> RenderZalo(const std::string& user_id, const std::vector<Reply>& replies,
                                    const std::string& request_info_image_url = "",
                                    const RenderWording& wording = {});

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_REPLY_RENDER_H_
