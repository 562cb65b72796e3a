#include "handlers/faq_handler.h"

#include <algorithm>

namespace bhxh {

std::vector<Choice> FaqHandler::MenuChoices() const {
  const Messages& m = *content_.messages;
  return {{m.Get("menu_faq"), "MENU_FAQ"},
          {m.Get("menu_meetings"), "MENU_MEETINGS"},
          {m.Get("menu_register"), "MENU_REGISTER"},
          {m.Get("menu_calculator"), "MENU_CALCULATOR"},
          {m.Get("menu_staff"), "MENU_STAFF"}};
}

Choice FaqHandler::ChoiceFor(const FaqEntry& entry) const {
  return {entry.questions.front(), std::string(kFaqPayloadPrefix) + entry.id};
}

std::vector<Reply> FaqHandler::Answer(const FaqEntry& entry) const {
  const Messages& m = *content_.messages;
  Reply answer;
  answer.text = content_.variables->Render(entry.answer, today_);
  if (!entry.source.empty()) {
    answer.text += "\n\n" + m.Get("answer_source", {{"source", entry.source}});
  }
  for (const auto& id : entry.follow_up) {
    if (const FaqEntry* f = content_.faq->Find(id)) answer.choices.push_back(ChoiceFor(*f));
  }
  answer.choices.push_back({m.Get("menu_back"), "MENU"});
  return {answer};
}

std::vector<Reply> FaqHandler::ForMatch(const MatchResult& match, int unknown_streak) const {
  const Messages& m = *content_.messages;
  const std::map<std::string, std::string> hotline = {{"hotline", m.Get("hotline")}};
  const auto& entries = content_.faq->entries();
  switch (match.outcome) {
    case MatchOutcome::kAnswer:
      return Answer(entries[match.ranked.front().entry]);
    case MatchOutcome::kClarify: {
      Reply r;
      r.text = m.Get("clarify_intro");
      int n = 1;
      for (size_t e : match.alternatives) {
        r.text += "\n" + std::to_string(n++) + ") " + entries[e].questions.front();
        r.choices.push_back(ChoiceFor(entries[e]));
      }
      r.text += "\n\n" + m.Get("clarify_hint");
      r.choices.push_back({m.Get("clarify_none"), "MENU_STAFF:not_in_choices"});
      return {r};
    }
    case MatchOutcome::kUnknown:
      break;
  }
  Reply r;
  switch (match.reason) {
    case DeclineReason::kPersonalCase:
      r.text = m.Get("personal_case", hotline);
      r.choices = {{m.Get("menu_staff"), "MENU_STAFF:personal_case"}, {m.Get("menu_back"), "MENU"}};
      return {r};
    case DeclineReason::kOutOfScope:
      r.text = m.Get("out_of_scope", hotline);
      r.choices = MenuChoices();
      return {r};
    default:
      break;
  }
  if (unknown_streak >= 1) {
    r.text = m.Get("unknown_again", hotline);
    r.choices = {{m.Get("menu_staff"), "MENU_STAFF:unknown_twice"}, {m.Get("menu_faq"), "MENU_FAQ"},
                 {m.Get("menu_back"), "MENU"}};
  } else {
    r.text = m.Get("unknown", hotline);
    r.choices = MenuChoices();
  }
  return {r};
}

std::vector<Reply> FaqHandler::Topics() const {
  Reply r;
  r.text = content_.messages->Get("faq_topics_prompt");
  std::vector<std::string> topics;
  for (const auto& e : content_.faq->entries()) {
    if (!e.topic.empty() && std::find(topics.begin(), topics.end(), e.topic) == topics.end()) {
      topics.push_back(e.topic);
    }
  }
  for (const auto& t : topics) r.choices.push_back({t, std::string(kTopicPayloadPrefix) + t});
  r.choices.push_back({content_.messages->Get("menu_back"), "MENU"});
  return {r};
}

std::vector<Reply> FaqHandler::TopicQuestions(const std::string& topic) const {
  Reply r;
  r.text = content_.messages->Get("faq_topic_questions", {{"topic", topic}});
  for (const auto& e : content_.faq->entries()) {
    if (e.topic == topic) r.choices.push_back(ChoiceFor(e));
  }
  r.choices.push_back({content_.messages->Get("menu_back"), "MENU"});
  return {r};
}

}  // namespace bhxh
