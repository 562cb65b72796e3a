// The conversation logic shared by every channel. Loads the user's
// conversation state, routes the message to a handler through a table
// (menu, FAQ, clarify choice, ...), logs the question, saves the new state
// and returns the replies. Knows no HTTP and no platform JSON.
#ifndef BHXH_HANDLERS_DIALOG_ENGINE_H_
#define BHXH_HANDLERS_DIALOG_ENGINE_H_

#include <functional>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "handlers/conversation_types.h"
#include "handlers/live_content.h"

namespace bhxh {

class ConversationStore;
class QuestionLog;
class UnitOfWork;

class DialogEngine {
 public:
  // All dependencies must outlive the engine. `question_log`,
  // `conversations` and `unit` may be null (tests, a CLI without a
  // database): then nothing is logged and state lives only for the call.
  // When `unit` is given, the state and the question log of one message are
  // written in one transaction.
  DialogEngine(const LiveContent& content, ConversationStore* conversations,
               QuestionLog* question_log, const Clock& clock, UnitOfWork* unit = nullptr);

  // Runs inside the transaction that saves the turn, after the state and
  // the question log: the channels write the replies to the outbox and mark
  // the inbound event done here, so all of it commits together or not at all.
  using CommitHook = std::function<Status(const std::vector<Reply>& replies)>;

  // Handles one inbound message. Returns the replies to send (at least one),
  // or an error status when storage (or the hook) failed: then nothing of
  // the turn was saved. Thread-safe; messages of the same user must be
  // serialised by the caller.
  Result<std::vector<Reply>> Handle(const Inbound& in, const CommitHook& hook = {});

 private:
  const LiveContent& content_;
  ConversationStore* conversations_;
  QuestionLog* question_log_;
  const Clock& clock_;
  UnitOfWork* unit_;
};

}  // namespace bhxh

#endif  // BHXH_HANDLERS_DIALOG_ENGINE_H_
