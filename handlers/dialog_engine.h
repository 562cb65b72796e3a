// The conversation logic shared by every channel. Loads the user's
// conversation state, routes the message (a tapped choice, a cancel word, the
// open flow, an intent such as "lịch họp" or "gặp cán bộ", else the FAQ),
// saves the new state with the flows' writes and the question log in one
// transaction, and returns the replies. Knows no HTTP and no platform JSON.
#ifndef BHXH_HANDLERS_DIALOG_ENGINE_H_
#define BHXH_HANDLERS_DIALOG_ENGINE_H_

#include <chrono>
#include <functional>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "handlers/conversation_types.h"
#include "handlers/live_content.h"

namespace bhxh {

class ConversationStore;
class HandoverQueue;
class LeadStore;
class MeetingStore;
class QuestionLog;
class UnitOfWork;

// The stores the engine uses; any may be null (tests, a CLI without a
// database): then that part is not stored (a null `conversations` keeps
// state only for the call). When `unit` is given, everything a turn writes
// commits in one transaction.
struct DialogStores {
  ConversationStore* conversations = nullptr;
  QuestionLog* questions = nullptr;
  UnitOfWork* unit = nullptr;
  LeadStore* leads = nullptr;
  MeetingStore* meetings = nullptr;
  HandoverQueue* handovers = nullptr;
};

struct DialogSettings {
  // How long the bot stays silent for a user handed to staff, unless staff
  // release the user earlier.
  std::chrono::minutes handover_pause = std::chrono::hours(24);
  // An unfinished form (its personal data included) is dropped when the
  // citizen has not written for this long.
  std::chrono::minutes form_lifetime = std::chrono::hours(24);
};

class DialogEngine {
 public:
  // All dependencies must outlive the engine.
  DialogEngine(const LiveContent& content, DialogStores stores, const Clock& clock,
               DialogSettings settings = {});
  // The FAQ-only engine of the first step (kept for callers with no flows' stores).
  DialogEngine(const LiveContent& content, ConversationStore* conversations,
               QuestionLog* question_log, const Clock& clock, UnitOfWork* unit = nullptr);

  // Called with the turn's replies before the transaction that saves the
  // turn, for the slow part of a channel's work (rendering the replies for
  // its platform), so the transaction holds the database's writer no longer
  // than its SQL takes. Returns the work that runs inside that transaction,
  // after the state and the question log: the channels write the rendered
  // replies to the outbox and mark the inbound event done there, so all of
  // it commits together or not at all.
  using CommitHook = std::function<std::function<Status()>(const std::vector<Reply>& replies)>;

  // Handles one inbound message. Returns the replies to send, or an error
  // status when storage (or the hook) failed: then nothing of the turn was
  // saved. The replies are empty only when staff are handling the user on a
  // channel where staff reply in the platform's own tool (messenger, zalo);
  // on other channels a paused user is told that staff will answer.
  // Thread-safe; messages of the same user must be serialised by the caller.
  Result<std::vector<Reply>> Handle(const Inbound& in, const CommitHook& hook = {});

  // Messages handled even while staff are handling the user (the bot is
  // paused): asking to erase one's data, and answering its confirmation.
  // Reads the user's conversation state.
  Result<bool> AllowedWhilePaused(const Inbound& in);

  // The content the engine answers from (the channels take their own few
  // sentences from its wording).
  const LiveContent& content() const { return content_; }

  // Deletes everything the engine's stores keep about the user (conversation,
  // question log, leads, RSVPs, reminders, handover requests). Joins the
  // caller's unit of work when called inside one.
  Status EraseUser(const std::string& channel, const std::string& user);

  // Staff handed the user back to the bot: the open handover request is
  // released and the pause ends. OK when there was none.
  Status ReleaseToBot(const std::string& channel, const std::string& user);

  // Drops unfinished forms not touched for `form_lifetime` (their personal
  // data with them). Returns how many. Run periodically.
  Result<size_t> DropAbandonedForms();

 private:
  const LiveContent& content_;
  DialogStores stores_;
  const Clock& clock_;
  DialogSettings settings_;
};

}  // namespace bhxh

#endif  // BHXH_HANDLERS_DIALOG_ENGINE_H_
