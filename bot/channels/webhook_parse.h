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
  // for a log line by type only. Labels are [a-z0-9_:?], at most 40 chars:
  // "read", "delivery", "standby:read", "object:instagram", "object:missing",
  // "user_seen_message", "missing:event_name", "unknown" (no type key), and
  // "malformed:<type>" for a handled type with a missing or mistyped field
  // ("malformed:message", "malformed:entry", "malformed:user_send_text").
  std::vector<std::string> ignored;
};

// Both parsers: IDs are non-empty strings (at most 256 bytes) or integers,
// written as their digits; a number beyond 64 bits or with a fraction is
// refused rather than rounded. `at` and the time in a synthesized
// platform_id are epoch ms (a value of at most 10 digits is read as seconds
// and converted); an unreadable time gives 0 (Messenger: entry.time first).

// Messenger ("object": "page"): iterates every entry and every event of
// `messaging` and `standby`. message (text, quick_reply.payload -> kPayload,
// attachments -> kMedia), postback -> kPayload, echoes: app_id ==
// `own_app_id` -> kEcho, other echoes -> kHumanReply (user = the recipient
// PSID), standby -> kStandby, optin/referral -> kFollow. platform_id = mid,
// or "<kind>:<psid>:<timestamp>" when an event has none. Timestamps in ms
// (number or string; a 10-digit value is seconds). InvalidArgument
// ("malformed JSON", "not a JSON object") for a body that cannot be read;
// another "object" is ignored, not an error.
// Details: an echo's user is whichever of sender/recipient is not the page
// (docs disagree on the order); an is_echo that is not a boolean skips the
// event. text/attachments without text -> kMedia. postback title -> text;
// optin/referral `ref` -> payload; a checkbox optin without a PSID is
// skipped. raw_type: "message", "message_echo", "postback", "optin",
// "referral", or "standby_<type>" (only message/postback are kept on
// standby). recipient = entry.id, else the page side of the event.
Result<WebhookParse> ParseMessengerWebhook(std::string_view body, std::string_view own_app_id);

// Zalo OA: user_send_text -> kText; user_send_image/_sticker/_audio/
// _video/_location/_file/_link/_gif/_business_card -> kMedia;
// follow/user_click_chatnow -> kFollow; unfollow -> kUnfollow;
// user_submit_info -> kUserInfo (text = JSON {"name","phone","address",...}
// from either payload shape); oa_send_* with sender.admin_id ->
// kHumanReply (user = recipient), without -> kEcho; user_withdraw ->
// kWithdraw. IDs are read as strings or numbers. platform_id = message.msg_id,
// or "<event_name>:<user>:<timestamp>".
// Details: the user is sender.id, else follower.id, else user_id (recipient.id
// for oa_send_*); recipient = the OA (recipient.id or oa_id; sender.id for
// oa_send_*), empty when absent. kUserInfo text is compact JSON with keys
// address (full_address parts or address/ward/district/city joined by ", "),
// name, phone (always) and dob, gender (when present). Media events keep a
// caption in `text`. user_send_text needs message.text.
Result<WebhookParse> ParseZaloWebhook(std::string_view body);

// The body's top-level "timestamp" as text (string, or integer written as
// digits); nullopt when missing, empty, of another type, or not a JSON object.
std::optional<std::string> ZaloBodyTimestamp(std::string_view body);

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_WEBHOOK_PARSE_H_
