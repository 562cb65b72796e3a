// Turns FAQ match results into replies: a rendered answer with its source
// and follow-up choices, a list of choices when the matcher is unsure, or a
// polite "I don't know" that offers the menu, the hotline and a staff member.
#ifndef BHXH_HANDLERS_FAQ_HANDLER_H_
#define BHXH_HANDLERS_FAQ_HANDLER_H_

#include <string>
#include <vector>

#include "base/civil_date.h"
#include "content/faq_index.h"
#include "handlers/conversation_types.h"
#include "handlers/live_content.h"

namespace bhxh {

// Payload prefixes understood by the dialog engine.
inline constexpr const char* kFaqPayloadPrefix = "FAQ:";
inline constexpr const char* kTopicPayloadPrefix = "TOPIC:";

class FaqHandler {
 public:
  FaqHandler(const ContentSnapshot& content, const CivilDate& today)
      : content_(content), today_(today) {}

  // The answer of `entry` with amounts in force today, its source, and its
  // follow-ups as choices.
  std::vector<Reply> Answer(const FaqEntry& entry) const;
  // Replies for a match of a typed question. `unknown_streak` is the number
  // of unknown outcomes in a row before this one (the second in a row offers
  // a staff member first).
  std::vector<Reply> ForMatch(const MatchResult& match, int unknown_streak) const;
  // The list of topics, and the questions of one topic, as choices.
  std::vector<Reply> Topics() const;
  std::vector<Reply> TopicQuestions(const std::string& topic) const;

  std::vector<Choice> MenuChoices() const;

 private:
  Choice ChoiceFor(const FaqEntry& entry) const;
  const ContentSnapshot& content_;
  CivilDate today_;
};

}  // namespace bhxh

#endif  // BHXH_HANDLERS_FAQ_HANDLER_H_
