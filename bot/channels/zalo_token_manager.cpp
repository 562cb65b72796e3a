#include "bot/channels/zalo_token_manager.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "bot/channels/send_classify.h"

namespace bhxh {

ZaloTokenManager::ZaloTokenManager(ChannelStateStore& store, const ZaloConfig& config,
                                   PlatformHttp& http, const Clock& clock,
                                   std::chrono::seconds refresh_margin)
    : store_(store), config_(config), http_(http), clock_(clock), margin_(refresh_margin) {}

Status ZaloTokenManager::Init() {
  TokenPair initial;
  initial.access_token = config_.access_token;
  initial.refresh_token = config_.refresh_token;
  // The configured token's age is unknown: treat it as expiring within the
  // margin, so the first use refreshes it when a refresh token is given.
  initial.access_expires = config_.refresh_token.empty() ? clock_.Now() + std::chrono::hours(25)
                                                         : clock_.Now();
  initial.updated = clock_.Now();
  auto stored = store_.SeedTokens("zalo", initial);
  if (!stored.ok()) return stored.status();
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(stored).value();
  return Status::Ok();
}

Status ZaloTokenManager::RefreshLocked() {
  if (current_.refresh_token.empty()) {
    last_error_ = "no refresh token; the OA admin must grant access again";
    return Unavailable(last_error_);
  }
  const std::string body = "refresh_token=" + FormEncode(current_.refresh_token) +
                           "&app_id=" + FormEncode(config_.app_id) + "&grant_type=refresh_token";
  const HttpCallResult r =
      http_.Post(config_.oauth_base_url + "/v4/oa/access_token", body,
                 "application/x-www-form-urlencoded", {{"secret_key", config_.app_secret}});
  Status failure;
  if (r.status == 0) {
    failure = Unavailable("token refresh: no answer from Zalo OAuth (" + r.error + ")");
  } else if (r.status >= 500) {
    failure = Unavailable("token refresh: Zalo OAuth answered HTTP " + std::to_string(r.status));
  } else {
    auto parsed = ParseZaloTokenResponse(r.body, clock_.Now());
    if (parsed.ok()) {
      // Persist first: Zalo has already invalidated the old refresh token.
      if (Status s = store_.SaveTokens("zalo", *parsed); !s.ok()) {
        last_error_ = "token refresh: new tokens could not be saved: " + s.message();
        std::cerr << nlohmann::json{{"event", "zalo_token_refresh_failed"}, {"error", last_error_}}
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                  << "\n";
        return s;
      }
      current_ = std::move(parsed).value();
      last_error_.clear();
      std::cerr << nlohmann::json{{"event", "zalo_token_refreshed"}}.dump() << "\n";
      return Status::Ok();
    }
    failure = Status(parsed.status().code(), "token refresh: " + parsed.status().message());
  }
  last_error_ = failure.message();
  std::cerr << nlohmann::json{{"event", "zalo_token_refresh_failed"}, {"error", last_error_},
                              {"action", "check the Zalo app settings; the OA admin may need to grant access again"}}
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
            << "\n";
  return failure;
}

Result<std::string> ZaloTokenManager::AccessToken() {
  std::lock_guard<std::mutex> lock(mu_);
  if (clock_.Now() + margin_ >= current_.access_expires) {
    const Status s = RefreshLocked();
    // An old token that has not expired yet still works while refresh fails.
    if (!s.ok() && (current_.access_token.empty() || clock_.Now() >= current_.access_expires)) {
      return s;
    }
  }
  return current_.access_token;
}

Status ZaloTokenManager::RefreshAfterRejection(const std::string& rejected_token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (current_.access_token != rejected_token) return Status::Ok();  // someone refreshed already
  return RefreshLocked();
}

std::string ZaloTokenManager::Health() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!last_error_.empty()) return last_error_;
  if (clock_.Now() >= current_.access_expires && current_.refresh_token.empty()) {
    return "access token expired and no refresh token";
  }
  return "ok";
}

}  // namespace bhxh
