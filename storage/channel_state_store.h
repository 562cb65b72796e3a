// Small per-channel and per-user state the channels keep: OAuth tokens (the
// Zalo OA refresh token is single-use, so a new pair is persisted before it
// is used) and "bot paused for this user" (a staff member took over).
#ifndef BHXH_STORAGE_CHANNEL_STATE_STORE_H_
#define BHXH_STORAGE_CHANNEL_STATE_STORE_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"

namespace bhxh {

class Database;

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::chrono::system_clock::time_point access_expires;
  std::chrono::system_clock::time_point updated;
};

class ChannelStateStore {
 public:
  virtual ~ChannelStateStore() = default;
  // nullopt when none stored for `channel` ("zalo").
  virtual Result<std::optional<TokenPair>> LoadTokens(const std::string& channel) = 0;
  // Replaces the stored pair in one transaction (durable before returning;
  // inside a UnitOfWork it joins that transaction instead). Times are kept
  // to the millisecond.
  virtual Status SaveTokens(const std::string& channel, const TokenPair& tokens) = 0;
  // Stores `initial` only if nothing is stored yet; returns what is stored.
  virtual Result<TokenPair> SeedTokens(const std::string& channel, const TokenPair& initial) = 0;

  // The bot stays silent for the user until `until` (a staff member took
  // over). Replaces an earlier pause of the user, even a longer one.
  virtual Status PauseUser(const std::string& channel, const std::string& user,
                           std::chrono::system_clock::time_point until,
                           const std::string& reason) = 0;
  // Ends the pause now; OK if the user was not paused.
  virtual Status ResumeUser(const std::string& channel, const std::string& user) = 0;
  // The end of the pause if the user is paused at `now` (now < until),
  // else nullopt: a pause until T is over at T.
  virtual Result<std::optional<std::chrono::system_clock::time_point>> PausedUntil(
      const std::string& channel, const std::string& user,
      std::chrono::system_clock::time_point now) = 0;
};

std::unique_ptr<ChannelStateStore> NewSqliteChannelStateStore(Database& db);

}  // namespace bhxh

#endif  // BHXH_STORAGE_CHANNEL_STATE_STORE_H_
