// Delivers one rendered outbox row through a platform's send API and says
// what happened. Messenger: Graph Send API (typing_on first for a new turn).
// Zalo: /v3.0/oa/message/cs with the OA access token; on -216/-220 the
// token is refreshed and the send retried once.
#ifndef BHXH_BOT_CHANNELS_PLATFORM_SENDER_H_
#define BHXH_BOT_CHANNELS_PLATFORM_SENDER_H_

#include <map>
#include <mutex>
#include <string>

#include "bot/channels/channel_config.h"
#include "bot/channels/platform_http.h"
#include "bot/channels/send_classify.h"
#include "bot/channels/zalo_token_manager.h"
#include "storage/outbox.h"

namespace bhxh {

class PlatformSender {
 public:
  virtual ~PlatformSender() = default;
  // Sends `message.body`. Thread-safe. Never throws.
  virtual SendVerdict Send(const OutboxMessage& message) = 0;
};

class MessengerSender final : public PlatformSender {
 public:
  MessengerSender(const MessengerConfig& config, PlatformHttp& http);
  SendVerdict Send(const OutboxMessage& message) override;

 private:
  MessengerConfig config_;
  PlatformHttp& http_;
  std::mutex mu_;
  std::map<std::string, long long> last_event_;  // user -> event of the last send
};

class ZaloSender final : public PlatformSender {
 public:
  ZaloSender(const ZaloConfig& config, PlatformHttp& http, ZaloTokenManager& tokens);
  SendVerdict Send(const OutboxMessage& message) override;

 private:
  SendVerdict SendWith(const std::string& token, const OutboxMessage& message);
  ZaloConfig config_;
  PlatformHttp& http_;
  ZaloTokenManager& tokens_;
};

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_PLATFORM_SENDER_H_
