// The user_pauses table: the bot stays silent for a user until until_ms (a
// pause until T is over at T). Written by ChannelStateStore (a staff reply
// typed on the platform) and HandoverQueue (a citizen handed to staff); read
// by both. Private to storage/; the caller holds the connection.
#ifndef BHXH_STORAGE_USER_PAUSES_H_
#define BHXH_STORAGE_USER_PAUSES_H_

#include <chrono>
#include <optional>
#include <string>

#include "base/status.h"

struct sqlite3;

namespace bhxh::user_pauses {

// Creates or replaces the user's pause (even a longer one).
Status Set(sqlite3* db, const std::string& channel, const std::string& user,
           std::chrono::system_clock::time_point until, const std::string& reason);
// Ends the user's pause; OK when there was none.
Status Clear(sqlite3* db, const std::string& channel, const std::string& user);
// The end of the pause if the user is paused at `now`, else nullopt. An
// expired row is left in place: it is harmless, and the next Set overwrites it.
Result<std::optional<std::chrono::system_clock::time_point>> Until(
    sqlite3* db, const std::string& channel, const std::string& user,
    std::chrono::system_clock::time_point now);

}  // namespace bhxh::user_pauses

#endif  // BHXH_STORAGE_USER_PAUSES_H_
