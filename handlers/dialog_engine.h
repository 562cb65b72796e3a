// The conversation logic shared by every channel. Loads the user's
// conversation state, routes the message to a handler through a table
// (menu, FAQ, clarify choice, ...), logs the question, saves the new state
// and returns the replies. Knows no HTTP and no platform JSON.
#ifndef BHXH_HANDLERS_DIALOG_ENGINE_H_
#define BHXH_HANDLERS_DIALOG_ENGINE_H_

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

  // Handles one inbound message. Returns the replies to send (at least one),
  // or an error status when storage failed (nothing was half-saved).
  // Thread-safe; messages of the same user must be serialised by the caller.
  Result<std::vector<Reply>> Handle(const Inbound& in);

 private:
  const LiveContent& content_;
  ConversationStore* conversations_;
  QuestionLog* question_log_;
  const Clock& clock_;
  UnitOfWork* unit_;
};

}  // namespace bhxh

#endif  // BHXH_HANDLERS_DIALOG_ENGINE_H_
