#include "handlers/dialog_engine.h"

#include <functional>
#include <map>
#include <optional>
#include <sstream>

#include "base/civil_date.h"
#include "content/text_normalizer.h"
#include "handlers/calculator_flow.h"
#include "handlers/dialog_state.h"
#include "handlers/faq_handler.h"
#include "handlers/flow.h"
#include "handlers/lead_flow.h"
#include "handlers/meeting_flow.h"
#include "storage/conversation_store.h"
#include "storage/handover_queue.h"
#include "storage/lead_store.h"
#include "storage/meeting_store.h"
#include "storage/question_log.h"
#include "storage/unit_of_work.h"

namespace bhxh {
namespace {

constexpr const char* kPrivacyFlow = "delete";
constexpr const char* kStaffPayloadPrefix = "STAFF:";
constexpr const char* kPrivacyPayloadPrefix = "PRIVACY:";

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }


// "2", " 2 ", "2." or "số 2" -> 2; 0 when the text is not a choice number.
int ChoiceNumber(const std::string& folded) {
  std::string digits;
  for (char c : folded) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != ' ' && c != '.' && c != ')' && !(digits.empty() && (c == 's' || c == 'o'))) {
      return 0;
    }
  }
  if (digits.empty() || digits.size() > 2) return 0;
  return std::atoi(digits.c_str());
}

// Whole messages that leave any flow: "hủy", "thôi", "menu"...
bool IsCancel(const std::string& folded) {
  static const char* const kWords[] = {"huy",     "thoi",  "huy bo", "dung",     "dung lai",
                                       "thoat",   "menu",  "ve menu", "quay lai", "bat dau",
                                       "start",   "cancel", "thoi khong", "khong lam nua",
                                       "huy dang ky", "thoi khoi"};
  std::string trimmed = folded;
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '.' || trimmed.back() == '!')) {
    trimmed.pop_back();
  }
  while (!trimmed.empty() && trimmed.front() == ' ') trimmed.erase(trimmed.begin());
  for (const char* w : kWords) {
    if (trimmed == w) return true;
  }
  return false;
}

bool HasPhrase(const std::string& folded, std::initializer_list<const char*> phrases) {
  const std::string padded = " " + folded + " ";
  for (const char* p : phrases) {
    if (padded.find(std::string(" ") + p + " ") != std::string::npos) return true;
  }
  return false;
}

bool WantsStaff(const std::string& folded) {
  return HasPhrase(folded, {"gap can bo", "gap nhan vien", "noi chuyen voi can bo",
                            "noi chuyen voi nguoi", "gap nguoi that", "can bo tu van",
                            "chuyen can bo", "lien he can bo", "gap truc tiep can bo",
                            "can gap can bo", "muon gap can bo", "nhan vien tu van"});
}

bool WantsErasure(const std::string& folded) {
  return HasPhrase(folded, {"xoa thong tin", "xoa du lieu", "xoa het thong tin",
                            "xoa thong tin cua toi", "xoa so dien thoai cua toi",
                            "xoa dang ky", "xoa toan bo thong tin"});
}

bool IsYes(const std::string& folded) {
  return HasPhrase(folded, {"co", "dong y", "ok", "xoa", "uh", "u", "vang", "da", "yes"}) &&
         !HasPhrase(folded, {"khong", "ko", "k", "kg", "thoi"});
}

// One turn's routing. Owns nothing; lives for one Handle call.
class Router {
 public:
  Router(TurnContext& t, DialogState& state, const DialogStores& stores,
         const DialogSettings& settings, bool returning)
      : t_(t),
        state_(state),
        stores_(stores),
        settings_(settings),
        returning_(returning),
        faq_(t.content, t.today),
        meetings_(stores.meetings),
        leads_(stores.leads) {}

  // The question to log, when the message went to the FAQ matcher.
  std::optional<QuestionRecord> question;
  bool erase_conversation = false;

  Result<std::vector<Reply>> Route() {
    if (!t_.in.payload.empty()) return Payload(t_.in.payload);
    // "xóa thông tin của tôi" and "gặp cán bộ" work at any step: they are
    // never a name or a village.
    if (state_.flow.open() && state_.flow.name != kPrivacyFlow &&
        (WantsErasure(t_.folded) || WantsStaff(t_.folded))) {
      return Typed();
    }
    if (state_.flow.open()) {
      const std::string open_flow = state_.flow.name;
      auto outcome = ContinueFlow();
      if (!outcome.ok()) return outcome.status();
      if (outcome->handled) return std::move(outcome->replies);
      // Not an answer to the flow's question: answer it, then ask again,
      // unless the message started something else.
      auto replies = Typed();
      if (!replies.ok()) return replies;
      if (state_.flow.name == open_flow) {
        if (auto resume = Resume(); resume) replies->push_back(*resume);
      }
      return replies;
    }
    return Typed();
  }

 private:
  const Messages& m() const { return *t_.content.messages; }

  std::vector<Reply> Welcome() const { return {{m().Get("welcome"), faq_.MenuChoices()}}; }
  std::vector<Reply> Menu() const { return {{m().Get("menu_prompt"), faq_.MenuChoices()}}; }

  std::optional<Reply> Resume() const {
    const std::string& name = state_.flow.name;
    Reply r;
    if (name == kLeadFlow) r = leads_.Resume(t_);
    else if (name == kCalculatorFlow) r = calculator_.Resume(t_);
    else if (name == kMeetingFlow) r = meetings_.Resume(t_);
    else if (name == kPrivacyFlow) r = PrivacyQuestion();
    else return std::nullopt;
    return r;
  }

  Result<FlowOutcome> ContinueFlow() {
    const std::string& name = state_.flow.name;
    if (name == kLeadFlow) return leads_.Continue(t_);
    if (name == kCalculatorFlow) return calculator_.Continue(t_);
    if (name == kMeetingFlow) return meetings_.Continue(t_, state_.commune, state_.last_meeting);
    if (name == kPrivacyFlow) return ContinuePrivacy();
    state_.flow.Clear();  // a flow this version does not know
    return FlowOutcome{false, {}};
  }

  // Typed text with no open flow (or one the text was not meant for).
  Result<std::vector<Reply>> Typed() {
    const std::string& f = t_.folded;
    if (WantsErasure(f)) return StartPrivacy();
    if (WantsStaff(f)) return StaffOffer("asked");
    if (auto intent = MeetingFlow::Detect(f); intent != MeetingFlow::Intent::kNone) {
      return meetings_.Start(t_, intent, state_.commune, state_.last_meeting);
    }
    const MatchResult match = t_.content.faq->Match(t_.in.text);
    // A long account of a personal case shares words with "register" and
    // "how much": it needs staff (the FAQ's personal-case answer), not a
    // form; "đăng ký kết hôn" is not ours at all.
    if (match.reason != DeclineReason::kPersonalCase && match.reason != DeclineReason::kOutOfScope) {
      if (LeadFlow::Detect(f)) return leads_.Start(t_, t_.in.meeting_context, state_.commune);
      if (CalculatorFlow::Detect(f)) return calculator_.Start(t_);
    }
    return Faq(match);
  }

  std::vector<Reply> Faq(const MatchResult& match) {
    const ContentSnapshot& content = t_.content;
    std::vector<Reply> replies;
    if (match.outcome == MatchOutcome::kUnknown && match.reason == DeclineReason::kSmalltalk) {
      const bool thanks = t_.folded.find("cam on") != std::string::npos ||
                          t_.folded.find("thank") != std::string::npos ||
                          t_.folded.find("tks") != std::string::npos;
      if (thanks) {
        replies = {{m().Get("smalltalk_thanks"), {}}};
      } else if (returning_) {
        // Someone already talking to the bot gets a short greeting back, not
        // the whole introduction again.
        replies = {{m().Get("smalltalk_greeting"), faq_.MenuChoices()}};
      } else {
        replies = Welcome();
      }
    } else {
      replies = faq_.ForMatch(match, state_.unknown_streak);
      state_.unknown_streak =
          match.outcome == MatchOutcome::kUnknown && match.reason != DeclineReason::kEmpty
              ? state_.unknown_streak + 1
              : 0;
    }
    QuestionRecord& rec = question.emplace();
    rec.at = t_.now;
    rec.channel = t_.in.channel;
    rec.user = t_.in.user;
    rec.text = t_.in.text;
    rec.outcome = MatchOutcomeName(match.outcome);
    rec.reason = DeclineReasonName(match.reason);
    if (match.outcome == MatchOutcome::kAnswer) {
      rec.faq_id = content.faq->entries()[match.ranked.front().entry].id;
    }
    rec.score = match.score;
    return replies;
  }

  Result<std::vector<Reply>> Payload(const std::string& payload) {
    if (payload == "GET_STARTED") return Welcome();
    if (payload == "MENU") return Menu();
    if (payload == "CANCEL") {
      state_.flow.Clear();
      return std::vector<Reply>{{m().Get("flow_cancelled"), faq_.MenuChoices()}};
    }
    if (payload == "MENU_FAQ") return faq_.Topics();
    if (payload == "MENU_MEETINGS") {
      return meetings_.Start(t_, MeetingFlow::Intent::kSchedule, state_.commune, state_.last_meeting);
    }
    if (payload == "MENU_REGISTER") return leads_.Start(t_, t_.in.meeting_context, state_.commune);
    if (payload == "MENU_CALCULATOR") return calculator_.Start(t_);
    if (payload == "MENU_STAFF") return StaffOffer("asked");
    if (StartsWith(payload, "MENU_STAFF:")) return StaffOffer(payload.substr(11));
    if (payload == "MEDIA") return std::vector<Reply>{{m().Get("media_only"), faq_.MenuChoices()}};
    if (payload == "USER_INFO") {
      if (state_.flow.name == kLeadFlow) return FlowReplies(leads_.Continue(t_));
      return std::vector<Reply>{{m().Get("user_info_received"), faq_.MenuChoices()}};
    }
    if (StartsWith(payload, kFaqPayloadPrefix)) {
      state_.unknown_streak = 0;
      const std::string id = payload.substr(std::string(kFaqPayloadPrefix).size());
      if (const FaqEntry* e = t_.content.faq->Find(id)) return faq_.Answer(*e);
      return std::vector<Reply>{{m().Get("entry_missing"), faq_.MenuChoices()}};
    }
    if (StartsWith(payload, kTopicPayloadPrefix)) {
      return faq_.TopicQuestions(payload.substr(std::string(kTopicPayloadPrefix).size()));
    }
    if (StartsWith(payload, kMeetingPayloadPrefix)) {
      return FlowReplies(meetings_.Continue(t_, state_.commune, state_.last_meeting));
    }
    if (StartsWith(payload, "LEAD:START:")) {
      const std::string meeting = payload.substr(11);
      return leads_.Start(t_, meeting.empty() ? t_.in.meeting_context : meeting, state_.commune);
    }
    if (StartsWith(payload, kLeadPayloadPrefix)) {
      if (state_.flow.name == kLeadFlow) return FlowReplies(leads_.Continue(t_));
      // A button of a form that is finished or was stopped ("Xác nhận"
      // tapped twice): say so rather than start a new form.
      return std::vector<Reply>{{m().Get("lead_form_closed"), faq_.MenuChoices()}};
    }
    if (StartsWith(payload, kCalculatorPayloadPrefix)) {
      if (state_.flow.name == kCalculatorFlow && payload != "CALC:RESTART") {
        return FlowReplies(calculator_.Continue(t_));
      }
      return calculator_.Start(t_);
    }
    if (payload == std::string(kStaffPayloadPrefix) + "CONFIRM") return QueueForStaff("asked");
    if (StartsWith(payload, std::string(kStaffPayloadPrefix) + "CONFIRM:")) {
      return QueueForStaff(payload.substr(std::string(kStaffPayloadPrefix).size() + 8));
    }
    if (payload == std::string(kStaffPayloadPrefix) + "CALLBACK") return leads_.Start(t_, t_.in.meeting_context, state_.commune);
    if (StartsWith(payload, kPrivacyPayloadPrefix)) {
      if (payload == std::string(kPrivacyPayloadPrefix) + "CONFIRM" && state_.flow.name == kPrivacyFlow) {
        return Erase();
      }
      state_.flow.Clear();
      return std::vector<Reply>{{m().Get("privacy_kept"), faq_.MenuChoices()}};
    }
    // Something else tapped or sent as a payload (a Messenger phone quick
    // reply carries the number): the open flow may know it.
    if (state_.flow.open()) {
      auto outcome = ContinueFlow();
      if (!outcome.ok()) return outcome.status();
      if (outcome->handled) return std::move(outcome->replies);
    }
    return Menu();
  }

  Result<std::vector<Reply>> FlowReplies(Result<FlowOutcome> outcome) {
    if (!outcome.ok()) return outcome.status();
    if (outcome->handled) return std::move(outcome->replies);
    std::vector<Reply> replies;
    if (auto resume = Resume(); resume) replies.push_back(*resume);
    if (replies.empty()) return Menu();
    return replies;
  }

  // --- staff handover ---------------------------------------------------

  std::map<std::string, std::string> OfficeParams() const {
    std::map<std::string, std::string> p = {{"hotline", m().Get("hotline")}};
    if (const OfficeHours* hours = t_.content.office_hours.get()) {
      p["hours"] = hours->Describe();
      if (auto next = hours->NextOpening(t_.now)) p["next_open"] = FormatVietnameseDateTime(*next);
    }
    return p;
  }

  bool OfficeClosed() const {
    const OfficeHours* hours = t_.content.office_hours.get();
    return hours && !hours->IsOpen(t_.now) && hours->NextOpening(t_.now).has_value();
  }

  // Staff answer in the Page Inbox and the OA chat; on the web chat no one
  // can answer, so there the citizen gets the hotline and a call-back.
  bool CanHandOver() const { return t_.in.channel == "messenger" || t_.in.channel == "zalo"; }

  // `reason`: why staff are offered ("asked", "personal_case",
  // "unknown_twice", "not_in_choices"); kept with the handover request.
  std::vector<Reply> StaffOffer(const std::string& reason) {
    state_.flow.Clear();
    const Choice confirm{m().Get("staff_choice_confirm"),
                         std::string(kStaffPayloadPrefix) + "CONFIRM:" + reason};
    const Choice callback{m().Get("staff_choice_callback"),
                          std::string(kStaffPayloadPrefix) + "CALLBACK"};
    const Choice back{m().Get("menu_back"), "MENU"};
    Reply r;
    if (!CanHandOver()) {
      r.text = m().Get("staff_offer_web", OfficeParams());
      r.choices = {callback, back};
    } else if (OfficeClosed()) {
      r.text = m().Get("staff_offer_closed", OfficeParams());
      r.choices = {confirm, callback, back};
    } else {
      r.text = m().Get("staff_offer", OfficeParams());
      r.choices = {confirm, back};
    }
    return {r};
  }

  std::vector<Reply> QueueForStaff(const std::string& reason) {
    state_.flow.Clear();
    if (!CanHandOver()) return StaffOffer(reason);
    if (HandoverQueue* queue = stores_.handovers) {
      const std::string channel = t_.in.channel, user = t_.in.user;
      // Out of office hours the pause counts from the next opening, so a
      // Friday-evening request still waits for staff on Monday.
      std::chrono::system_clock::time_point from = t_.now;
      if (OfficeClosed()) from = *t_.content.office_hours->NextOpening(t_.now);
      const auto now = t_.now, until = from + settings_.handover_pause;
      t_.Defer([queue, channel, user, reason, now, until]() -> Status {
        auto r = queue->Request(channel, user, reason, now, until);
        return r.ok() ? Status::Ok() : r.status();
      });
    }
    Reply r;
    r.text = OfficeClosed() ? m().Get("staff_queued_closed", OfficeParams())
                            : m().Get("staff_queued", OfficeParams());
    r.hand_over = true;
    return {r};
  }

  // --- privacy ----------------------------------------------------------

  Reply PrivacyQuestion() const {
    return {m().Get("privacy_confirm"),
            {{m().Get("privacy_choice_yes"), std::string(kPrivacyPayloadPrefix) + "CONFIRM"},
             {m().Get("privacy_choice_no"), std::string(kPrivacyPayloadPrefix) + "CANCEL"}}};
  }

  std::vector<Reply> StartPrivacy() {
    state_.flow.Clear();
    state_.flow.name = kPrivacyFlow;
    state_.flow.step = "confirm";
    state_.flow.started = t_.now;
    return {PrivacyQuestion()};
  }

  Result<FlowOutcome> ContinuePrivacy() {
    if (IsYes(t_.folded)) {
      auto replies = Erase();
      if (!replies.ok()) return replies.status();
      return FlowOutcome{true, std::move(*replies)};
    }
    if (HasPhrase(t_.folded, {"khong", "ko", "k", "kg", "thoi", "khong xoa"})) {
      state_.flow.Clear();
      return FlowOutcome{true, {{m().Get("privacy_kept"), faq_.MenuChoices()}}};
    }
    return FlowOutcome{false, {}};
  }

  Result<std::vector<Reply>> Erase() {
    state_.flow.Clear();
    erase_conversation = true;
    Reply r{m().Get("privacy_done"), faq_.MenuChoices()};
    r.erase_user_data = true;
    return std::vector<Reply>{r};
  }

  TurnContext& t_;
  DialogState& state_;
  const DialogStores& stores_;
  const DialogSettings& settings_;
  bool returning_;
  FaqHandler faq_;
  MeetingFlow meetings_;
  LeadFlow leads_;
  CalculatorFlow calculator_;
};

}  // namespace

DialogEngine::DialogEngine(const LiveContent& content, DialogStores stores, const Clock& clock,
                           DialogSettings settings)
    : content_(content), stores_(stores), clock_(clock), settings_(settings) {}

DialogEngine::DialogEngine(const LiveContent& content, ConversationStore* conversations,
                           QuestionLog* question_log, const Clock& clock, UnitOfWork* unit)
    : DialogEngine(content, DialogStores{conversations, question_log, unit, nullptr, nullptr, nullptr},
                   clock) {}

namespace {

// Asking to erase one's data, and answering the confirmation question
// (typed "có" / "1" on Zalo, which has no buttons).
bool ErasureTurn(const Inbound& in, const DialogState& state) {
  return StartsWith(in.payload, kPrivacyPayloadPrefix) || WantsErasure(FoldVietnamese(in.text)) ||
         state.flow.name == kPrivacyFlow;
}

}  // namespace

Result<bool> DialogEngine::AllowedWhilePaused(const Inbound& in) {
  DialogState state;
  if (stores_.conversations) {
    auto stored = stores_.conversations->Load({in.channel, in.user});
    if (!stored.ok()) return stored.status();
    if (stored.value()) state = DialogState::Parse(stored.value()->state);
  }
  return ErasureTurn(in, state);
}

Result<std::vector<Reply>> DialogEngine::Handle(const Inbound& in, const CommitHook& hook) {
  const auto snapshot = content_.Current();
  const auto now = in.at.time_since_epoch().count() ? in.at : clock_.Now();

  const ConversationKey key{in.channel, in.user};
  DialogState state;
  bool returning = false;  // the user has talked to the bot before
  std::chrono::system_clock::time_point last_turn;
  if (stores_.conversations) {
    auto stored = stores_.conversations->Load(key);
    if (!stored.ok()) return stored.status();
    if (stored.value()) {
      state = DialogState::Parse(stored.value()->state);
      last_turn = stored.value()->updated_at;
      returning = true;
    }
  }
  if (stores_.handovers && !ErasureTurn(in, state)) {
    auto paused = stores_.handovers->PausedUntil(in.channel, in.user, now);
    if (!paused.ok()) return paused.status();
    if (paused->has_value()) {
      // Staff are handling this user. On Messenger and Zalo they answer in
      // the platform's tool and the bot stays silent; elsewhere the citizen
      // would otherwise see nothing at all.
      if (in.channel == "messenger" || in.channel == "zalo") return std::vector<Reply>{};
      const Messages& m = *snapshot->messages;
      return std::vector<Reply>{{m.Get("staff_waiting", {{"hotline", m.Get("hotline")}}), {}}};
    }
  }
  // A form not touched for form_lifetime is abandoned (as the janitor,
  // DropAbandonedForms, decides).
  if (state.flow.open() && now - last_turn >= settings_.form_lifetime) state.flow.Clear();

  // A typed number picks one of the choices just offered (unless the open
  // flow asked for a number), and a cancel word leaves any flow: from here
  // on both are handled as the payload they stand for.
  Inbound effective = in;
  const std::string folded = FoldVietnamese(in.text);
  if (effective.payload.empty()) {
    const int n = ChoiceNumber(folded);
    if (!state.flow.numeric_answer && n >= 1 && static_cast<size_t>(n) <= state.last_choices.size()) {
      effective.payload = state.last_choices[static_cast<size_t>(n) - 1];
    } else if (IsCancel(folded)) {
      effective.payload = state.flow.open() ? "CANCEL" : "MENU";
    }
  }
  // A kiosk's meeting must be one of the schedule's, or it is not recorded.
  if (!effective.meeting_context.empty() && stores_.meetings) {
    auto meeting = stores_.meetings->Get(effective.meeting_context);
    if (!meeting.ok()) return meeting.status();
    if (!meeting->has_value()) effective.meeting_context.clear();
  }
  TurnContext turn{*snapshot, effective, folded, now, VietnamDateAt(now), state.flow, {}};
  Router router(turn, state, stores_, settings_, returning);
  auto routed = router.Route();
  if (!routed.ok()) return routed.status();
  std::vector<Reply> replies = std::move(*routed);

  state.last_choices.clear();
  if (!replies.empty()) {
    for (const auto& c : replies.back().choices) state.last_choices.push_back(c.payload);
  }
  // Everything that takes more than SQL is done before the transaction.
  std::function<Status()> in_commit;
  if (hook) {
    try {
      in_commit = hook(replies);
    } catch (const std::exception& e) {
      return Internal(std::string("preparing the turn's commit: ") + e.what());
    }
  }
  const std::string serialized_state = state.Serialize();
  auto save = [&]() -> Status {
    for (const auto& effect : turn.effects) {
      if (Status s = effect(); !s.ok()) return s;
    }
    if (router.erase_conversation) {
      if (Status s = EraseUser(in.channel, in.user); !s.ok()) return s;
    } else {
      if (router.question && stores_.questions) {
        if (Status s = stores_.questions->Record(*router.question); !s.ok()) return s;
      }
      if (stores_.conversations) {
        if (Status s = stores_.conversations->Save(key, serialized_state, now); !s.ok()) return s;
      }
    }
    return in_commit ? in_commit() : Status::Ok();
  };
  if (Status s = stores_.unit ? stores_.unit->Run(save) : save(); !s.ok()) return s;
  return replies;
}

Status DialogEngine::EraseUser(const std::string& channel, const std::string& user) {
  auto erase = [&]() -> Status {
    if (stores_.conversations) {
      if (Status s = stores_.conversations->Delete({channel, user}); !s.ok()) return s;
    }
    if (stores_.questions) {
      if (auto r = stores_.questions->DeleteUser(channel, user); !r.ok()) return r.status();
    }
    if (stores_.leads) {
      if (auto r = stores_.leads->DeleteUser(channel, user); !r.ok()) return r.status();
    }
    if (stores_.meetings) {
      if (auto r = stores_.meetings->DeleteUser(channel, user); !r.ok()) return r.status();
    }
    if (stores_.handovers) {
      if (auto r = stores_.handovers->DeleteUser(channel, user); !r.ok()) return r.status();
    }
    return Status::Ok();
  };
  return stores_.unit ? stores_.unit->Run(erase) : erase();
}

Status DialogEngine::ReleaseToBot(const std::string& channel, const std::string& user) {
  if (!stores_.handovers) return Status::Ok();
  auto released = stores_.handovers->Release(channel, user, clock_.Now());
  return released.ok() ? Status::Ok() : released.status();
}

Result<size_t> DialogEngine::DropAbandonedForms() {
  if (!stores_.conversations) return size_t{0};
  const auto cutoff = clock_.Now() - settings_.form_lifetime;
  size_t dropped = 0;
  for (;;) {
    auto stale = stores_.conversations->StaleWithMarker(kOpenFlowMarker, cutoff, 100);
    if (!stale.ok()) return stale.status();
    if (stale->empty()) return dropped;
    for (const ConversationKey& key : *stale) {
      auto stored = stores_.conversations->Load(key);
      if (!stored.ok()) return stored.status();
      if (!stored.value()) continue;
      DialogState state = DialogState::Parse(stored.value()->state);
      state.flow.Clear();
      // Keep the time of the citizen's last message (the messaging window
      // and the retention purge count from it).
      if (Status s = stores_.conversations->Save(key, state.Serialize(), stored.value()->updated_at);
          !s.ok()) {
        return s;
      }
      ++dropped;
    }
  }
}

}  // namespace bhxh
