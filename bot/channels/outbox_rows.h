// Replies -> the outbox rows that deliver them on a platform (rendered
// bodies, in send order). Shared by the event processor (answers) and the
// reminder delivery (messages the bot sends first).
#ifndef BHXH_BOT_CHANNELS_OUTBOX_ROWS_H_
#define BHXH_BOT_CHANNELS_OUTBOX_ROWS_H_

#include <chrono>
#include <string>
#include <vector>

#include "bot/channels/reply_render.h"
#include "content/messages.h"
#include "handlers/conversation_types.h"
#include "storage/outbox.h"

namespace bhxh {

struct OutboxRenderOptions {
  std::string zalo_request_info_image_url;  // see RenderZalo
  RenderWording wording;
};

// The renderers' own sentences from the wording file.
RenderWording WordingFrom(const Messages& messages);

// Rows for `replies` to `user` on `channel` ("messenger" or "zalo"), due at
// `now`; `event_id` is the inbox event answered (0 for none).
std::vector<OutboxMessage> OutboxRowsFor(const std::string& channel, const std::string& user,
                                         long long event_id, const std::vector<Reply>& replies,
                                         std::chrono::system_clock::time_point now,
                                         const OutboxRenderOptions& options);

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_OUTBOX_ROWS_H_
