#include "handlers/dialog_engine.h"

#include <functional>
#include <map>
#include <optional>
#include <sstream>

#include "base/civil_date.h"
#include "handlers/faq_handler.h"
#include "storage/conversation_store.h"
#include "storage/question_log.h"
#include "storage/unit_of_work.h"

namespace bhxh {
namespace {

// Conversation state, stored as "key=value" lines (storage treats it as
// opaque text; handlers do not depend on a JSON library).
struct DialogState {
  std::vector<std::string> last_choices;  // payloads of the last numbered choices
  int unknown_streak = 0;

  std::string Serialize() const {
    std::string out = "v=1\nunknown_streak=" + std::to_string(unknown_streak) + "\nchoices=";
    for (size_t i = 0; i < last_choices.size(); ++i) {
      if (i) out += '\x1f';
      out += last_choices[i];
    }
    return out + "\n";
  }

  static DialogState Parse(const std::string& text) {
    DialogState s;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      const auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
      if (key == "unknown_streak") {
        s.unknown_streak = std::atoi(value.c_str());
      } else if (key == "choices" && !value.empty()) {
        std::string item;
        std::istringstream items(value);
        while (std::getline(items, item, '\x1f')) s.last_choices.push_back(item);
      }
    }
    return s;
  }
};

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// "2", " 2 ", "2." or "số 2" -> 2; 0 when the text is not a choice number.
int ChoiceNumber(const std::string& folded) {
  std::string digits;
  for (char c : folded) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != ' ' && !(digits.empty() && (c == 's' || c == 'o'))) {
      return 0;
    }
  }
  if (digits.empty() || digits.size() > 2) return 0;
  return std::atoi(digits.c_str());
}

struct Turn {
  const ContentSnapshot& content;
  FaqHandler faq;
  DialogState& state;
};

using PayloadHandler = std::function<std::vector<Reply>(Turn&, const std::string& arg)>;

std::vector<Reply> Welcome(Turn& t) {
  Reply r{t.content.messages->Get("welcome"), t.faq.MenuChoices()};
  return {r};
}

std::vector<Reply> Menu(Turn& t) {
  Reply r{t.content.messages->Get("menu_prompt"), t.faq.MenuChoices()};
  return {r};
}

std::vector<Reply> FeatureComing(Turn& t, const char* label_key) {
  const Messages& m = *t.content.messages;
  Reply r{m.Get("feature_coming", {{"feature", m.Get(label_key)}, {"hotline", m.Get("hotline")}}),
          t.faq.MenuChoices()};
  return {r};
}

// Exact payloads first, then prefixes; unknown payloads fall back to the menu.
const std::map<std::string, PayloadHandler>& ExactPayloads() {
  static const std::map<std::string, PayloadHandler> kTable = {
      {"GET_STARTED", [](Turn& t, const std::string&) { return Welcome(t); }},
      {"MENU", [](Turn& t, const std::string&) { return Menu(t); }},
      {"MENU_FAQ", [](Turn& t, const std::string&) { return t.faq.Topics(); }},
      {"MENU_MEETINGS", [](Turn& t, const std::string&) { return FeatureComing(t, "menu_meetings"); }},
      {"MENU_REGISTER", [](Turn& t, const std::string&) { return FeatureComing(t, "menu_register"); }},
      {"MENU_CALCULATOR", [](Turn& t, const std::string&) { return FeatureComing(t, "menu_calculator"); }},
      {"MEDIA",
       [](Turn& t, const std::string&) {
         Reply r{t.content.messages->Get("media_only"), t.faq.MenuChoices()};
         return std::vector<Reply>{r};
       }},
      {"USER_INFO",
       [](Turn& t, const std::string&) {
         Reply r{t.content.messages->Get("user_info_received"), t.faq.MenuChoices()};
         return std::vector<Reply>{r};
       }},
      {"MENU_STAFF",
       [](Turn& t, const std::string&) {
         const Messages& m = *t.content.messages;
         Reply r{m.Get("staff_contact", {{"hotline", m.Get("hotline")}}), t.faq.MenuChoices()};
         return std::vector<Reply>{r};
       }},
  };
  return kTable;
}

std::vector<Reply> HandlePayload(Turn& t, const std::string& payload) {
  const auto& exact = ExactPayloads();
  if (auto it = exact.find(payload); it != exact.end()) return it->second(t, payload);
  if (StartsWith(payload, kFaqPayloadPrefix)) {
    const std::string id = payload.substr(std::string(kFaqPayloadPrefix).size());
    if (const FaqEntry* e = t.content.faq->Find(id)) return t.faq.Answer(*e);
    Reply r{t.content.messages->Get("entry_missing"), t.faq.MenuChoices()};
    return {r};
  }
  if (StartsWith(payload, kTopicPayloadPrefix)) {
    return t.faq.TopicQuestions(payload.substr(std::string(kTopicPayloadPrefix).size()));
  }
  return Menu(t);
}

}  // namespace

DialogEngine::DialogEngine(const LiveContent& content, ConversationStore* conversations,
                           QuestionLog* question_log, const Clock& clock, UnitOfWork* unit)
    : content_(content),
      conversations_(conversations),
      question_log_(question_log),
      clock_(clock),
      unit_(unit) {}

Result<std::vector<Reply>> DialogEngine::Handle(const Inbound& in, const CommitHook& hook) {
  const auto snapshot = content_.Current();
  const ConversationKey key{in.channel, in.user};
  DialogState state;
  bool returning = false;  // the user has talked to the bot before
  if (conversations_) {
    auto stored = conversations_->Load(key);
    if (!stored.ok()) return stored.status();
    if (stored.value()) {
      state = DialogState::Parse(stored.value()->state);
      returning = true;
    }
  }
  const auto now = in.at.time_since_epoch().count() ? in.at : clock_.Now();
  Turn turn{*snapshot, FaqHandler(*snapshot, VietnamDateAt(now)), state};

  std::vector<Reply> replies;
  std::optional<QuestionRecord> question;  // logged with the new state
  std::string payload = in.payload;
  const std::string folded = FoldVietnamese(in.text);
  if (payload.empty()) {
    // A typed number picks one of the numbered choices just offered.
    const int n = ChoiceNumber(folded);
    if (n >= 1 && static_cast<size_t>(n) <= state.last_choices.size()) {
      payload = state.last_choices[static_cast<size_t>(n) - 1];
    } else if (folded == "menu" || folded == "bat dau" || folded == "start") {
      payload = "MENU";
    }
  }

  if (!payload.empty()) {
    replies = HandlePayload(turn, payload);
    if (StartsWith(payload, kFaqPayloadPrefix)) state.unknown_streak = 0;
  } else {
    const MatchResult match = snapshot->faq->Match(in.text);
    if (match.outcome == MatchOutcome::kUnknown && match.reason == DeclineReason::kSmalltalk) {
      const bool thanks = folded.find("cam on") != std::string::npos ||
                          folded.find("thank") != std::string::npos ||
                          folded.find("tks") != std::string::npos;
      if (thanks) {
        replies = {{snapshot->messages->Get("smalltalk_thanks"), {}}};
      } else if (returning) {
        // Someone already talking to the bot gets a short greeting back, not
        // the whole introduction again.
        replies = {{snapshot->messages->Get("smalltalk_greeting"), turn.faq.MenuChoices()}};
      } else {
        replies = Welcome(turn);
      }
    } else {
      replies = turn.faq.ForMatch(match, state.unknown_streak);
      state.unknown_streak =
          match.outcome == MatchOutcome::kUnknown && match.reason != DeclineReason::kEmpty
              ? state.unknown_streak + 1
              : 0;
    }
    if (question_log_) {
      QuestionRecord& rec = question.emplace();
      rec.at = now;
      rec.channel = in.channel;
      rec.user = in.user;
      rec.text = in.text;
      rec.outcome = MatchOutcomeName(match.outcome);
      rec.reason = DeclineReasonName(match.reason);
      if (match.outcome == MatchOutcome::kAnswer) {
        rec.faq_id = snapshot->faq->entries()[match.ranked.front().entry].id;
      }
      rec.score = match.score;
    }
  }

  state.last_choices.clear();
  if (!replies.empty()) {
    for (const auto& c : replies.back().choices) state.last_choices.push_back(c.payload);
  }
  auto save = [&]() -> Status {
    if (question) {
      if (Status s = question_log_->Record(*question); !s.ok()) return s;
    }
    if (conversations_) {
      if (Status s = conversations_->Save(key, state.Serialize(), now); !s.ok()) return s;
    }
    return hook ? hook(replies) : Status::Ok();
  };
  if (Status s = unit_ ? unit_->Run(save) : save(); !s.ok()) return s;
  return replies;
}

}  // namespace bhxh
