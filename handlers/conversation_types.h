// Platform-neutral messages in and out of the dialog engine. Channel
// adapters (bot/) translate platform JSON to Inbound and Reply to platform
// JSON; nothing below bot/ knows a platform or HTTP.
#ifndef BHXH_HANDLERS_CONVERSATION_TYPES_H_
#define BHXH_HANDLERS_CONVERSATION_TYPES_H_

#include <chrono>
#include <string>
#include <vector>

namespace bhxh {

struct Inbound {
  std::string channel;  // "web", "messenger", "zalo", "cli"
  std::string user;     // channel-scoped user id (web: the browser session id)
  std::string text;     // what the citizen typed; may be empty when payload is set
  std::string payload;  // a tapped choice's payload; empty for typed text
  std::chrono::system_clock::time_point at;
  // Contact details the citizen shared through the platform's own form
  // (Zalo user_submit_info); empty otherwise.
  std::string shared_name;
  std::string shared_phone;
  // The meeting the conversation happens at (the kiosk page at a meeting
  // hall passes it): a lead registered here records it. "" otherwise.
  std::string meeting_context;
};

enum class ChoiceKind {
  kPayload,     // a button / quick reply that sends `payload` back
  kSharePhone,  // Messenger's "send my phone number" quick reply; channels
                // without one leave it out (the citizen types the number)
};

struct Choice {
  std::string title;    // shown on the button (Vietnamese, short)
  std::string payload;  // sent back when tapped, e.g. "FAQ:bhxh-tn-muc-dong"
  ChoiceKind kind = ChoiceKind::kPayload;
};

struct Reply {
  std::string text;
  std::vector<Choice> choices;
  // After this reply the conversation goes to a staff member: Messenger
  // passes thread control to the Page Inbox; the bot is already paused.
  bool hand_over = false;
  // Zalo: also send the OA's "share your contact" form (request_user_info).
  bool request_contact = false;
  // The citizen's data was erased in this turn ("xóa thông tin của tôi"):
  // the channel deletes what it keeps of the user too (inbox events,
  // earlier outbox rows), keeping only this reply.
  bool erase_user_data = false;
};

}  // namespace bhxh

#endif  // BHXH_HANDLERS_CONVERSATION_TYPES_H_
