// Platform webhook bodies -> platform-neutral ChannelEvents. Platform JSON
// stays in bot/channels; everything after works on ChannelEvent. Parsing
// never throws and never trusts field types: a missing or mistyped field
// skips that event (recorded in `ignored`), it does not fail the request.
#ifndef BHXH_BOT_CHANNELS_WEBHOOK_PARSE_H_
#define BHXH_BOT_CHANNELS_WEBHOOK_PARSE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "storage/event_inbox.h"

namespace bhxh {

struct WebhookParse {
  std::vector<ChannelEvent> events;
  // Event types not handled (unknown objects, delivery/read receipts, ...),
  // for a log line by type only.
  std::vector<std::string> ignored;
};

// Messenger ("object": "page"): iterates every entry and every event of
// `messaging` and `standby`. message (text, quick_reply.payload -> kPayload,
// attachments -> kMedia), postback -> kPayload, echoes: app_id ==
// `own_app_id` -> kEcho, other echoes -> kHumanReply (user = the recipient
// PSID), standby -> kStandby, optin/referral -> kFollow. platform_id = mid,
// or "<kind>:<psid>:<timestamp>" when an event has none. Timestamps in ms
// (number or string; a 10-digit value is seconds). InvalidArgument
// ("malformed JSON", "not a JSON object") for a body that cannot be read;
// another "object" is ignored, not an error.
Result<WebhookParse> ParseMessengerWebhook(std::string_view body, std::string_view own_app_id);

// Zalo OA: user_send_text -> kText; user_send_image/_sticker/_audio/
// _video/_location/_file/_link/_gif/_business_card -> kMedia;
// follow/user_click_chatnow -> kFollow; unfollow -> kUnfollow;
// user_submit_info -> kUserInfo (text = JSON {"name","phone","address",...}
// from either payload shape); oa_send_* with sender.admin_id ->
// kHumanReply (user = recipient), without -> kEcho; user_withdraw ->
// kWithdraw. IDs are read as strings or numbers. platform_id = message.msg_id,
// or "<event_name>:<user>:<timestamp>".
Result<WebhookParse> ParseZaloWebhook(std::string_view body);

// The body's "timestamp" as text (string, or number written as digits).
std::optional<std::string> ZaloBodyTimestamp(std::string_view body);

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_WEBHOOK_PARSE_H_
