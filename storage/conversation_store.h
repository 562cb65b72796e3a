// Per-user conversation state, so a conversation survives restarts. The
// state is an opaque string owned by the dialog engine (handlers/); storage
// does not interpret it.
#ifndef BHXH_STORAGE_CONVERSATION_STORE_H_
#define BHXH_STORAGE_CONVERSATION_STORE_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace bhxh {

class Database;

struct ConversationKey {
  std::string channel;  // "web", "messenger", "zalo", "cli"
  std::string user;
};

struct StoredConversation {
  std::string state;  // opaque to storage
  std::chrono::system_clock::time_point updated_at;
};

// Implementations are thread-safe.
class ConversationStore {
 public:
  virtual ~ConversationStore() = default;
  // nullopt when the user has no stored conversation.
  virtual Result<std::optional<StoredConversation>> Load(const ConversationKey& key) = 0;
  // Creates or replaces the user's state; `at` is kept to the millisecond.
  virtual Status Save(const ConversationKey& key, const std::string& state,
                      std::chrono::system_clock::time_point at) = 0;
  // OK also when nothing was stored for `key`.
  virtual Status Delete(const ConversationKey& key) = 0;
  // Privacy retention: deletes every conversation not updated since
  // `cutoff` (updated_at < cutoff); returns how many.
  virtual Result<size_t> PurgeUpdatedBefore(std::chrono::system_clock::time_point cutoff) = 0;
  // Conversations last updated before `cutoff` whose state contains
  // `marker` (the engine's marker of an unfinished form), at most `limit`,
  // oldest first: the engine drops abandoned forms with them.
  virtual Result<std::vector<ConversationKey>> StaleWithMarker(
      const std::string& marker, std::chrono::system_clock::time_point cutoff, size_t limit) = 0;
};

std::unique_ptr<ConversationStore> NewSqliteConversationStore(Database& db);

}  // namespace bhxh

#endif  // BHXH_STORAGE_CONVERSATION_STORE_H_
