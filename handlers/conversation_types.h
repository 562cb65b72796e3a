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
};

struct Choice {
  std::string title;    // shown on the button (Vietnamese, short)
  std::string payload;  // sent back when tapped, e.g. "FAQ:bhxh-tn-muc-dong"
};

struct Reply {
  std::string text;
  std::vector<Choice> choices;
};

}  // namespace bhxh

#endif  // BHXH_HANDLERS_CONVERSATION_TYPES_H_
