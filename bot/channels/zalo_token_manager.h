// The Zalo OA access token and its single-use refresh token (OAuth v4).
// The token is refreshed before it expires; a refresh persists the new pair
// in the database before the new access token is used (the old refresh token
// is dead the moment Zalo answers), and only one refresh runs at a time.
// A failed refresh keeps the old pair, is logged loudly and shown by
// Health(); it needs the OA admin if it persists.
#ifndef BHXH_BOT_CHANNELS_ZALO_TOKEN_MANAGER_H_
#define BHXH_BOT_CHANNELS_ZALO_TOKEN_MANAGER_H_

#include <chrono>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "bot/channels/channel_config.h"
#include "bot/channels/platform_http.h"
#include "storage/channel_state_store.h"

namespace bhxh {

class ZaloTokenManager {
 public:
  ZaloTokenManager(ChannelStateStore& store, const ZaloConfig& config, PlatformHttp& http,
                   const Clock& clock, std::chrono::seconds refresh_margin);

  // Loads the stored pair, or stores the configured initial one.
  Status Init();
  // An access token valid for at least the margin, refreshing first if
  // needed. Unavailable when there is none and a refresh failed.
  Result<std::string> AccessToken();
  // Zalo rejected `rejected_token` (-216/-220): refresh, unless another
  // thread already replaced that token.
  Status RefreshAfterRejection(const std::string& rejected_token);
  // "ok", or what is wrong (never a token).
  std::string Health() const;

 private:
  Status RefreshLocked();

  ChannelStateStore& store_;
  ZaloConfig config_;
  PlatformHttp& http_;
  const Clock& clock_;
  std::chrono::seconds margin_;
  mutable std::mutex mu_;
  TokenPair current_;
  std::string last_error_;
};

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_ZALO_TOKEN_MANAGER_H_
