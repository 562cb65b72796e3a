#include "handlers/meeting_flow.h"

#include <cstdio>

#include "content/text_normalizer.h"
#include "storage/meeting_store.h"

namespace bhxh {
namespace {

bool HasPhrase(const std::string& folded, std::initializer_list<const char*> phrases) {
  const std::string padded = " " + folded + " ";
  for (const char* p : phrases) {
    if (padded.find(std::string(" ") + p + " ") != std::string::npos) return true;
  }
  return false;
}

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Channels where the bot can message a citizen first (reminders).
bool CanPush(const std::string& channel) { return channel == "messenger" || channel == "zalo"; }

std::string ShortDate(std::chrono::system_clock::time_point t) {
  const CivilDate d = VietnamDateAt(t);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d/%02d", d.day, d.month);
  return buf;
}

std::string TitleOf(const Meeting& m) { return m.title.empty() ? MeetingKindLabel(m.kind) : m.title; }

std::string CommuneName(const TurnContext& t, const std::string& code) {
  const Commune* c = t.content.communes ? t.content.communes->FindByCode(code) : nullptr;
  return c ? c->name : code;
}

Choice MenuChoice(const Messages& m) { return {m.Get("menu_back"), "MENU"}; }

}  // namespace

MeetingFlow::Intent MeetingFlow::Detect(const std::string& folded) {
  if (HasPhrase(folded, {"huy nhac", "tat nhac", "khong nhan nhac", "ngung nhac", "thoi nhac",
                         "dung nhac", "bo nhac", "khong can nhac", "khong muon nhan nhac"})) {
    return Intent::kUnsubscribe;
  }
  if (HasPhrase(folded, {"se tham du", "toi tham du", "se den du", "se di hop", "toi se den",
                         "toi se di", "dang ky tham du", "dang ky du hop", "xin tham du",
                         "muon tham du", "se tham gia hoi nghi", "se du hop"})) {
    return Intent::kAttend;
  }
  if (HasPhrase(folded, {"nhac lich", "nhac toi", "nhan nhac", "bao lich cho toi",
                         "nhac hop", "nhac hoi nghi"})) {
    return Intent::kRemind;
  }
  // Questions about what a conference is go to the FAQ, not the schedule.
  if (HasPhrase(folded, {"la gi", "de lam gi", "nham muc dich"})) return Intent::kNone;
  // Not "co hop": "không có hợp đồng" folds to "khong co hop dong".
  if (HasPhrase(folded, {"lich hoi nghi", "lich hop", "hoi nghi", "buoi hop", "co hop khong",
                         "co hop ko", "co hop k", "cuoc hop",
                         "hop dan", "lich tuyen truyen", "khi nao hop", "hop o dau",
                         "hop khi nao", "ngay hop", "gio hop", "lich hop xa", "hop thon",
                         "hop nhom", "co hoi nghi"})) {
    return Intent::kSchedule;
  }
  return Intent::kNone;
}

std::vector<Reply> MeetingFlow::AskCommune(TurnContext& t,
                                           const std::vector<const Commune*>& candidates,
                                           const std::string& typed) const {
  const Messages& m = *t.content.messages;
  t.flow.Clear();
  t.flow.name = kMeetingFlow;
  t.flow.step = "commune";
  t.flow.started = t.now;
  Reply r;
  if (candidates.size() > 1) {
    r.text = m.Get("meet_ambiguous_commune", {{"typed", typed}});
  } else {
    r.text = m.Get("meet_ask_commune");
  }
  std::vector<const Commune*> offered = candidates;
  if (offered.size() <= 1 && t.content.communes) {
    offered.clear();
    for (const auto& c : t.content.communes->communes()) offered.push_back(&c);
  }
  for (const Commune* c : offered) {
    r.choices.push_back({c->name, std::string(kMeetingPayloadPrefix) + "COMMUNE:" + c->code});
  }
  r.choices.push_back(MenuChoice(m));
  return {r};
}

Result<std::vector<Reply>> MeetingFlow::ShowCommune(TurnContext& t, const std::string& code,
                                                    std::string& last_meeting,
                                                    const std::string& note) const {
  const Messages& m = *t.content.messages;
  t.flow.Clear();
  const std::string commune = CommuneName(t, code);
  std::vector<Meeting> upcoming;
  if (meetings_) {
    auto found = meetings_->Upcoming(code, t.now, kMeetingsShown);
    if (!found.ok()) return found.status();
    upcoming = std::move(*found);
  }
  bool subscribed = false;
  if (meetings_ && CanPush(t.in.channel)) {
    auto subs = meetings_->Subscriptions(t.in.channel, t.in.user);
    if (!subs.ok()) return subs.status();
    for (const auto& s : *subs) subscribed = subscribed || s == code;
  }
  Reply r;
  if (!note.empty()) r.text = note + "\n\n";
  // The meeting last shown is one of this list or none: after a commune
  // with no meetings, "tôi sẽ tham dự" must not mean another commune's.
  last_meeting.clear();
  if (upcoming.empty()) {
    r.text += m.Get(CanPush(t.in.channel) ? "meet_none" : "meet_none_web", {{"commune", commune}});
  } else {
    r.text += m.Get("meet_list_header", {{"commune", commune}});
    bool sample = false;
    int n = 1;
    for (const Meeting& meeting : upcoming) {
      std::string status;  // with its leading space, so a plain title has no trailing one
      if (meeting.status == MeetingStatus::kCancelled) status = " " + m.Get("meet_status_cancelled");
      if (meeting.status == MeetingStatus::kMoved) status = " " + m.Get("meet_status_moved");
      r.text += "\n\n" + m.Get("meet_item", {{"n", std::to_string(n++)},
                                             {"title", TitleOf(meeting)},
                                             {"status", status},
                                             {"when", FormatVietnameseDateTime(meeting.start)},
                                             {"venue", meeting.venue}});
      sample = sample || meeting.sample;
      if (meeting.status != MeetingStatus::kCancelled) {
        if (last_meeting.empty()) last_meeting = meeting.id;
        r.choices.push_back({m.Get("meet_choice_attend", {{"date", ShortDate(meeting.start)}}),
                             std::string(kMeetingPayloadPrefix) + "ATTEND:" + meeting.id});
      }
    }
    if (sample) r.text += "\n\n" + m.Get("meet_sample_note");
  }
  if (subscribed) {
    r.choices.push_back({m.Get("meet_choice_unsubscribe"), std::string(kMeetingPayloadPrefix) + "UNSUB"});
  } else if (CanPush(t.in.channel)) {
    r.choices.push_back({m.Get("meet_choice_remind"), std::string(kMeetingPayloadPrefix) + "REMIND:" + code});
  }
  r.choices.push_back({m.Get("meet_choice_register"), "LEAD:START:" + last_meeting});
  r.choices.push_back({m.Get("meet_choice_other_commune"), std::string(kMeetingPayloadPrefix) + "OTHER"});
  r.choices.push_back(MenuChoice(m));
  return std::vector<Reply>{r};
}

Result<std::vector<Reply>> MeetingFlow::Attend(TurnContext& t, const std::string& meeting_id) const {
  const Messages& m = *t.content.messages;
  t.flow.Clear();
  std::optional<Meeting> meeting;
  if (meetings_ && !meeting_id.empty()) {
    auto got = meetings_->Get(meeting_id);
    if (!got.ok()) return got.status();
    meeting = std::move(*got);
  }
  Reply r;
  if (!meeting || meeting->start <= t.now) {
    r.text = m.Get("meet_attend_unknown");
    r.choices = {{m.Get("menu_meetings"), "MENU_MEETINGS"}, MenuChoice(m)};
    return std::vector<Reply>{r};
  }
  const std::map<std::string, std::string> params = {
      {"title", TitleOf(*meeting)},
      {"when", FormatVietnameseDateTime(meeting->start)},
      {"venue", meeting->venue},
      {"commune", CommuneName(t, meeting->commune_code)}};
  if (meeting->status == MeetingStatus::kCancelled) {
    r.text = m.Get("meet_attend_cancelled", params);
    r.choices = {{m.Get("menu_meetings"), "MENU_MEETINGS"}, MenuChoice(m)};
    return std::vector<Reply>{r};
  }
  auto already = meetings_->HasRsvp(meeting->id, t.in.channel, t.in.user);
  if (!already.ok()) return already.status();
  if (*already) {
    r.text = m.Get("meet_attend_again", params);
  } else {
    MeetingStore* store = meetings_;
    const std::string id = meeting->id, channel = t.in.channel, user = t.in.user;
    const auto at = t.now;
    t.Defer([store, id, channel, user, at]() -> Status {
      auto added = store->AddRsvp(id, channel, user, at);
      return added.ok() ? Status::Ok() : added.status();
    });
    r.text = m.Get("meet_attend_done", params);
  }
  bool subscribed = false;
  if (CanPush(t.in.channel)) {
    auto subs = meetings_->Subscriptions(t.in.channel, t.in.user);
    if (!subs.ok()) return subs.status();
    for (const auto& s : *subs) subscribed = subscribed || s == meeting->commune_code;
    if (!subscribed) {
      r.text += "\n\n" + m.Get("meet_remind_offer");
      r.choices.push_back({m.Get("meet_choice_remind"),
                           std::string(kMeetingPayloadPrefix) + "REMIND:" + meeting->commune_code});
    }
  }
  r.choices.push_back({m.Get("meet_choice_register"), "LEAD:START:" + meeting->id});
  r.choices.push_back(MenuChoice(m));
  return std::vector<Reply>{r};
}

Result<std::vector<Reply>> MeetingFlow::Remind(TurnContext& t, const std::string& code) const {
  const Messages& m = *t.content.messages;
  t.flow.Clear();
  Reply r;
  r.choices = {{m.Get("menu_meetings"), "MENU_MEETINGS"}, MenuChoice(m)};
  if (!CanPush(t.in.channel) || !meetings_) {
    r.text = m.Get("meet_remind_unavailable");
    return std::vector<Reply>{r};
  }
  MeetingStore* store = meetings_;
  const std::string channel = t.in.channel, user = t.in.user;
  const auto at = t.now;
  t.Defer([store, channel, user, code, at]() -> Status {
    auto added = store->Subscribe(channel, user, code, at);
    return added.ok() ? Status::Ok() : added.status();
  });
  r.text = m.Get("meet_subscribed", {{"commune", CommuneName(t, code)}});
  return std::vector<Reply>{r};
}

Result<std::vector<Reply>> MeetingFlow::Start(TurnContext& t, Intent intent,
                                              std::string& remembered_commune,
                                              std::string& last_meeting) const {
  const Messages& m = *t.content.messages;
  if (intent == Intent::kAttend) return Attend(t, last_meeting);
  if (intent == Intent::kUnsubscribe) {
    t.flow.Clear();
    Reply r;
    r.choices = {{m.Get("menu_meetings"), "MENU_MEETINGS"}, MenuChoice(m)};
    std::vector<std::string> subs;
    if (meetings_) {
      auto found = meetings_->Subscriptions(t.in.channel, t.in.user);
      if (!found.ok()) return found.status();
      subs = std::move(*found);
    }
    if (subs.empty()) {
      r.text = m.Get("meet_not_subscribed");
    } else {
      MeetingStore* store = meetings_;
      const std::string channel = t.in.channel, user = t.in.user;
      const auto at = t.now;
      t.Defer([store, channel, user, at]() -> Status {
        auto ended = store->Unsubscribe(channel, user, at);
        return ended.ok() ? Status::Ok() : ended.status();
      });
      r.text = m.Get("meet_unsubscribed");
    }
    return std::vector<Reply>{r};
  }
  // Schedule or reminders: find the commune.
  std::string code, note;
  if (t.content.communes) {
    const CommuneMatch match = t.content.communes->Resolve(t.in.text);
    if (match.ambiguous()) return AskCommune(t, match.candidates, match.matched);
    if (match.candidates.size() == 1) {
      code = match.candidates.front()->code;
      if (FoldVietnamese(match.matched) != FoldVietnamese(match.candidates.front()->name)) {
        note = m.Get("meet_old_name", {{"old", match.matched}, {"commune", match.candidates.front()->name}});
      }
    }
  }
  if (code.empty()) code = remembered_commune;
  if (code.empty()) return AskCommune(t, {}, "");
  remembered_commune = code;
  if (intent == Intent::kRemind) return Remind(t, code);
  return ShowCommune(t, code, last_meeting, note);
}

Result<FlowOutcome> MeetingFlow::Continue(TurnContext& t, std::string& remembered_commune,
                                          std::string& last_meeting) const {
  const std::string& payload = t.in.payload;
  const std::string prefix = kMeetingPayloadPrefix;
  auto done = [](Result<std::vector<Reply>> r) -> Result<FlowOutcome> {
    if (!r.ok()) return r.status();
    return FlowOutcome{true, std::move(*r)};
  };
  if (StartsWith(payload, prefix + "COMMUNE:")) {
    const std::string code = payload.substr(prefix.size() + 8);
    if (t.content.communes && t.content.communes->FindByCode(code)) {
      remembered_commune = code;
      return done(ShowCommune(t, code, last_meeting, ""));
    }
    return FlowOutcome{true, AskCommune(t, {}, "")};
  }
  if (StartsWith(payload, prefix + "ATTEND:")) return done(Attend(t, payload.substr(prefix.size() + 7)));
  if (StartsWith(payload, prefix + "REMIND:")) {
    const std::string code = payload.substr(prefix.size() + 7);
    if (t.content.communes && t.content.communes->FindByCode(code)) return done(Remind(t, code));
    return FlowOutcome{true, AskCommune(t, {}, "")};
  }
  if (payload == prefix + "UNSUB") {
    return done(Start(t, Intent::kUnsubscribe, remembered_commune, last_meeting));
  }
  if (payload == prefix + "OTHER" || StartsWith(payload, prefix)) return FlowOutcome{true, AskCommune(t, {}, "")};

  // Typed text while asking for the commune.
  const CommuneMatch match =
      t.content.communes ? t.content.communes->Resolve(t.in.text) : CommuneMatch{};
  if (match.ambiguous()) return FlowOutcome{true, AskCommune(t, match.candidates, match.matched)};
  if (match.candidates.size() == 1) {
    remembered_commune = match.candidates.front()->code;
    std::string note;
    if (FoldVietnamese(match.matched) != FoldVietnamese(match.candidates.front()->name)) {
      note = t.content.messages->Get(
          "meet_old_name", {{"old", match.matched}, {"commune", match.candidates.front()->name}});
    }
    return done(ShowCommune(t, remembered_commune, last_meeting, note));
  }
  FlowOutcome not_a_commune;
  not_a_commune.handled = false;  // the engine answers it and asks again
  return not_a_commune;
}

Reply MeetingFlow::Resume(const TurnContext& t) const {
  const Messages& m = *t.content.messages;
  Reply r{m.Get("meet_ask_commune_again"), {}};
  if (t.content.communes) {
    for (const auto& c : t.content.communes->communes()) {
      r.choices.push_back({c.name, std::string(kMeetingPayloadPrefix) + "COMMUNE:" + c.code});
    }
  }
  r.choices.push_back(MenuChoice(m));
  return r;
}

const std::vector<std::string>& MeetingFlow::MessageKeys() {
  static const std::vector<std::string> kKeys = {
      "meet_ask_commune", "meet_ask_commune_again", "meet_ambiguous_commune", "meet_old_name",
      "meet_list_header", "meet_item", "meet_status_cancelled", "meet_status_moved",
      "meet_sample_note", "meet_none", "meet_none_web", "meet_choice_attend", "meet_choice_remind",
      "meet_choice_unsubscribe", "meet_choice_register", "meet_choice_other_commune",
      "meet_attend_unknown", "meet_attend_cancelled", "meet_attend_again", "meet_attend_done",
      "meet_remind_offer", "meet_remind_unavailable", "meet_subscribed", "meet_unsubscribed",
      "meet_not_subscribed"};
  return kKeys;
}

}  // namespace bhxh
