// What a multi-step conversation flow (lead form, calculator, meetings,
// data deletion) sees of one turn, and the part of the conversation state
// it owns. The dialog engine loads the state, routes the message to the
// open flow, then saves the state and runs the flow's deferred writes in
// one transaction. Flows know no platform and no HTTP.
#ifndef BHXH_HANDLERS_FLOW_H_
#define BHXH_HANDLERS_FLOW_H_

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/civil_date.h"
#include "base/status.h"
#include "handlers/conversation_types.h"
#include "handlers/live_content.h"

namespace bhxh {

// The open flow of a conversation, persisted with it (survives restarts).
// Slot values are any text (newlines included); names are [a-z_0-9]+.
struct FlowState {
  std::string name;  // "" = no open flow; "lead", "calculator", "meetings", "delete"
  std::string step;  // the flow's own step name
  std::map<std::string, std::string> slots;
  // The current step expects a number (birth year, household size): a typed
  // number then goes to the flow instead of picking a numbered choice.
  bool numeric_answer = false;
  // When the flow was opened. (A form is abandoned when the conversation
  // was not touched for DialogSettings::form_lifetime, whenever it opened.)
  std::chrono::system_clock::time_point started;

  bool open() const { return !name.empty(); }
  void Clear() { *this = FlowState(); }
  std::string Slot(const std::string& key) const {
    auto it = slots.find(key);
    return it == slots.end() ? std::string() : it->second;
  }
};

struct TurnContext {
  const ContentSnapshot& content;
  const Inbound& in;
  std::string folded;  // FoldVietnamese(in.text): lower case, no diacritics
  std::chrono::system_clock::time_point now;
  CivilDate today;     // in Vietnam
  FlowState& flow;
  // Writes that must commit with the conversation state (a lead, an RSVP):
  // run in the turn's transaction after the handlers, in order; an error
  // rolls back the whole turn and nothing is sent.
  std::vector<std::function<Status()>> effects;
  void Defer(std::function<Status()> write) { effects.push_back(std::move(write)); }
};

// What a flow did with a message while it was open.
struct FlowOutcome {
  // false: the message is not an answer to the flow's question (it looks
  // like an unrelated question); the engine answers it the usual way and
  // then repeats the flow's question (Resume), keeping the flow open.
  bool handled = true;
  std::vector<Reply> replies;
};

}  // namespace bhxh

#endif  // BHXH_HANDLERS_FLOW_H_
