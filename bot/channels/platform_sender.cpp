#include "bot/channels/platform_sender.h"

#include "bot/channels/reply_render.h"

namespace bhxh {

MessengerSender::MessengerSender(const MessengerConfig& config, PlatformHttp& http)
    : config_(config), http_(http) {}

SendVerdict MessengerSender::Send(const OutboxMessage& message) {
  const std::string token = "?access_token=" + FormEncode(config_.page_access_token);
  // Handover to the Page Inbox goes to its own endpoint, with no typing
  // indicator before it.
  const bool thread_control = IsMessengerThreadControl(message.body);
  const std::string url = config_.graph_base_url +
                          (thread_control ? "/me/pass_thread_control" : "/me/messages") + token;
  bool new_turn = false;
  if (!thread_control) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& last = last_event_[message.user];
    new_turn = message.event_id != 0 && last != message.event_id;
    last = message.event_id;
    if (last_event_.size() > 10000) last_event_.clear();  // bounded memory
  }
  if (new_turn) {
    // Best effort: the typing indicator is cosmetic and never retried.
    (void)http_.Post(url, RenderMessengerTyping(message.user), "application/json");
  }
  const HttpCallResult r = http_.Post(url, message.body, "application/json");
  SendVerdict v = ClassifyMessengerResponse(r.status, r.body);
  if (r.status == 0 && v.detail.empty()) v.detail = r.error;
  return v;
}

ZaloSender::ZaloSender(const ZaloConfig& config, PlatformHttp& http, ZaloTokenManager& tokens)
    : config_(config), http_(http), tokens_(tokens) {}

SendVerdict ZaloSender::SendWith(const std::string& token, const OutboxMessage& message) {
  const HttpCallResult r = http_.Post(config_.openapi_base_url + "/v3.0/oa/message/cs",
                                      message.body, "application/json", {{"access_token", token}});
  SendVerdict v = ClassifyZaloResponse(r.status, r.body);
  if (r.status == 0 && v.detail.empty()) v.detail = r.error;
  return v;
}

SendVerdict ZaloSender::Send(const OutboxMessage& message) {
  auto token = tokens_.AccessToken();
  if (!token.ok()) {
    SendVerdict v;
    v.outcome = SendOutcome::kRetry;
    v.reason = "token_unavailable";
    v.detail = token.status().message();
    return v;
  }
  SendVerdict v = SendWith(*token, message);
  if (v.outcome != SendOutcome::kRefreshToken) return v;
  // -216/-220: refresh once and retry once.
  if (Status s = tokens_.RefreshAfterRejection(*token); !s.ok()) {
    v.outcome = SendOutcome::kRetry;
    v.reason = "token_expired";
    v.detail = s.message();
    return v;
  }
  auto fresh = tokens_.AccessToken();
  if (!fresh.ok()) {
    v.outcome = SendOutcome::kRetry;
    v.reason = "token_unavailable";
    v.detail = fresh.status().message();
    return v;
  }
  v = SendWith(*fresh, message);
  if (v.outcome == SendOutcome::kRefreshToken) {
    v.outcome = SendOutcome::kPermanent;
    v.reason = "bad_token";
  }
  return v;
}

}  // namespace bhxh
