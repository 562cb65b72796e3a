#include "bot/channels/outbox_rows.h"

#include "bot/channels/reply_render.h"

namespace bhxh {

std::vector<OutboxMessage> OutboxRowsFor(const std::string& channel, const std::string& user,
                                         long long event_id, const std::vector<Reply>& replies,
                                         std::chrono::system_clock::time_point now,
                                         const OutboxRenderOptions& options) {
  const std::vector<std::string> bodies =
      channel == "zalo" ? RenderZalo(user, replies, options.zalo_request_info_image_url)
                        : RenderMessenger(user, replies);
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
