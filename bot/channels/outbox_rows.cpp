#include "bot/channels/outbox_rows.h"

#include "bot/channels/reply_render.h"

namespace bhxh {

RenderWording WordingFrom(const Messages& messages) {
  RenderWording w;
  w.choice_prompt = messages.Get("choice_prompt");
  w.zalo_choice_hint = messages.Get("zalo_choice_hint");
  w.zalo_share_title = messages.Get("zalo_share_title");
  w.zalo_share_subtitle = messages.Get("zalo_share_subtitle");
  return w;
}

std::vector<OutboxMessage> OutboxRowsFor(const std::string& channel, const std::string& user,
                                         long long event_id, const std::vector<Reply>& replies,
                                         std::chrono::system_clock::time_point now,
                                         const OutboxRenderOptions& options) {
  const std::vector<std::string> bodies =
      channel == "zalo"
          ? RenderZalo(user, replies, options.zalo_request_info_image_url, options.wording)
          : RenderMessenger(user, replies, options.wording);
  std::vector<OutboxMessage> rows;
  rows.reserve(bodies.size());
  for (const auto& body : bodies) {
    OutboxMessage m;
    m.channel = channel;
    m.user = user;
    m.event_id = event_id;
    m.body = body;
    m.created = now;
    m.next_attempt = now;
    rows.push_back(std::move(m));
  }
  return rows;
}

}  // namespace bhxh
