#include "handlers/calculator_flow.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <string>

#include "content/text_normalizer.h"
#include "handlers/contribution_calculator.h"

namespace bhxh {
namespace {

// Steps (FlowState::step) and slots (FlowState::slots) of the flow.
constexpr const char* kStepProduct = "product";
constexpr const char* kStepGroup = "group";
constexpr const char* kStepIncome = "income";
constexpr const char* kStepMembers = "members";

constexpr const char* kSlotProduct = "product";  // "bhxh" | "bhyt"
constexpr const char* kSlotGroups = "groups";    // SupportGroupName()s, comma-separated
constexpr const char* kSlotIncome = "income";    // đồng per month, or "min" / "max"
constexpr const char* kSlotMembers = "members";  // 1..kMaxHouseholdMembers

// Payloads after kCalculatorPayloadPrefix.
constexpr const char* kRestart = "RESTART";
constexpr const char* kIncomeMin = "INCOME_MIN";

struct GroupChoice {
  SupportGroup group;
  const char* payload;    // after "CALC:"
  const char* title_key;  // the button
  const char* label_key;  // the group in a sentence
};
constexpr GroupChoice kGroups[] = {
    {SupportGroup::kPoor, "GROUP_POOR", "calc_group_poor", "calc_group_label_poor"},
    {SupportGroup::kNearPoor, "GROUP_NEAR_POOR", "calc_group_near_poor",
     "calc_group_label_near_poor"},
    {SupportGroup::kEthnicMinority, "GROUP_ETHNIC", "calc_group_ethnic", "calc_group_label_ethnic"},
    {SupportGroup::kOther, "GROUP_OTHER", "calc_group_other", "calc_group_label_other"},
};

// The payment periods shown (Luật BHXH 2024 Art. 36 k2; BHYT Law Art. 15):
// voluntary BHXH monthly or every 3, 6, 12 months; household BHYT every 3,
// 6 or 12 months. Lump sums for years ahead are discounted at a rate that
// is not verified, so they are mentioned, never computed.
constexpr int kBhxhPeriods[] = {3, 6, 12};
constexpr int kBhytPeriods[] = {3, 6, 12};

bool HasPhrase(const std::string& folded, std::initializer_list<const char*> phrases) {
  const std::string padded = " " + folded + " ";
  for (const char* p : phrases) {
    if (padded.find(std::string(" ") + p + " ") != std::string::npos) return true;
  }
  return false;
}

std::string Payload(const char* name) { return std::string(kCalculatorPayloadPrefix) + name; }

std::string Number(std::int64_t v) { return FormatVietnameseNumber(static_cast<double>(v)); }
std::string Dong(std::int64_t v) { return FormatDong(static_cast<double>(v)); }

std::vector<SupportGroup> GroupsFromSlot(const std::string& slot) {
  std::vector<SupportGroup> out;
  size_t pos = 0;
  while (pos <= slot.size()) {
    const size_t comma = std::min(slot.find(',', pos), slot.size());
    if (auto g = SupportGroupFromName(slot.substr(pos, comma - pos))) out.push_back(*g);
    pos = comma + 1;
  }
  return out;
}

std::string GroupsToSlot(const std::vector<SupportGroup>& groups) {
  std::string out;
  for (SupportGroup g : groups) out += std::string(out.empty() ? "" : ",") + SupportGroupName(g);
  return out;
}

// A message that is a question of its own rather than an answer.
bool LooksLikeQuestion(const TurnContext& t) {
  if (t.in.text.find('?') != std::string::npos) return true;
  if (HasPhrase(t.folded, {"bao nhieu", "bn", "the nao", "ntn", "nhu nao", "o dau", "khi nao",
                           "bao gio", "tai sao", "vi sao", "lam sao", "sao", "gi", "j", "nao",
                           "co phai", "duoc khong", "co duoc"})) {
    return true;
  }
  const std::vector<std::string> words = SplitWords(t.folded);
  return words.size() >= 3 &&
         (words.back() == "khong" || words.back() == "ko" || words.back() == "chua" ||
          words.back() == "hong" || words.back() == "hok");
}

// The slot the open step asks for got a (new) value.
bool Answers(const FlowState& before, const FlowState& after) {
  const std::string& step = before.step;
  const char* slot = step == kStepProduct  ? kSlotProduct
                     : step == kStepGroup  ? kSlotGroups
                     : step == kStepIncome ? kSlotIncome
                                           : kSlotMembers;
  const std::string value = after.Slot(slot);
  return !value.empty() && value != before.Slot(slot);
}

class Turn {
 public:
  explicit Turn(TurnContext& t) : t_(t), m_(*t.content.messages), calc_(*t.content.variables) {}

  // Fills the slots a CALC: payload answers. False when it answers nothing.
  bool ApplyPayload(const std::string& payload) {
    const std::string prefix = kCalculatorPayloadPrefix;
    if (payload.rfind(prefix, 0) != 0) return false;
    const std::string name = payload.substr(prefix.size());
    if (name == "PRODUCT_BHXH" || name == "PRODUCT_BHYT") {
      SetProduct(name == "PRODUCT_BHXH" ? "bhxh" : "bhyt");
      return true;
    }
    for (const auto& g : kGroups) {
      if (name == g.payload) {
        flow().slots[kSlotGroups] = SupportGroupName(g.group);
        return true;
      }
    }
    if (name == kIncomeMin) {
      flow().slots[kSlotIncome] = "min";
      return true;
    }
    return false;
  }

  // Fills the slots the typed text gives; the open step's own answer is
  // read as an answer (a bare "4" is the household size when asked for).
  void ApplyText() {
    const std::string& f = t_.folded;
    const std::string step = flow().step;
    auto mode = [&](const char* s) {
      return step == s ? ParseMode::kAnswer : ParseMode::kSentence;
    };

    const InsuranceProduct product = ParseProduct(f);
    if (product != InsuranceProduct::kUnknown) {
      SetProduct(product == InsuranceProduct::kVoluntaryBhxh ? "bhxh" : "bhyt");
    }
    const auto groups = ParseSupportGroups(f, mode(kStepGroup));
    if (!groups.empty()) flow().slots[kSlotGroups] = GroupsToSlot(groups);
    if (step == kStepIncome && HasPhrase(f, {"thap nhat", "toi thieu"})) {
      flow().slots[kSlotIncome] = "min";
    } else if (step == kStepIncome && HasPhrase(f, {"cao nhat", "toi da"})) {
      flow().slots[kSlotIncome] = "max";
    } else if (auto income = ParseMonthlyIncome(f, mode(kStepIncome)); income && *income > 0) {
      flow().slots[kSlotIncome] = std::to_string(*income);
    }
    if (auto members = ParseHouseholdSize(f, mode(kStepMembers))) {
      if (*members >= 1 && *members <= kMaxHouseholdMembers) {
        flow().slots[kSlotMembers] = std::to_string(*members);
      } else {
        members_out_of_range_ = true;
      }
    }
  }

  // Only one kind of detail given: the product it belongs to.
  void InferProduct() {
    if (!flow().Slot(kSlotProduct).empty()) return;
    const bool bhxh_detail = !flow().Slot(kSlotGroups).empty() || !flow().Slot(kSlotIncome).empty();
    const bool bhyt_detail = !flow().Slot(kSlotMembers).empty();
    if (bhxh_detail && !bhyt_detail) flow().slots[kSlotProduct] = "bhxh";
    if (bhyt_detail && !bhxh_detail) flow().slots[kSlotProduct] = "bhyt";
  }

  // The next question, or the result (which closes the flow). A `reask`
  // text replaces the question's own (it says what to type).
  Reply Next(const std::string& reask = "") {
    const std::string step = MissingStep();
    if (step.empty()) return Answer();
    std::string text = reask;
    if (text.empty() && step == kStepMembers && members_out_of_range_) {
      text = m_.Get("calc_reask_members", {{"max", std::to_string(kMaxHouseholdMembers)}});
    }
    flow().step = step;
    flow().numeric_answer = step == kStepIncome || step == kStepMembers;
    auto q = Question(t_, step);
    if (!q) return Unavailable();
    if (!text.empty()) q->text = text;
    return *q;
  }

  // The slots that matter for the chosen product (all when none is
  // chosen), to tell an answer from a message that changes nothing.
  std::map<std::string, std::string> RelevantSlots() {
    const std::string product = flow().Slot(kSlotProduct);
    std::map<std::string, std::string> out = {{kSlotProduct, product}};
    if (product != "bhyt") {
      out[kSlotGroups] = flow().Slot(kSlotGroups);
      out[kSlotIncome] = flow().Slot(kSlotIncome);
    }
    if (product != "bhxh") out[kSlotMembers] = flow().Slot(kSlotMembers);
    return out;
  }

  // The open step's question again, after an answer that could not be read.
  Reply Reask() {
    const std::string step = flow().step.empty() ? MissingStep() : flow().step;
    if (step == kStepIncome) return Next(m_.Get("calc_reask_income"));
    if (step == kStepMembers) {
      return Next(m_.Get("calc_reask_members", {{"max", std::to_string(kMaxHouseholdMembers)}}));
    }
    return Next(m_.Get("calc_reask_choice"));
  }

  // The question of `step` with its choices; nullopt when the figures it
  // quotes are missing.
  static std::optional<Reply> Question(const TurnContext& t, const std::string& step) {
    const Messages& m = *t.content.messages;
    if (step == kStepProduct) {
      return Reply{m.Get("calc_ask_product"),
                   {{m.Get("calc_product_bhxh"), Payload("PRODUCT_BHXH")},
                    {m.Get("calc_product_bhyt"), Payload("PRODUCT_BHYT")}}};
    }
    if (step == kStepGroup) {
      Reply r{m.Get("calc_ask_group"), {}};
      for (const auto& g : kGroups) r.choices.push_back({m.Get(g.title_key), Payload(g.payload)});
      return r;
    }
    if (step == kStepIncome) {
      const auto range = ContributionCalculator(*t.content.variables).VoluntaryIncomeRange(t.today);
      if (!range.ok()) return std::nullopt;
      return Reply{m.Get("calc_ask_income",
                         {{"floor", Dong(range->floor)}, {"ceiling", Dong(range->ceiling)}}),
                   {{m.Get("calc_income_min"), Payload(kIncomeMin)}}};
    }
    return Reply{m.Get("calc_ask_members"), {}};
  }

 private:
  FlowState& flow() { return t_.flow; }

  void SetProduct(const std::string& product) { flow().slots[kSlotProduct] = product; }

  // "" when nothing is missing.
  std::string MissingStep() {
    const std::string product = flow().Slot(kSlotProduct);
    if (product == "bhxh") {
      if (GroupsFromSlot(flow().Slot(kSlotGroups)).empty()) return kStepGroup;
      if (flow().Slot(kSlotIncome).empty()) return kStepIncome;
      return "";
    }
    if (product == "bhyt") return flow().Slot(kSlotMembers).empty() ? kStepMembers : "";
    return kStepProduct;
  }

  std::vector<Choice> ResultChoices() const {
    return {{m_.Get("calc_restart"), Payload(kRestart)},
            {m_.Get("calc_register"), "MENU_REGISTER"},
            {m_.Get("menu_back"), "MENU"}};
  }

  Reply Unavailable() {
    flow().Clear();
    return Reply{m_.Get("calc_unavailable", {{"hotline", m_.Get("hotline")}}),
                 {{m_.Get("calc_restart"), Payload(kRestart)}, {m_.Get("menu_back"), "MENU"}}};
  }

  Reply Answer() { return flow().Slot(kSlotProduct) == "bhxh" ? BhxhResult() : BhytResult(); }

  std::string Periods(std::int64_t monthly, const int* months, size_t count) const {
    std::string out;
    for (size_t i = 0; i < count; ++i) {
      if (!out.empty()) out += "\n";
      out += m_.Get("calc_period_line", {{"months", std::to_string(months[i])},
                                         {"monthly", Number(monthly)},
                                         {"total", Dong(monthly * months[i])}});
    }
    return out;
  }

  Reply BhxhResult() {
    const std::vector<SupportGroup> groups = GroupsFromSlot(flow().Slot(kSlotGroups));
    const std::string income_slot = flow().Slot(kSlotIncome);
    std::int64_t income = 0;
    if (income_slot == "min" || income_slot == "max") {
      const auto range = calc_.VoluntaryIncomeRange(t_.today);
      if (!range.ok()) return Unavailable();
      income = income_slot == "min" ? range->floor : range->ceiling;
    } else {
      income = std::atoll(income_slot.c_str());
    }
    const auto q = calc_.VoluntaryBhxh(income, groups, t_.today);
    if (!q.ok()) return Unavailable();

    std::string adjustment;
    if (q->adjustment == VoluntaryBhxhQuote::Adjustment::kRaisedToFloor) {
      adjustment = m_.Get("calc_below_floor", {{"income", Dong(q->requested_income)},
                                               {"floor", Dong(q->floor_income)}}) +
                   "\n";
    } else if (q->adjustment == VoluntaryBhxhQuote::Adjustment::kLoweredToCeiling) {
      adjustment = m_.Get("calc_above_ceiling", {{"income", Dong(q->requested_income)},
                                                 {"ceiling", Dong(q->ceiling_income)}}) +
                   "\n";
    }
    const char* label_key = "calc_group_label_other";
    for (const auto& g : kGroups) {
      if (g.group == q->group) label_key = g.label_key;
    }
    std::string text = m_.Get(
        "calc_bhxh_result", {{"from", q->in_force_from.ToVietnamese()},
                             {"adjustment", adjustment},
                             {"income", Dong(q->income)},
                             {"income_n", Number(q->income)},
                             {"rate", FormatPercent(q->rate_percent)},
                             {"contribution", Dong(q->contribution)},
                             {"contribution_n", Number(q->contribution)},
                             {"group", m_.Get(label_key)},
                             {"support_rate", FormatPercent(q->support_percent)},
                             {"floor_contribution_n", Number(q->floor_contribution)},
                             {"support", Dong(q->support)},
                             {"support_n", Number(q->support)},
                             {"net", Dong(q->net)},
                             {"periods", Periods(q->net, kBhxhPeriods, std::size(kBhxhPeriods))}});
    text += "\n\n";
    if (groups.size() > 1) text += m_.Get("calc_several_groups") + " ";
    text += m_.Get("calc_bhxh_notes", {{"rate", FormatPercent(q->rate_percent)},
                                       {"floor_n", Number(q->floor_income)},
                                       {"floor_contribution", Dong(q->floor_contribution)}});
    flow().Clear();
    return Reply{text, ResultChoices()};
  }

  Reply BhytResult() {
    const int members = std::atoi(flow().Slot(kSlotMembers).c_str());
    const auto q = calc_.HouseholdBhyt(members, t_.today);
    if (!q.ok()) return Unavailable();
    std::string lines = m_.Get("calc_bhyt_first", {{"rate", FormatPercent(q->rate_percent)},
                                                   {"base_n", Number(q->base_salary)},
                                                   {"amount", Dong(q->monthly[0])}});
    // Members 2–4 one line each; the fifth and later pay the same, one line.
    for (int n = 2; n <= std::min(members, 4); ++n) {
      lines +=
          "\n" + m_.Get("calc_bhyt_member", {{"n", std::to_string(n)},
                                             {"percent", FormatPercent(q->percent_of_first[n - 1])},
                                             {"first_n", Number(q->monthly[0])},
                                             {"amount", Dong(q->monthly[n - 1])}});
    }
    if (members >= 5) {
      const std::map<std::string, std::string> params = {
          {"n", "5"},
          {"last", std::to_string(members)},
          {"percent", FormatPercent(q->percent_of_first[4])},
          {"first_n", Number(q->monthly[0])},
          {"amount", Dong(q->monthly[4])}};
      lines += "\n" + m_.Get(members == 5 ? "calc_bhyt_member" : "calc_bhyt_from_fifth", params);
    }
    std::string text =
        m_.Get("calc_bhyt_result",
               {{"members", std::to_string(members)},
                {"from", q->in_force_from.ToVietnamese()},
                {"base", Dong(q->base_salary)},
                {"lines", lines},
                {"monthly", Dong(q->household_monthly)},
                {"periods", Periods(q->household_monthly, kBhytPeriods, std::size(kBhytPeriods))}});
    text += "\n\n" + m_.Get("calc_bhyt_notes");
    flow().Clear();
    return Reply{text, ResultChoices()};
  }

  TurnContext& t_;
  const Messages& m_;
  ContributionCalculator calc_;
  bool members_out_of_range_ = false;
};

}  // namespace

bool CalculatorFlow::Detect(const std::string& folded) {
  // Questions about benefits, not about what to pay.
  if (HasPhrase(folded,
                {"luong huu", "duoc huong", "muc huong", "huong bao nhieu", "nhan duoc",
                 "duoc nhan", "duoc lanh", "tro cap", "thai san", "mot lan", "1 lan", "rut bhxh",
                 "rut bao hiem", "mai tang", "tu tuat", "hoan tien", "hoan lai", "lai suat"})) {
    return false;
  }
  const bool pays = HasPhrase(folded, {"dong", "mua", "nop", "tham gia", "tien"}) ||
                    ParseProduct(folded) != InsuranceProduct::kUnknown;
  if (!pays) return false;
  // "tính tiền đóng", "tính giúp tiền bhyt" (not "cách tính": the FAQ explains).
  const bool compute =
      HasPhrase(folded, {"tinh tien", "tinh giup", "tinh dum", "tinh ho toi", "tinh thu",
                         "tinh xem", "tinh coi", "tinh muc dong", "tinh so tien"});
  if (compute && !HasPhrase(folded, {"cach tinh"})) return true;
  // A figure of the citizen's own and "how much": "thu nhập 3 triệu đóng
  // bao nhiêu", "nhà 4 người mua bhyt hết bao nhiêu".
  const bool asks = HasPhrase(folded, {"bao nhieu", "bn", "bnhieu", "bao nhiu", "may tien",
                                       "bao tien", "nhieu tien", "tinh", "la may"});
  if (!asks) return false;
  return ParseMonthlyIncome(folded, ParseMode::kSentence).has_value() ||
         ParseHouseholdSize(folded, ParseMode::kSentence).has_value();
}

std::vector<Reply> CalculatorFlow::Start(TurnContext& t) const {
  t.flow.Clear();
  t.flow.name = kCalculatorFlow;
  t.flow.started = t.now;
  Turn turn(t);
  if (!t.in.payload.empty()) turn.ApplyPayload(t.in.payload);
  if (!t.in.text.empty()) turn.ApplyText();
  turn.InferProduct();
  return {turn.Next()};
}

FlowOutcome CalculatorFlow::Continue(TurnContext& t) const {
  Turn turn(t);
  const std::string& payload = t.in.payload;
  if (!payload.empty()) {
    if (payload.rfind(kCalculatorPayloadPrefix, 0) != 0) return FlowOutcome{false, {}};
    if (payload == Payload(kRestart)) return FlowOutcome{true, Start(t)};
    if (!turn.ApplyPayload(payload)) return FlowOutcome{true, {turn.Reask()}};
    turn.InferProduct();
    return FlowOutcome{true, {turn.Next()}};
  }
  const FlowState saved = t.flow;
  const auto before = turn.RelevantSlots();
  turn.ApplyText();
  turn.InferProduct();
  // A question of its own ("thẻ bhyt hết hạn thì sao?") is the engine's,
  // unless it also answers the open question ("3 triệu thì sao?"); what it
  // mentions in passing is not taken.
  if (LooksLikeQuestion(t) && !Answers(saved, t.flow)) {
    t.flow = saved;
    return FlowOutcome{false, {}};
  }
  if (turn.RelevantSlots() == before) return FlowOutcome{true, {turn.Reask()}};
  return FlowOutcome{true, {turn.Next()}};
}

Reply CalculatorFlow::Resume(const TurnContext& t) const {
  const std::string step = t.flow.step.empty() ? kStepProduct : t.flow.step;
  auto q = Turn::Question(t, step);
  if (!q) q = Turn::Question(t, kStepProduct);
  q->text = t.content.messages->Get("calc_resume") + "\n" + q->text;
  return *q;
}

const std::vector<std::string>& CalculatorFlow::MessageKeys() {
  static const std::vector<std::string> kKeys = {"calc_ask_product",
                                                 "calc_product_bhxh",
                                                 "calc_product_bhyt",
                                                 "calc_ask_group",
                                                 "calc_group_poor",
                                                 "calc_group_near_poor",
                                                 "calc_group_ethnic",
                                                 "calc_group_other",
                                                 "calc_group_label_poor",
                                                 "calc_group_label_near_poor",
                                                 "calc_group_label_ethnic",
                                                 "calc_group_label_other",
                                                 "calc_ask_income",
                                                 "calc_income_min",
                                                 "calc_ask_members",
                                                 "calc_reask_choice",
                                                 "calc_reask_income",
                                                 "calc_reask_members",
                                                 "calc_resume",
                                                 "calc_below_floor",
                                                 "calc_above_ceiling",
                                                 "calc_bhxh_result",
                                                 "calc_period_line",
                                                 "calc_several_groups",
                                                 "calc_bhxh_notes",
                                                 "calc_bhyt_result",
                                                 "calc_bhyt_first",
                                                 "calc_bhyt_member",
                                                 "calc_bhyt_from_fifth",
                                                 "calc_bhyt_notes",
                                                 "calc_restart",
                                                 "calc_register",
                                                 "calc_unavailable",
                                                 "menu_back",
                                                 "hotline"};
  return kKeys;
}

}  // namespace bhxh
