// The per-user conversation state the dialog engine keeps between
// messages (storage treats it as opaque text): the choices last offered,
// the unknown streak, the citizen's commune, the meeting last shown and the
// open flow. Serialised as "key=value" lines, so that handlers do not depend
// on a JSON library; free text in values is %-escaped (%, CR, LF, U+001F).
#ifndef BHXH_HANDLERS_DIALOG_STATE_H_
#define BHXH_HANDLERS_DIALOG_STATE_H_

#include <string>
#include <vector>

#include "handlers/flow.h"

namespace bhxh {

struct DialogState {
  std::vector<std::string> last_choices;  // payloads of the last numbered choices
  int unknown_streak = 0;
  std::string commune;       // the citizen's commune code, once known
  std::string last_meeting;  // the meeting last shown ("tôi sẽ tham dự" means it)
  FlowState flow;

  std::string Serialize() const;
  // Reads what Serialize wrote (and the v=1 state of the first version);
  // unknown lines are skipped, so a newer state never breaks an older build.
  static DialogState Parse(const std::string& text);
};

// The line an open flow writes into the serialised state (to find stale
// forms in storage without parsing every conversation).
inline constexpr const char* kOpenFlowMarker = "\nflow=";

}  // namespace bhxh

#endif  // BHXH_HANDLERS_DIALOG_STATE_H_
