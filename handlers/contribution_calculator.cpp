#include "handlers/contribution_calculator.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "content/text_normalizer.h"

namespace bhxh {
namespace {

// ---------------------------------------------------------------------------
// Computation

// The suffix of the support variables of each group in variables.json
// (bhxh_tn_ho_tro_<suffix>, bhxh_tn_ho_tro_ty_le_<suffix>).
const char* SupportSuffix(SupportGroup group) {
  switch (group) {
    case SupportGroup::kPoor:
      return "ngheo";
    case SupportGroup::kNearPoor:
      return "can_ngheo";
    case SupportGroup::kEthnicMinority:
      return "dtts";
    case SupportGroup::kOther:
      return "khac";
  }
  return "khac";
}

// Halves away from zero, after absorbing binary representation error (as
// content/variables.cpp does), so an amount rounds the way a person
// computing it by hand would.
std::int64_t RoundDong(double value) { return std::llround(std::round(value * 1e6) / 1e6); }

// Reads the variables one computation uses on one date and remembers the
// latest date from which any of them applies, and the first one missing.
class VariableReader {
 public:
  VariableReader(const VariableTable& variables, const CivilDate& date)
      : variables_(variables), date_(date) {}

  std::optional<double> Get(const std::string& name) {
    const auto v = variables_.ValueOn(name, date_);
    if (!v || !std::isfinite(v->value)) {
      if (missing_.empty()) missing_ = name;
      return std::nullopt;
    }
    if (latest_ < v->in_force_from) latest_ = v->in_force_from;
    return v->value;
  }
  // Like Get, but the value does not count for the answer's date.
  std::optional<double> Peek(const std::string& name) const {
    const auto v = variables_.ValueOn(name, date_);
    if (!v || !std::isfinite(v->value)) return std::nullopt;
    return v->value;
  }

  bool failed() const { return !missing_.empty(); }
  Status Failure() const {
    return FailedPrecondition("variable '" + missing_ + "' has no value on " + date_.ToIso());
  }
  const CivilDate& latest() const { return latest_; }

 private:
  const VariableTable& variables_;
  CivilDate date_;
  CivilDate latest_{1970, 1, 1};
  std::string missing_;
};

// ---------------------------------------------------------------------------
// Reading messages

using Tokens = std::vector<std::string>;

bool IsDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Folded words, with letters and digits split apart: "1tr5" -> 1 tr 5,
// "500k" -> 500 k (FoldVietnamese keeps them together).
Tokens Tokenize(std::string_view folded) {
  Tokens out;
  std::string current;
  int kind = 0;  // 1 = digits, 2 = anything else
  auto flush = [&] {
    if (!current.empty()) out.push_back(current);
    current.clear();
  };
  for (char c : folded) {
    if (c == ' ') {
      flush();
      kind = 0;
      continue;
    }
    const int k = c >= '0' && c <= '9' ? 1 : 2;
    if (k != kind) flush();
    kind = k;
    current += c;
  }
  flush();
  return out;
}

bool In(const std::string& word, std::initializer_list<const char*> set) {
  return std::any_of(set.begin(), set.end(), [&](const char* s) { return word == s; });
}

// One to ten written as words ("ba triệu", "bốn người"). "tư" and "lăm"
// are left out: folded they are "tu" (tự nguyện) and "lam" (làm).
std::optional<int> NumberWord(const std::string& word) {
  static const std::pair<const char*, int> kWords[] = {
      {"mot", 1}, {"hai", 2}, {"ba", 3},  {"bon", 4},  {"nam", 5},
      {"sau", 6}, {"bay", 7}, {"tam", 8}, {"chin", 9}, {"muoi", 10}};
  for (const auto& [w, v] : kWords) {
    if (word == w) return v;
  }
  return std::nullopt;
}

bool IsMillionUnit(const std::string& w) { return In(w, {"trieu", "tr", "cu"}); }
bool IsThousandUnit(const std::string& w) { return In(w, {"nghin", "ngan", "k", "ngin"}); }
bool IsDongUnit(const std::string& w) { return In(w, {"dong", "d", "vnd"}); }
// Units after a number that make it something other than money.
bool IsOtherUnit(const Tokens& t, size_t j) {
  if (j >= t.size()) return false;
  return In(t[j], {"nguoi", "ng", "thang", "th", "thg", "nam", "n", "tuoi", "t", "khau", "lan",
                   "ngay", "nhan", "thanh", "con", "dua", "phan", "tram"});
}

constexpr std::int64_t kMaxDigitsValue = 999'999'999'999;  // 12 digits; keeps products in range

struct NumberAt {
  std::int64_t value = 0;
  size_t end = 0;     // index after the number's last token
  bool word = false;  // written as a word
  bool grouped = false;
  size_t digits = 0;  // digits written (all groups)
  bool leading_zero = false;
};

// A number starting at t[i]: digits, with thousands groups when `group`
// ("3 000 000", from "3.000.000"), or a number word.
std::optional<NumberAt> ReadNumber(const Tokens& t, size_t i, bool group) {
  NumberAt n;
  if (IsDigits(t[i])) {
    if (t[i].size() > 12) return std::nullopt;
    n.value = std::stoll(t[i]);
    n.end = i + 1;
    n.digits = t[i].size();
    n.leading_zero = t[i].size() > 1 && t[i][0] == '0';
    if (group && t[i].size() <= 3 && !n.leading_zero) {
      while (n.end < t.size() && IsDigits(t[n.end]) && t[n.end].size() == 3 &&
             n.value <= kMaxDigitsValue / 1000) {
        n.value = n.value * 1000 + std::stoll(t[n.end]);
        n.digits += 3;
        n.grouped = true;
        ++n.end;
      }
    }
    return n;
  }
  if (auto w = NumberWord(t[i])) {
    n.value = *w;
    n.end = i + 1;
    n.word = true;
    return n;
  }
  return std::nullopt;
}

// Digits after a decimal comma, as a fraction of the unit: "5" -> 0.5.
double Fraction(const std::string& digits) {
  return static_cast<double>(std::stoll(digits)) /
         std::pow(10.0, static_cast<double>(digits.size()));
}

// The part after "triệu": "rưỡi", "5" (1tr5 = 1.500.000), "25" (2tr25 =
// 2.250.000), "500", "500 nghìn", "5 trăm". 0 when there is none.
std::int64_t MillionTail(const Tokens& t, size_t j) {
  if (j >= t.size()) return 0;
  if (t[j] == "ruoi") return 500'000;
  const auto tail = ReadNumber(t, j, /*group=*/false);
  if (!tail) return 0;
  const size_t k = tail->end;
  if (k < t.size() && IsThousandUnit(t[k])) return tail->value * 1000;
  if (k < t.size() && t[k] == "tram") return tail->value * 100'000;
  if (IsOtherUnit(t, k) || tail->value >= 1000) return 0;
  // A word only at the end ("ba triệu năm"): "2 triệu năm nay" is a year.
  if (tail->word) return k == t.size() ? tail->value * 100'000 : 0;
  switch (tail->digits) {
    case 1:
      return tail->value * 100'000;
    case 2:
      return tail->value * 10'000;
    case 3:
      return tail->value * 1'000;
    default:
      return 0;
  }
}

// An amount with a unit (or written in full) starting at t[i].
std::optional<std::int64_t> AmountAt(const Tokens& t, size_t i) {
  const auto n = ReadNumber(t, i, /*group=*/true);
  if (!n) return std::nullopt;
  size_t j = n->end;
  // "3,5 triệu" folds to "3 5 trieu".
  double fraction = 0;
  if (!n->word && !n->grouped && j + 1 < t.size() && IsDigits(t[j]) && t[j].size() <= 2 &&
      IsMillionUnit(t[j + 1])) {
    fraction = Fraction(t[j]);
    ++j;
  }
  if (j < t.size() && IsMillionUnit(t[j])) {
    if (n->value > kMaxDigitsValue / 1'000'000) return std::nullopt;
    std::int64_t amount = n->value * 1'000'000 + RoundDong(fraction * 1'000'000);
    if (fraction == 0) amount += MillionTail(t, j + 1);
    return amount;
  }
  if (j < t.size() && t[j] == "tram") {  // "năm trăm nghìn"
    if (j + 1 < t.size() && IsThousandUnit(t[j + 1]) && n->value < 1000) return n->value * 100'000;
    return std::nullopt;
  }
  if (j < t.size() && (IsThousandUnit(t[j]) || (t[j] == "ng" && n->value >= 100))) {
    if (n->value > kMaxDigitsValue / 1000) return std::nullopt;
    return n->value * 1000;
  }
  if (n->word || n->leading_zero || n->digits > 9) return std::nullopt;
  if (j < t.size() && IsDongUnit(t[j])) {
    return n->value >= 1000 ? std::optional<std::int64_t>(n->value) : std::nullopt;
  }
  if (IsOtherUnit(t, j)) return std::nullopt;
  if (n->grouped || n->value >= 100'000) return n->value;
  return std::nullopt;
}

// The one bare number of an answer to "what income?": "3", "2,5" (million),
// "500", "1500" (thousand), "3000000" (đồng). nullopt when there are several
// numbers or the number has another unit.
std::optional<std::int64_t> BareIncome(const Tokens& t) {
  std::optional<std::int64_t> found;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!IsDigits(t[i])) continue;
    if (found) return std::nullopt;
    const auto n = ReadNumber(t, i, /*group=*/true);
    if (!n || n->leading_zero || n->digits > 9) return std::nullopt;
    size_t j = n->end;
    double fraction = 0;
    if (!n->grouped && n->value < 100 && j < t.size() && IsDigits(t[j]) && t[j].size() <= 2) {
      fraction = Fraction(t[j]);
      ++j;
    }
    if (IsOtherUnit(t, j)) return std::nullopt;
    if (n->value < 100) {
      found = n->value * 1'000'000 + RoundDong(fraction * 1'000'000);
    } else if (fraction == 0 && n->value < 100'000) {
      found = n->value * 1000;
    } else if (fraction == 0) {
      found = n->value;
    } else {
      return std::nullopt;
    }
    i = j - 1;
  }
  return found;
}

// "4 người", "4 ng", "4 thành viên", "5 nhân khẩu", "5 khẩu".
bool IsPeopleUnit(const Tokens& t, size_t j, std::int64_t value) {
  if (j >= t.size()) return false;
  if (t[j] == "nguoi" || t[j] == "khau" || t[j] == "mang") return true;
  if (t[j] == "ng") return value < 100;  // "500ng" is 500 nghìn
  if (j + 1 < t.size()) {
    if (t[j] == "thanh" && t[j + 1] == "vien") return true;
    if (t[j] == "nhan" && t[j + 1] == "khau") return true;
  }
  return false;
}

// Words allowed between a negation and what it negates: "không phải là hộ
// nghèo", "không thuộc diện cận nghèo".
bool IsNegated(const Tokens& w, size_t start) {
  size_t i = start;
  for (int steps = 0; i > 0 && steps < 5; ++steps) {
    --i;
    if (In(w[i], {"khong", "ko", "k", "chua", "chang", "hong", "hok", "kp"})) return true;
    if (!In(w[i], {"phai", "la", "thuoc", "dien", "ho", "nha", "gia", "dinh", "so", "nguoi", "o",
                   "co", "duoc", "minh", "toi", "em"})) {
      return false;
    }
  }
  return false;
}

bool Phrase(const Tokens& w, size_t i, std::initializer_list<const char*> phrase) {
  if (i + phrase.size() > w.size()) return false;
  size_t k = i;
  for (const char* p : phrase) {
    if (w[k++] != p) return false;
  }
  return true;
}

bool ContainsPhrase(const Tokens& w, std::initializer_list<const char*> phrase) {
  for (size_t i = 0; i < w.size(); ++i) {
    if (Phrase(w, i, phrase)) return true;
  }
  return false;
}

}  // namespace

const char* SupportGroupName(SupportGroup group) {
  switch (group) {
    case SupportGroup::kPoor:
      return "poor";
    case SupportGroup::kNearPoor:
      return "near_poor";
    case SupportGroup::kEthnicMinority:
      return "ethnic_minority";
    case SupportGroup::kOther:
      return "other";
  }
  return "other";
}

std::optional<SupportGroup> SupportGroupFromName(std::string_view name) {
  for (SupportGroup g : {SupportGroup::kPoor, SupportGroup::kNearPoor,
                         SupportGroup::kEthnicMinority, SupportGroup::kOther}) {
    if (name == SupportGroupName(g)) return g;
  }
  return std::nullopt;
}

Result<ContributionCalculator::IncomeRange> ContributionCalculator::VoluntaryIncomeRange(
    const CivilDate& date) const {
  VariableReader read(variables_, date);
  const auto floor = read.Get("bhxh_tn_thu_nhap_thap_nhat");
  const auto ceiling = read.Get("bhxh_tn_thu_nhap_cao_nhat");
  if (read.failed()) return read.Failure();
  return IncomeRange{RoundDong(*floor), RoundDong(*ceiling)};
}

Result<VoluntaryBhxhQuote> ContributionCalculator::VoluntaryBhxh(
    std::int64_t monthly_income, const std::vector<SupportGroup>& groups,
    const CivilDate& date) const {
  if (monthly_income <= 0) return InvalidArgument("income must be positive");
  if (groups.empty()) return InvalidArgument("no support group given");
  VariableReader read(variables_, date);

  // The group with the highest support rate (the law gives the highest when
  // several apply); ties keep the first in enum order.
  SupportGroup best = groups.front();
  double best_rate = -1;
  for (SupportGroup g : groups) {
    const auto rate = read.Peek(std::string("bhxh_tn_ho_tro_ty_le_") + SupportSuffix(g));
    if (rate && *rate > best_rate) {
      best = g;
      best_rate = *rate;
    }
  }

  VoluntaryBhxhQuote q;
  q.requested_income = monthly_income;
  q.group = best;
  const auto floor = read.Get("bhxh_tn_thu_nhap_thap_nhat");
  const auto ceiling = read.Get("bhxh_tn_thu_nhap_cao_nhat");
  const auto rate = read.Get("bhxh_tn_ty_le_dong");
  const auto floor_contribution = read.Get("bhxh_tn_dong_thap_nhat");
  const auto support_rate = read.Get(std::string("bhxh_tn_ho_tro_ty_le_") + SupportSuffix(best));
  const auto support = read.Get(std::string("bhxh_tn_ho_tro_") + SupportSuffix(best));
  if (read.failed()) return read.Failure();

  q.in_force_from = read.latest();
  q.floor_income = RoundDong(*floor);
  q.ceiling_income = RoundDong(*ceiling);
  q.rate_percent = *rate;
  q.floor_contribution = RoundDong(*floor_contribution);
  q.support_percent = *support_rate;
  q.support = RoundDong(*support);
  q.income = monthly_income;
  if (monthly_income < q.floor_income) {
    q.income = q.floor_income;
    q.adjustment = VoluntaryBhxhQuote::Adjustment::kRaisedToFloor;
  } else if (monthly_income > q.ceiling_income) {
    q.income = q.ceiling_income;
    q.adjustment = VoluntaryBhxhQuote::Adjustment::kLoweredToCeiling;
  }
  q.contribution = RoundDong(static_cast<double>(q.income) * q.rate_percent / 100.0);
  q.net = q.contribution - q.support;
  return q;
}

Result<HouseholdBhytQuote> ContributionCalculator::HouseholdBhyt(int members,
                                                                 const CivilDate& date) const {
  if (members < 1 || members > kMaxHouseholdMembers) {
    return InvalidArgument("members must be 1.." + std::to_string(kMaxHouseholdMembers));
  }
  VariableReader read(variables_, date);
  HouseholdBhytQuote q;
  q.members = members;
  const auto base = read.Get("luong_co_so");
  const auto rate = read.Get("bhyt_ty_le_dong");
  // The fifth tier applies to the fifth member and everyone after.
  std::int64_t tier[5] = {};
  for (int n = 1; n <= std::min(members, 5); ++n) {
    const auto v = read.Get("bhyt_hgd_nguoi_" + std::to_string(n) + "_thang");
    if (v) tier[n - 1] = RoundDong(*v);
  }
  if (read.failed()) return read.Failure();
  if (tier[0] <= 0)
    return FailedPrecondition("bhyt_hgd_nguoi_1_thang is not positive on " + date.ToIso());

  q.in_force_from = read.latest();
  q.base_salary = RoundDong(*base);
  q.rate_percent = *rate;
  for (int n = 1; n <= members; ++n) {
    const std::int64_t amount = tier[std::min(n, 5) - 1];
    q.monthly.push_back(amount);
    q.percent_of_first.push_back(static_cast<int>(
        std::lround(100.0 * static_cast<double>(amount) / static_cast<double>(tier[0]))));
    q.household_monthly += amount;
  }
  return q;
}

std::optional<std::int64_t> ParseMonthlyIncome(std::string_view folded, ParseMode mode) {
  const Tokens t = Tokenize(folded);
  for (size_t i = 0; i < t.size(); ++i) {
    // A count of people is not money ("4 người 3 triệu").
    if (IsDigits(t[i]) && IsPeopleUnit(t, i + 1, std::stoll(t[i].substr(0, 12)))) continue;
    if (auto amount = AmountAt(t, i)) return amount;
  }
  if (mode == ParseMode::kAnswer) return BareIncome(t);
  return std::nullopt;
}

std::optional<int> ParseHouseholdSize(std::string_view folded, ParseMode mode) {
  const Tokens t = Tokenize(folded);
  for (size_t i = 0; i < t.size(); ++i) {
    const auto n = ReadNumber(t, i, /*group=*/false);
    if (n && !n->leading_zero && n->value <= 999 && IsPeopleUnit(t, n->end, n->value)) {
      return static_cast<int>(n->value);
    }
  }
  if (mode != ParseMode::kAnswer) return std::nullopt;
  if (t.size() == 1) {
    if (auto w = NumberWord(t[0])) return *w;
  }
  std::optional<int> found;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!IsDigits(t[i])) continue;
    if (found || t[i].size() > 3) return std::nullopt;
    if (i + 1 < t.size() &&
        (IsMillionUnit(t[i + 1]) || IsThousandUnit(t[i + 1]) || IsOtherUnit(t, i + 1))) {
      return std::nullopt;
    }
    found = std::stoi(t[i]);
  }
  return found;
}

std::vector<SupportGroup> ParseSupportGroups(std::string_view folded, ParseMode mode) {
  const Tokens w = SplitWords(folded);
  bool poor = false, near_poor = false, ethnic = false, other = false;
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] == "ngheo") {
      const std::string prev = i > 0 ? w[i - 1] : "";
      if (prev == "can") {
        if (!IsNegated(w, i - 1)) near_poor = true;
      } else if (prev != "chuan" && prev != "thoat" && prev != "giam" && !IsNegated(w, i)) {
        poor = true;  // "hộ nghèo", "nhà nghèo", "sổ nghèo", "nghèo"
      }
    } else if (Phrase(w, i, {"dan", "toc"})) {
      if (i + 2 < w.size() && w[i + 2] == "kinh") {
        other = true;
      } else if (!IsNegated(w, i)) {
        ethnic = true;
      }
    } else if (w[i] == "dtts" || w[i] == "hre" || w[i] == "cor" || Phrase(w, i, {"h", "re"}) ||
               Phrase(w, i, {"thieu", "so"}) || Phrase(w, i, {"xo", "dang"})) {
      if (!IsNegated(w, i)) ethnic = true;
    } else if (Phrase(w, i, {"dong", "bao"})) {
      // "đồng bào" folds like "đóng bao" (nhiêu) and "đóng bảo" (hiểm).
      const std::string next = i + 2 < w.size() ? w[i + 2] : "";
      const std::string prev = i > 0 ? w[i - 1] : "";
      const bool money = In(next, {"nhieu", "nhiu", "hiem", "lau", "gio", "tien", "h"});
      if (In(next, {"dan", "thieu", "hre"}) ||
          (!money && (next.empty() || In(prev, {"nguoi", "la", "dan", "ba", "bon"})))) {
        if (!IsNegated(w, i)) ethnic = true;
      }
    } else if (Phrase(w, i, {"nguoi", "kinh"}) || Phrase(w, i, {"toc", "kinh"})) {
      other = true;
    }
  }
  const bool unsure = ContainsPhrase(w, {"khong", "biet"}) || ContainsPhrase(w, {"khong", "ro"}) ||
                      ContainsPhrase(w, {"ko", "biet"}) || ContainsPhrase(w, {"k", "biet"});
  if (mode == ParseMode::kAnswer && !poor && !near_poor && !ethnic && !unsure) {
    for (const auto& word : w) {
      if (In(word, {"khac", "khong", "ko", "k", "kinh"})) other = true;
    }
    if (ContainsPhrase(w, {"binh", "thuong"})) other = true;
  }
  std::vector<SupportGroup> out;
  if (poor) out.push_back(SupportGroup::kPoor);
  if (near_poor) out.push_back(SupportGroup::kNearPoor);
  if (ethnic) out.push_back(SupportGroup::kEthnicMinority);
  if (other) out.push_back(SupportGroup::kOther);
  return out;
}

InsuranceProduct ParseProduct(std::string_view folded) {
  const Tokens w = SplitWords(folded);
  bool bhxh = false, voluntary = false, bhyt = false, household = false;
  for (size_t i = 0; i < w.size(); ++i) {
    const std::string& x = w[i];
    if (x.rfind("bhxh", 0) == 0 || Phrase(w, i, {"xa", "hoi"}) || Phrase(w, i, {"bh", "xh"})) {
      bhxh = true;
    }
    if (Phrase(w, i, {"huu", "tri"}) || Phrase(w, i, {"tu", "nguyen"})) voluntary = true;
    if (x.rfind("bhyt", 0) == 0 || Phrase(w, i, {"y", "te"}) || Phrase(w, i, {"bh", "yt"}) ||
        Phrase(w, i, {"the", "bao", "hiem"})) {
      bhyt = true;
    }
    if (x == "hgd" || x == "hgdinh" || Phrase(w, i, {"ho", "gia", "dinh"})) household = true;
  }
  // "bhyt tự nguyện" and "hộ gia đình tôi đóng bhxh" name one product; a
  // message naming both BHXH and BHYT is asked which one.
  if (bhxh && bhyt) return InsuranceProduct::kUnknown;
  if (bhxh) return InsuranceProduct::kVoluntaryBhxh;
  if (bhyt) return InsuranceProduct::kHouseholdBhyt;
  if (voluntary) return InsuranceProduct::kVoluntaryBhxh;
  if (household) return InsuranceProduct::kHouseholdBhyt;
  return InsuranceProduct::kUnknown;
}

}  // namespace bhxh
