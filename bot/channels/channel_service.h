// The Messenger and Zalo channels of a running service: the inbox, the
// outbox and its sender, the event processor, the Zalo token manager and the
// webhook routes, wired together. A channel whose secrets are missing is
// disabled with one log line naming the missing settings; the rest runs.
#ifndef BHXH_BOT_CHANNELS_CHANNEL_SERVICE_H_
#define BHXH_BOT_CHANNELS_CHANNEL_SERVICE_H_

#include <chrono>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "bot/config.h"
#include "bot/http_server.h"
#include "handlers/dialog_engine.h"
#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/question_log.h"
#include "storage/unit_of_work.h"

namespace bhxh {

class ChannelService {
 public:
  ChannelService();
  ~ChannelService();  // stops

  // Builds what the configured channels need and adds their routes to
  // `server` (before it starts). `log` receives the enable/disable lines.
  Status Setup(const Config& config, Database& db, DialogEngine& engine,
               ConversationStore& conversations, QuestionLog& questions, UnitOfWork& unit,
               const Clock& clock, HttpServer& server, std::ostream& log);
  // Recovers pending events and outbox rows left by a previous run, and
  // starts the workers.
  Status Start();
  void Stop();

  bool any_enabled() const;

  // The enabled channels on which the bot may message a citizen first, and
  // for how long after the citizen's last message: Messenger 24 h (standard
  // messaging; message tags are not used), Zalo 7 days (CS messages).
  std::map<std::string, std::chrono::minutes> PushWindows() const;
  // Writes the outbox rows of a message the bot sends first (a reminder);
  // joins the caller's unit of work. InvalidArgument for a channel that is
  // not enabled.
  Status EnqueueFirst(const std::string& channel, const std::string& user,
                      const std::vector<Reply>& replies);
  // Privacy retention: deletes handled inbox events and finished outbox
  // rows older than `cutoff`; returns how many rows.
  Result<size_t> PurgeBefore(std::chrono::system_clock::time_point cutoff);
  // Wakes the sender for the user (after the rows committed).
  void Notify(const std::string& channel, const std::string& user);
  // Named health checks ("zalo_token": "ok" | problem; "outbox_failed": "N").
  std::map<std::string, std::string> Health() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_CHANNEL_SERVICE_H_
