// The webhook endpoints of Messenger and Zalo on the HTTP server:
//   GET  /webhook/messenger  verification handshake -> 200 challenge | 403
//   POST /webhook/messenger  X-Hub-Signature-256 checked over the raw body
//   GET  /webhook/zalo       200 (URL probe)
//   POST /webhook/zalo       X-ZEvent-Signature checked over the raw body
// A POST answers 200 only after its events are committed to the inbox;
// 401 (bad or missing signature, nothing stored), 413 (over the size
// limit), 400 (malformed JSON), 503 (the inbox could not commit: the
// platform will redeliver). Unknown objects and event types: 200, ignored.
#ifndef BHXH_BOT_CHANNELS_WEBHOOK_ROUTES_H_
#define BHXH_BOT_CHANNELS_WEBHOOK_ROUTES_H_

#include "base/clock.h"
#include "bot/channels/channel_config.h"
#include "bot/channels/event_processor.h"
#include "bot/channels/intake_priority.h"
#include "bot/http_server.h"
#include "storage/event_inbox.h"

namespace bhxh {

constexpr size_t kWebhookMaxBodyBytes = 256 * 1024;

// Where a webhook's events go: committed to `inbox`, then handed to
// `processor`. `priority` (may be null) is told how long each commit took.
struct WebhookIntake {
  EventInbox& inbox;
  EventProcessor& processor;
  const Clock& clock;
  IntakePriority* priority = nullptr;
};

void AddMessengerRoutes(HttpServer& server, const MessengerConfig& config,
                        const WebhookIntake& intake);
void AddZaloRoutes(HttpServer& server, const ZaloConfig& config, const WebhookIntake& intake);

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_WEBHOOK_ROUTES_H_
