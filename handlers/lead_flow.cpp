#include "handlers/lead_flow.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>

#include "content/text_normalizer.h"
#include "handlers/lead_fields.h"
#include "storage/lead_store.h"
#include "storage/unix_millis.h"

namespace bhxh {
namespace {

// Steps. A field's step, its slot and its LEAD:EDIT:<field> payload share
// the field's name; "consent", "summary" and "edit" hold no field.
constexpr const char* kConsent = "consent";
constexpr const char* kSummary = "summary";
constexpr const char* kEdit = "edit";
constexpr const char* kInterest = "interest";
constexpr const char* kFullName = "full_name";
constexpr const char* kBirthYear = "birth_year";
constexpr const char* kCommune = "commune";
constexpr const char* kVillage = "village";
constexpr const char* kPhone = "phone";
constexpr const char* kCccd = "cccd";
constexpr const char* kOccupation = "occupation";
constexpr const char* kCallTime = "call_time";

// The form's fields in the order asked and numbered in the summary (1..9).
constexpr std::array<const char*, 9> kFields = {
    kInterest, kFullName, kBirthYear, kCommune, kVillage, kPhone, kCccd, kOccupation, kCallTime};

// Other slots.
constexpr const char* kConsentMs = "consent_ms";            // consent time, Unix ms
constexpr const char* kConsentVersion = "consent_version";  // lead_consent_version then
constexpr const char* kMeetingId = "meeting_id";
constexpr const char* kEditing = "editing";  // "1": the field was picked from the summary
constexpr const char* kOffered = "offered";  // commune codes offered after an ambiguous name

struct Option {
  const char* code;       // the payload's argument (and, for interests, the stored value)
  const char* title_key;  // the button's title; also the stored text for occupations, times
};
constexpr std::array<Option, 4> kInterests = {{{"bhxh_tu_nguyen", "lead_choice_interest_bhxh"},
                                               {"bhyt_hgd", "lead_choice_interest_bhyt"},
                                               {"ca_hai", "lead_choice_interest_both"},
                                               {"tu_van", "lead_choice_interest_advice"}}};
constexpr std::array<Option, 5> kOccupations = {{{"farming", "lead_choice_occupation_farming"},
                                                 {"trade", "lead_choice_occupation_trade"},
                                                 {"hired", "lead_choice_occupation_hired"},
                                                 {"home", "lead_choice_occupation_home"},
                                                 {"other", "lead_choice_occupation_other"}}};
constexpr std::array<Option, 5> kCallTimes = {{{"morning", "lead_choice_time_morning"},
                                               {"noon", "lead_choice_time_noon"},
                                               {"afternoon", "lead_choice_time_afternoon"},
                                               {"evening", "lead_choice_time_evening"},
                                               {"any", "lead_choice_time_any"}}};

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::string Payload(const std::string& arg) { return std::string(kLeadPayloadPrefix) + arg; }

bool Contains(const std::string& padded, std::initializer_list<const char*> phrases) {
  return std::any_of(phrases.begin(), phrases.end(),
                     [&](const char* p) { return padded.find(p) != std::string::npos; });
}

bool IsOneOf(const std::string& s, std::initializer_list<const char*> set) {
  return std::any_of(set.begin(), set.end(), [&](const char* x) { return s == x; });
}

// Folded words with chat shorthand for "đăng ký" spelled out, padded with
// spaces so phrases match whole words.
std::string PaddedWords(const std::string& folded) {
  std::string out = " ";
  for (const auto& w : SplitWords(folded)) {
    out += IsOneOf(w, {"dk", "dky", "dki", "đk"}) ? "dang ky" : w;
    out += ' ';
  }
  return out;
}

// The folded words without polite particles and a leading subject: "dạ
// em đồng ý ạ" → "dong y".
std::string CoreWords(const std::string& folded) {
  std::vector<std::string> words = SplitWords(folded);
  while (!words.empty() && IsOneOf(words.back(), {"a", "nhe", "nha", "em", "roi", "luon"})) {
    words.pop_back();
  }
  while (!words.empty() && IsOneOf(words.front(), {"da", "toi", "em", "minh", "thi"})) {
    words.erase(words.begin());
  }
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// "2", "số 2" → 2; 0 when the text is not a small number.
int TypedNumber(const std::string& folded) {
  std::vector<std::string> words = SplitWords(folded);
  if (words.size() == 2 && words[0] == "so") words.erase(words.begin());
  if (words.size() != 1 || words[0].size() > 2) return 0;
  for (char c : words[0]) {
    if (c < '0' || c > '9') return 0;
  }
  return std::atoi(words[0].c_str());
}

// What product a message names: "" when none. With `allow_advice`, "tư
// vấn" / "chưa biết" alone mean "tu_van" (at the interest question, not
// when the form is opened by "cần tư vấn").
std::string InterestIn(const std::string& folded, bool allow_advice) {
  const std::string p = PaddedWords(folded);
  if (Contains(p, {" ca hai ", " ca 2 ", " hai loai ", " 2 loai ", " ca bhxh va bhyt "})) {
    return "ca_hai";
  }
  const bool bhxh = Contains(
      p, {" bhxh ", " bhxhtn ", " bao hiem xa hoi ", " tu nguyen ", " huu tri ", " luong huu "});
  const bool bhyt = Contains(
      p, {" bhyt ", " bao hiem y te ", " ho gia dinh ", " hgd ", " the bhyt ", " bhythgd "});
  if (bhxh && bhyt) return "ca_hai";
  if (bhxh) return "bhxh_tu_nguyen";
  if (bhyt) return "bhyt_hgd";
  if (allow_advice &&
      Contains(p, {" tu van ", " chua biet ", " chua ro ", " khong biet ", " khong ro "})) {
    return "tu_van";
  }
  return "";
}

template <size_t N>
const Option* FindOption(const std::array<Option, N>& options, const std::string& code) {
  for (const Option& o : options) {
    if (code == o.code) return &o;
  }
  return nullptr;
}

// The option whose title the citizen typed ("lam nong" → Làm nông).
template <size_t N>
const Option* OptionTyped(const std::array<Option, N>& options, const Messages& m,
                          const std::string& folded) {
  for (const Option& o : options) {
    if (FoldVietnamese(m.Get(o.title_key)) == folded) return &o;
  }
  return nullptr;
}

template <size_t N>
std::vector<Choice> OptionChoices(const std::array<Option, N>& options, const Messages& m,
                                  const std::string& payload_kind) {
  std::vector<Choice> out;
  for (const Option& o : options)
    out.push_back({m.Get(o.title_key), Payload(payload_kind + o.code)});
  return out;
}

const Commune* CommuneByCode(const ContentSnapshot& c, const std::string& code) {
  return c.communes && !code.empty() ? c.communes->FindByCode(code) : nullptr;
}

// Who will call: the commune's collection agency when the office has set
// one, else the generic "tổ chức dịch vụ thu … phụ trách xã <name>".
std::string AgencyPhrase(const ContentSnapshot& c, const std::string& commune_code) {
  const Messages& m = *c.messages;
  const Commune* commune = CommuneByCode(c, commune_code);
  if (commune && !commune->agency.empty()) return commune->agency;
  return m.Get("lead_agency_generic") + " " +
         (commune ? commune->name : m.Get("lead_agency_your_commune"));
}

Choice CommuneChoice(const Messages& m, const Commune& c) {
  return {m.Get("lead_choice_commune", {{"name", c.name}}), Payload("COMMUNE:" + c.code)};
}

// The communes offered at the commune question: the candidates of an
// ambiguous answer, else all of them.
std::vector<Choice> CommuneChoices(const ContentSnapshot& c, const FlowState& flow) {
  std::vector<Choice> out;
  if (!c.communes) return out;
  const std::string offered = flow.Slot(kOffered);
  for (const Commune& commune : c.communes->communes()) {
    if (offered.empty() ||
        ("," + offered + ",").find("," + commune.code + ",") != std::string::npos) {
      out.push_back(CommuneChoice(*c.messages, commune));
    }
  }
  return out;
}

// How a field's value reads in the summary.
std::string DisplayValue(const ContentSnapshot& c, const FlowState& flow,
                         const std::string& field) {
  const Messages& m = *c.messages;
  const std::string v = flow.Slot(field);
  if (field == kInterest) {
    const Option* o = FindOption(kInterests, v);
    return o ? m.Get(o->title_key) : v;
  }
  if (field == kCommune) {
    const Commune* commune = CommuneByCode(c, v);
    return commune ? commune->name : v;
  }
  if (field == kVillage && v.empty()) return m.Get("lead_choice_village_unknown");
  if (field == kPhone) return FormatMobilePhone(v);
  if (field == kCccd && v.empty()) return m.Get("lead_value_no_cccd");
  return v;
}

std::string FieldLabel(const Messages& m, const std::string& field) {
  return m.Get("lead_field_" + field);
}

// The first field not answered yet, or the summary.
std::string NextStep(const FlowState& flow) {
  if (!flow.slots.count(kConsentMs)) return kConsent;
  for (const char* field : kFields) {
    if (!flow.slots.count(field)) return field;
  }
  return kSummary;
}

bool IsField(const std::string& s) {
  return std::any_of(kFields.begin(), kFields.end(), [&](const char* f) { return s == f; });
}

// The question a step asks, with its choices. Pure: Resume uses it too.
Reply Question(const ContentSnapshot& c, const FlowState& flow, const std::string& step) {
  const Messages& m = *c.messages;
  Reply r;
  if (step == kConsent) {
    r.text = m.Get("lead_consent", {{"agency", AgencyPhrase(c, flow.Slot(kCommune))}});
    r.choices = {{m.Get("lead_choice_consent_yes"), Payload("CONSENT_YES")},
                 {m.Get("lead_choice_consent_no"), Payload("CONSENT_NO")}};
  } else if (step == kInterest) {
    r.text = m.Get("lead_ask_interest");
    r.choices = OptionChoices(kInterests, m, "INTEREST:");
  } else if (step == kFullName) {
    r.text = m.Get("lead_ask_name");
  } else if (step == kBirthYear) {
    r.text = m.Get("lead_ask_birth_year");
  } else if (step == kCommune) {
    r.text = m.Get("lead_ask_commune");
    r.choices = CommuneChoices(c, flow);
  } else if (step == kVillage) {
    r.text = m.Get("lead_ask_village");
    r.choices = {{m.Get("lead_choice_village_unknown"), Payload("SKIP")}};
  } else if (step == kPhone) {
    r.text = m.Get("lead_ask_phone");
    r.choices = {
        {m.Get("lead_choice_share_phone"), Payload("SHARE_PHONE"), ChoiceKind::kSharePhone}};
    r.request_contact = true;
  } else if (step == kCccd) {
    r.text = m.Get("lead_ask_cccd");
    r.choices = {{m.Get("lead_choice_skip"), Payload("SKIP")}};
  } else if (step == kOccupation) {
    r.text = m.Get("lead_ask_occupation");
    r.choices = OptionChoices(kOccupations, m, "OCC:");
  } else if (step == kCallTime) {
    r.text = m.Get("lead_ask_call_time");
    r.choices = OptionChoices(kCallTimes, m, "TIME:");
  } else if (step == kSummary) {
    std::string fields;
    for (size_t i = 0; i < kFields.size(); ++i) {
      fields += (i ? "\n" : "") + std::to_string(i + 1) + ". " + FieldLabel(m, kFields[i]) + ": " +
                DisplayValue(c, flow, kFields[i]);
    }
    r.text = m.Get("lead_summary", {{"fields", fields}});
    r.choices = {{m.Get("lead_choice_confirm"), Payload("CONFIRM")},
                 {m.Get("lead_choice_edit"), Payload("EDIT")},
                 {m.Get("lead_choice_cancel"), Payload("CANCEL")}};
  } else if (step == kEdit) {
    r.text = m.Get("lead_ask_edit");
    for (size_t i = 0; i < kFields.size(); ++i) {
      r.choices.push_back({std::to_string(i + 1) + ". " + FieldLabel(m, kFields[i]),
                           Payload(std::string("EDIT:") + kFields[i])});
    }
  }
  return r;
}

// The step the form is really at: a state without consent is always at the
// consent (nothing is collected before it); an unknown step name (a state
// written by another version) goes to the first unanswered field.
std::string CurrentStep(const FlowState& flow) {
  if (!flow.slots.count(kConsentMs)) return kConsent;
  const std::string& s = flow.step;
  if (s == kSummary || s == kEdit || IsField(s)) return s;
  return NextStep(flow);
}

// The payload of the numbered choice a typed number picks, when the engine
// passed the number through (it maps numbers itself when it can).
std::string ChoiceForTypedNumber(const ContentSnapshot& c, const FlowState& flow,
                                 const std::string& step, const std::string& folded) {
  const int n = TypedNumber(folded);
  if (n < 1) return "";
  std::vector<Choice> choices = Question(c, flow, step).choices;
  choices.erase(std::remove_if(choices.begin(), choices.end(),
                               [](const Choice& ch) { return ch.kind != ChoiceKind::kPayload; }),
                choices.end());
  return static_cast<size_t>(n) <= choices.size() ? choices[static_cast<size_t>(n) - 1].payload
                                                  : "";
}

// A commune named by an old unit's name ("Sơn Ba" → Sơn Kỳ): the old
// name as written in communes.json, "" when the citizen used the new name.
std::string OldUnitNamed(const Commune& commune, const std::string& matched) {
  std::vector<std::string> words = SplitWords(FoldVietnamese(matched));
  while (!words.empty() && IsOneOf(words.front(), {"xa", "thi", "tran", "tt", "o"})) {
    words.erase(words.begin());
  }
  std::string typed;
  for (const auto& w : words) typed += (typed.empty() ? "" : " ") + w;
  if (typed == FoldVietnamese(commune.name)) return "";
  for (const auto& old : commune.old_units) {
    if (FoldVietnamese(old) == typed && FoldVietnamese(old) != FoldVietnamese(commune.name)) {
      return old;
    }
  }
  return "";
}

bool IsAccept(const std::string& folded) {
  if (IsOneOf(folded, {"da", "da a", "da vang", "vang a"})) return true;
  return IsOneOf(CoreWords(folded), {"dong y", "ok", "oke", "okay", "co", "dy", "d y", "vang", "u",
                                     "uh", "yes", "duoc", "dc", "dong y dang ky", "co dong y"});
}

bool IsRefusal(const std::string& folded) {
  const std::string p = " " + folded + " ";
  return Contains(
      p, {" khong ", " ko ", " k ", " hong ", " kg ", " chua ", " kdy ", " tu choi ", " no "});
}

FlowOutcome Unhandled() {
  FlowOutcome out;
  out.handled = false;
  return out;
}

FlowOutcome Say(Reply r) {
  FlowOutcome out;
  out.replies.push_back(std::move(r));
  return out;
}

// Everything Continue needs for one turn.
class Turn {
 public:
  Turn(TurnContext& t, LeadStore* leads)
      : t_(t), c_(t.content), m_(*t.content.messages), leads_(leads) {}

  FlowOutcome Run();

 private:
  void GoTo(const std::string& step) {
    t_.flow.step = step;
    t_.flow.numeric_answer = step == kBirthYear;
  }
  Reply Ask(const std::string& step) const { return Question(c_, t_.flow, step); }
  // The current question's choices with `text` instead of its wording.
  FlowOutcome ReAsk(const std::string& text) const {
    Reply r = Ask(step_);
    r.text = text;
    return Say(std::move(r));
  }
  FlowOutcome ReAskProblem(FieldProblem problem,
                           const std::map<std::string, std::string>& params = {}) const {
    return ReAsk(m_.Get(FieldProblemKey(problem), params));
  }
  // Stores a field's answer and asks the next question (the summary after
  // an edit); `note` goes before it ("Sơn Ba nay là xã Sơn Kỳ").
  FlowOutcome Answer(const std::string& field, const std::string& value,
                     const std::string& note = "") {
    t_.flow.slots[field] = value;
    if (field == kCommune) t_.flow.slots.erase(kOffered);
    if (t_.flow.slots.erase(kEditing)) {
      GoTo(kSummary);
    } else {
      GoTo(NextStep(t_.flow));
    }
    Reply r = Ask(t_.flow.step);
    if (!note.empty()) r.text = note + "\n\n" + r.text;
    return Say(std::move(r));
  }

  FlowOutcome OnConsent();
  FlowOutcome OnInterest();
  FlowOutcome OnFullName();
  FlowOutcome OnBirthYear();
  FlowOutcome OnCommune();
  FlowOutcome OnVillage();
  FlowOutcome OnPhone();
  FlowOutcome OnCccd();
  FlowOutcome OnOccupation();
  FlowOutcome OnCallTime();
  FlowOutcome OnSummary();
  FlowOutcome OnEdit();
  FlowOutcome StartEdit(const std::string& field);
  FlowOutcome Confirm();
  FlowOutcome Cancel();
  FlowOutcome Closing(const std::string& text) {
    t_.flow.Clear();
    return Say({text, {{m_.Get("menu_back"), "MENU"}}});
  }
  bool IsQuestion() const { return LooksLikeQuestion(t_.in.text, t_.folded); }

  TurnContext& t_;
  const ContentSnapshot& c_;
  const Messages& m_;
  LeadStore* leads_;
  std::string step_;
  std::string arg_;      // a LEAD: payload without the prefix; "" for typed text
  bool tapped_ = false;  // arg_ came from a LEAD: payload
};

FlowOutcome Turn::Run() {
  step_ = CurrentStep(t_.flow);
  GoTo(step_);
  std::string payload = t_.in.payload;
  if (payload.empty() && !t_.flow.numeric_answer) {
    payload = ChoiceForTypedNumber(c_, t_.flow, step_, t_.folded);
  }
  tapped_ = StartsWith(payload, kLeadPayloadPrefix);
  if (tapped_) arg_ = payload.substr(std::string(kLeadPayloadPrefix).size());
  if (arg_ == "CANCEL") return Cancel();
  if (step_ == kConsent) {
    // Nothing the citizen shares is kept before consent, not even a phone
    // number sent through the platform's form.
    if (!payload.empty() && !tapped_) return Unhandled();
    return OnConsent();
  }

  // A number shared through the platform: Zalo's contact form (any step),
  // Messenger's phone quick reply (its payload is the number).
  if (!t_.in.shared_phone.empty()) {
    const FieldCheck shared = NormalizeMobilePhone(t_.in.shared_phone);
    if (shared.ok()) {
      if (step_ == kPhone) return Answer(kPhone, shared.value);
      t_.flow.slots[kPhone] = shared.value;
      Reply r = Ask(step_);
      r.text = m_.Get("lead_phone_received", {{"phone", FormatMobilePhone(shared.value)}}) +
               "\n\n" + r.text;
      return Say(std::move(r));
    }
    if (step_ == kPhone) return ReAskProblem(shared.problem);  // e.g. a landline on the profile
  }
  if (!payload.empty() && !tapped_) {
    if (step_ == kPhone && payload.find_first_of("0123456789") != std::string::npos) {
      const FieldCheck phone = NormalizeMobilePhone(payload);
      if (phone.ok()) return Answer(kPhone, phone.value);
      return ReAskProblem(phone.problem);
    }
    return Unhandled();  // another menu's button: the engine answers it
  }

  using Handler = FlowOutcome (Turn::*)();
  static const std::map<std::string, Handler> kByStep = {{kInterest, &Turn::OnInterest},
                                                         {kFullName, &Turn::OnFullName},
                                                         {kBirthYear, &Turn::OnBirthYear},
                                                         {kCommune, &Turn::OnCommune},
                                                         {kVillage, &Turn::OnVillage},
                                                         {kPhone, &Turn::OnPhone},
                                                         {kCccd, &Turn::OnCccd},
                                                         {kOccupation, &Turn::OnOccupation},
                                                         {kCallTime, &Turn::OnCallTime},
                                                         {kSummary, &Turn::OnSummary},
                                                         {kEdit, &Turn::OnEdit}};
  // CurrentStep returns only these steps (or the consent, handled above).
  return (this->*kByStep.at(step_))();
}

FlowOutcome Turn::OnConsent() {
  const bool yes =
      arg_ == "CONSENT_YES" || (!tapped_ && !IsRefusal(t_.folded) && IsAccept(t_.folded));
  const bool no = arg_ == "CONSENT_NO" || (!tapped_ && IsRefusal(t_.folded));
  if (no) return Closing(m_.Get("lead_consent_declined", {{"hotline", m_.Get("hotline")}}));
  if (yes) {
    t_.flow.slots[kConsentMs] = std::to_string(ToUnixMillis(t_.now));
    t_.flow.slots[kConsentVersion] = m_.Get("lead_consent_version");
    GoTo(NextStep(t_.flow));
    return Say(Ask(t_.flow.step));
  }
  if (!tapped_ && IsQuestion()) return Unhandled();
  return ReAsk(m_.Get("lead_consent_reask"));
}

FlowOutcome Turn::OnInterest() {
  std::string code;
  if (StartsWith(arg_, "INTEREST:")) {
    const Option* o = FindOption(kInterests, arg_.substr(9));
    if (o) code = o->code;
  } else if (!tapped_) {
    // "bhxh tự nguyện là gì?" names a product but asks about it.
    if (IsQuestion()) return Unhandled();
    code = InterestIn(t_.folded, /*allow_advice=*/true);
    if (code.empty()) {
      if (const Option* o = OptionTyped(kInterests, m_, t_.folded)) code = o->code;
    }
  }
  if (!code.empty()) return Answer(kInterest, code);
  return ReAsk(tapped_ ? Ask(step_).text : m_.Get("lead_bad_interest"));
}

FlowOutcome Turn::OnFullName() {
  if (tapped_) return Say(Ask(step_));  // a button of an earlier question
  // Names pass almost any letters, so a question is recognised first.
  if (IsQuestion()) return Unhandled();
  const FieldCheck name = NormalizeFullName(t_.in.text);
  if (!name.ok()) return ReAskProblem(name.problem);
  return Answer(kFullName, name.value);
}

FlowOutcome Turn::OnBirthYear() {
  if (tapped_) return Say(Ask(step_));
  const YearCheck year = ParseBirthYear(t_.in.text, t_.today);
  if (!year.ok()) {
    if (IsQuestion()) return Unhandled();
    return ReAskProblem(year.problem, {{"year", std::to_string(year.year)},
                                       {"min_age", std::to_string(kMinLeadAge)},
                                       {"max_age", std::to_string(kMaxLeadAge)}});
  }
  return Answer(kBirthYear, std::to_string(year.year));
}

FlowOutcome Turn::OnCommune() {
  if (tapped_) {
    const Commune* commune =
        StartsWith(arg_, "COMMUNE:") ? CommuneByCode(c_, arg_.substr(8)) : nullptr;
    if (commune) return Answer(kCommune, commune->code);
    return Say(Ask(step_));
  }
  if (!c_.communes) return ReAsk(m_.Get("lead_commune_unknown", {{"hotline", m_.Get("hotline")}}));
  const CommuneMatch match = c_.communes->Resolve(t_.in.text);
  if (match.candidates.size() == 1) {
    const Commune& commune = *match.candidates.front();
    const std::string old = OldUnitNamed(commune, match.matched);
    const std::string note =
        old.empty() ? "" : m_.Get("lead_commune_renamed", {{"old", old}, {"new", commune.name}});
    return Answer(kCommune, commune.code, note);
  }
  if (match.ambiguous()) {
    std::string codes;
    for (const Commune* commune : match.candidates)
      codes += (codes.empty() ? "" : ",") + commune->code;
    t_.flow.slots[kOffered] = codes;
    Reply r = Ask(step_);
    r.text = m_.Get("lead_commune_ambiguous", {{"matched", match.matched}});
    return Say(std::move(r));
  }
  if (IsQuestion()) return Unhandled();
  t_.flow.slots.erase(kOffered);
  return ReAsk(m_.Get("lead_commune_unknown", {{"hotline", m_.Get("hotline")}}));
}

FlowOutcome Turn::OnVillage() {
  if (arg_ == "SKIP") return Answer(kVillage, "");
  if (tapped_) return Say(Ask(step_));
  const std::string core = CoreWords(t_.folded);
  if (IsOneOf(core, {"khong ro", "ko ro", "k ro", "chua ro", "khong biet", "ko biet", "khong nho",
                     "khong co", "khong ro thon"}) ||
      core == FoldVietnamese(m_.Get("lead_choice_village_unknown"))) {
    return Answer(kVillage, "");
  }
  if (IsQuestion()) return Unhandled();
  const FieldCheck village = NormalizeFreeText(t_.in.text);
  if (!village.ok()) return ReAskProblem(village.problem);
  return Answer(kVillage, village.value);
}

FlowOutcome Turn::OnPhone() {
  if (tapped_) return Say(Ask(step_));  // "share my number" on a channel without it, or stale
  const FieldCheck phone = NormalizeMobilePhone(t_.in.text);
  if (!phone.ok()) {
    if (IsQuestion()) return Unhandled();
    return ReAskProblem(phone.problem);
  }
  return Answer(kPhone, phone.value);
}

FlowOutcome Turn::OnCccd() {
  if (arg_ == "SKIP") return Answer(kCccd, "");
  if (tapped_) return Say(Ask(step_));
  const std::string core = CoreWords(t_.folded);
  if (IsOneOf(core, {"bo qua", "khong", "ko", "k", "khong co", "ko co", "chua co", "khong nho",
                     "khong biet", "khong muon", "khong can", "skip"}) ||
      core == FoldVietnamese(m_.Get("lead_choice_skip"))) {
    return Answer(kCccd, "");
  }
  const FieldCheck cccd = NormalizeCccd(t_.in.text);
  if (!cccd.ok()) {
    if (IsQuestion()) return Unhandled();
    size_t digits = 0;
    for (char ch : t_.in.text) digits += ch >= '0' && ch <= '9';
    return ReAskProblem(cccd.problem, {{"count", std::to_string(digits)}});
  }
  return Answer(kCccd, cccd.value);
}

FlowOutcome Turn::OnOccupation() {
  const Option* o = nullptr;
  if (StartsWith(arg_, "OCC:")) {
    o = FindOption(kOccupations, arg_.substr(4));
  } else if (!tapped_) {
    o = OptionTyped(kOccupations, m_, CoreWords(t_.folded));
  }
  if (o && std::string(o->code) == "other") {
    return Say({m_.Get("lead_ask_occupation_other"), {}});
  }
  if (o) return Answer(kOccupation, m_.Get(o->title_key));
  if (tapped_) return Say(Ask(step_));
  if (IsQuestion()) return Unhandled();
  const FieldCheck occupation = NormalizeFreeText(t_.in.text);
  if (!occupation.ok()) return ReAskProblem(occupation.problem);
  return Answer(kOccupation, occupation.value);
}

FlowOutcome Turn::OnCallTime() {
  const Option* o = nullptr;
  if (StartsWith(arg_, "TIME:")) {
    o = FindOption(kCallTimes, arg_.substr(5));
  } else if (!tapped_) {
    o = OptionTyped(kCallTimes, m_, CoreWords(t_.folded));
  }
  if (o) return Answer(kCallTime, m_.Get(o->title_key));
  if (tapped_) return Say(Ask(step_));
  if (IsQuestion()) return Unhandled();
  const FieldCheck time = NormalizeFreeText(t_.in.text);
  if (!time.ok()) return ReAskProblem(time.problem);
  return Answer(kCallTime, time.value);
}

FlowOutcome Turn::StartEdit(const std::string& field) {
  t_.flow.slots[kEditing] = "1";
  if (field == kCommune) t_.flow.slots.erase(kOffered);
  GoTo(field);
  return Say(Ask(field));
}

// The field a typed answer at the edit question names: its number or its
// label's words ("số điện thoại", "sdt", "tên").
std::string FieldTyped(const Messages& m, const std::string& folded) {
  const int n = TypedNumber(folded);
  if (n >= 1 && static_cast<size_t>(n) <= kFields.size())
    return kFields[static_cast<size_t>(n) - 1];
  const std::string core = CoreWords(folded);
  for (const char* field : kFields) {
    if (core == FoldVietnamese(m.Get(std::string("lead_field_") + field))) return field;
  }
  static const std::array<std::pair<const char*, const char*>, 14> kAliases = {
      {{"sdt", kPhone},
       {"so dien thoai", kPhone},
       {"dien thoai", kPhone},
       {"so dt", kPhone},
       {"ten", kFullName},
       {"ho ten", kFullName},
       {"nam sinh", kBirthYear},
       {"xa", kCommune},
       {"thon", kVillage},
       {"lang", kVillage},
       {"cccd", kCccd},
       {"can cuoc", kCccd},
       {"nghe", kOccupation},
       {"gio goi", kCallTime}}};
  for (const auto& [alias, field] : kAliases) {
    if (core == alias) return field;
  }
  return "";
}

FlowOutcome Turn::OnSummary() {
  if (arg_ == "CONFIRM") return Confirm();
  if (arg_ == "EDIT") {
    GoTo(kEdit);
    return Say(Ask(kEdit));
  }
  if (StartsWith(arg_, "EDIT:") && IsField(arg_.substr(5))) return StartEdit(arg_.substr(5));
  if (tapped_) return Say(Ask(step_));
  const std::string core = CoreWords(t_.folded);
  if (IsOneOf(core, {"xac nhan", "dung", "dung roi", "chinh xac", "ok", "oke", "dong y", "co", "xn",
                     "gui", "gui di"})) {
    return Confirm();
  }
  if (IsOneOf(core, {"sua", "sua lai", "chinh sua", "sua thong tin", "chua dung", "sai"})) {
    GoTo(kEdit);
    return Say(Ask(kEdit));
  }
  // "sửa 6", "sửa số điện thoại", or a field number beyond the buttons.
  const std::vector<std::string> words = SplitWords(core);
  if (!words.empty() && (words[0] == "sua" || TypedNumber(core) > 0)) {
    const std::string rest =
        words[0] == "sua" ? core.substr(std::min<size_t>(core.size(), 4)) : core;
    const std::string field = FieldTyped(m_, rest);
    if (!field.empty()) return StartEdit(field);
  }
  if (IsOneOf(core, {"huy", "khong", "khong dang ky", "thoi khong dang ky"})) return Cancel();
  if (IsQuestion()) return Unhandled();
  return ReAsk(m_.Get("lead_summary_reask"));
}

FlowOutcome Turn::OnEdit() {
  if (StartsWith(arg_, "EDIT:") && IsField(arg_.substr(5))) return StartEdit(arg_.substr(5));
  if (tapped_) return Say(Ask(step_));
  const std::string field = FieldTyped(m_, t_.folded);
  if (!field.empty()) return StartEdit(field);
  if (IsQuestion()) return Unhandled();
  return ReAsk(m_.Get("lead_bad_edit"));
}

FlowOutcome Turn::Confirm() {
  const FlowState& f = t_.flow;
  // A state saved by an older form may lack a field: ask it, then come back.
  const std::string missing = NextStep(f);
  if (missing != kSummary) {
    GoTo(missing);
    return Say(Ask(missing));
  }
  Lead lead;
  lead.channel = t_.in.channel;
  lead.user = t_.in.user;
  lead.interest = f.Slot(kInterest);
  lead.full_name = f.Slot(kFullName);
  lead.birth_year = std::atoi(f.Slot(kBirthYear).c_str());
  lead.commune_code = f.Slot(kCommune);
  lead.village = f.Slot(kVillage);
  lead.phone = f.Slot(kPhone);
  lead.cccd = f.Slot(kCccd);
  lead.occupation = f.Slot(kOccupation);
  lead.call_time = f.Slot(kCallTime);
  lead.meeting_id = f.Slot(kMeetingId);
  lead.consent_version = f.Slot(kConsentVersion);
  lead.consent_at = FromUnixMillis(std::atoll(f.Slot(kConsentMs).c_str()));
  lead.status = "new";
  lead.created = lead.updated = t_.now;

  // One lead per phone and commune: look before saving to say "updated"
  // rather than "recorded". A failed look-up only changes the wording; the
  // save itself reports a broken database and rolls the turn back.
  bool updated = false;
  if (leads_) {
    Result<std::vector<Lead>> same_commune = leads_->ByCommune(lead.commune_code);
    if (same_commune.ok()) {
      updated = std::any_of(same_commune->begin(), same_commune->end(),
                            [&](const Lead& l) { return l.phone == lead.phone; });
    }
    LeadStore* store = leads_;
    t_.Defer([store, lead]() -> Status { return store->Save(lead).status(); });
  }
  const std::string next =
      m_.Get("lead_next_steps", {{"agency", AgencyPhrase(c_, lead.commune_code)},
                                 {"phone", FormatMobilePhone(lead.phone)},
                                 {"call_time", DisplayValue(c_, f, kCallTime)}});
  return Closing(m_.Get(updated ? "lead_saved_updated" : "lead_saved_new") + "\n\n" + next);
}

FlowOutcome Turn::Cancel() { return Closing(m_.Get("lead_cancelled")); }

}  // namespace

bool LeadFlow::Detect(const std::string& folded) {
  const std::string p = PaddedWords(folded);
  // Questions about registering, and other business, go to the FAQ and the
  // other flows.
  if (Contains(p, {" o dau ",        " tai dau ",  " cho nao ",    " noi nao ",    " the nao ",
                   " nhu nao ",      " lam sao ",  " ra sao ",     " cach ",       " giay to ",
                   " thu tuc ",      " ho so ",    " can gi ",     " gom gi ",     " nhung gi ",
                   " la gi ",        " online ",   " qua mang ",   " truc tuyen ", " vneid ",
                   " dich vu cong ", " app ",      " duoc khong ", " co duoc ",    " bao gio ",
                   " khi nao ",      " bao lau ",  " bao nhieu ",  " muc dong ",   " het han ",
                   " ai ",           " hoi nghi ", " muon biet ",  " tra cuu ",    " khong ",
                   " ko ",           " chua ",     " huy ",        " cuoc hop ",   " buoi hop ",
                   " di hop ",       " ntn ",      " tu dau ",     " buoc ",       " lam gi "})) {
    return false;
  }
  if (Contains(p,
               {" muon dang ky ",    " dang ky tham gia ", " dang ky tu van ",  " can tu van ",
                " muon tu van ",     " muon duoc tu van ", " xin tu van ",      " nho tu van ",
                " can duoc tu van ", " goi lai cho ",      " goi lai giup ",    " goi cho toi ",
                " goi cho em ",      " goi cho minh ",     " lien he lai ",     " lien he voi toi ",
                " muon tham gia ",   " xin dang ky ",      " cho toi dang ky ", " cho em dang ky ",
                " dang ky giup ",    " dang ky cho toi ",  " dang ky cho em "})) {
    return true;
  }
  // "muốn mua bhyt hộ gia đình" (not "muốn mua bảo hiểm xe máy").
  if (Contains(p, {" muon mua ", " can mua "})) return !InterestIn(folded, false).empty();
  // "đăng ký bhyt hộ gia đình", "tôi đăng ký": a request, not a question
  // (the question words were ruled out above).
  // A bare "đăng ký ..." must name what we register for or be short: "đăng
  // ký kết hôn ở xã" is another office's business.
  const std::string core = PaddedWords(CoreWords(folded));
  if (!StartsWith(core, " dang ky ")) return false;
  return !InterestIn(folded, false).empty() || std::count(core.begin(), core.end(), ' ') <= 4;
}

std::vector<Reply> LeadFlow::Start(TurnContext& t, const std::string& meeting_id,
                                   const std::string& commune_code) const {
  FlowState& f = t.flow;
  f.Clear();
  f.name = kLeadFlow;
  f.step = kConsent;
  f.started = t.now;
  if (!meeting_id.empty()) f.slots[kMeetingId] = meeting_id;
  if (const Commune* commune = CommuneByCode(t.content, commune_code)) {
    f.slots[kCommune] = commune->code;
  }
  const std::string interest = InterestIn(t.folded, /*allow_advice=*/false);
  if (!interest.empty()) f.slots[kInterest] = interest;
  return {Question(t.content, f, kConsent)};
}

FlowOutcome LeadFlow::Continue(TurnContext& t) const { return Turn(t, leads_).Run(); }

Reply LeadFlow::Resume(const TurnContext& t) const {
  const Messages& m = *t.content.messages;
  const std::string step = CurrentStep(t.flow);
  Reply r = Question(t.content, t.flow, step);
  if (step == kConsent) r.text = m.Get("lead_consent_reask");
  r.text += "\n\n" + m.Get("lead_resume_hint");
  return r;
}

const std::vector<std::string>& LeadFlow::MessageKeys() {
  static const std::vector<std::string> kKeys = [] {
    std::vector<std::string> keys = {"lead_consent",
                                     "lead_consent_version",
                                     "lead_consent_reask",
                                     "lead_consent_declined",
                                     "lead_choice_consent_yes",
                                     "lead_choice_consent_no",
                                     "lead_agency_generic",
                                     "lead_agency_your_commune",
                                     "lead_ask_interest",
                                     "lead_bad_interest",
                                     "lead_ask_name",
                                     "lead_ask_birth_year",
                                     "lead_ask_commune",
                                     "lead_choice_commune",
                                     "lead_commune_ambiguous",
                                     "lead_commune_unknown",
                                     "lead_commune_renamed",
                                     "lead_ask_village",
                                     "lead_choice_village_unknown",
                                     "lead_ask_phone",
                                     "lead_choice_share_phone",
                                     "lead_phone_received",
                                     "lead_ask_cccd",
                                     "lead_choice_skip",
                                     "lead_ask_occupation",
                                     "lead_ask_occupation_other",
                                     "lead_ask_call_time",
                                     "lead_summary",
                                     "lead_value_no_cccd",
                                     "lead_choice_confirm",
                                     "lead_choice_edit",
                                     "lead_choice_cancel",
                                     "lead_summary_reask",
                                     "lead_ask_edit",
                                     "lead_bad_edit",
                                     "lead_saved_new",
                                     "lead_saved_updated",
                                     "lead_next_steps",
                                     "lead_cancelled",
                                     "lead_resume_hint",
                                     "menu_back",
                                     "hotline"};
    for (const Option& o : kInterests) keys.emplace_back(o.title_key);
    for (const Option& o : kOccupations) keys.emplace_back(o.title_key);
    for (const Option& o : kCallTimes) keys.emplace_back(o.title_key);
    for (const char* field : kFields) keys.push_back(std::string("lead_field_") + field);
    for (const auto& key : FieldProblemKeys()) keys.push_back(key);
    return keys;
  }();
  return kKeys;
}

}  // namespace bhxh
