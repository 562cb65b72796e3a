// What a citizen pays for voluntary BHXH and for household BHYT, computed
// from content/variables.json on a given day, and the readers that find an
// amount, a household size, a support group or a product in a citizen's
// message (folded: FoldVietnamese, lower case, no diacritics).
//
// Voluntary BHXH: rate × a chosen monthly income between the floor (rural
// poverty line) and the ceiling; the state pays a share of the contribution
// AT THE FLOOR whatever income is chosen, at the rate of the citizen's group
// (the highest one when several apply). Household BHYT: the first member
// pays a share of the base salary, the next ones a falling share of the
// first member's amount. No rate, tier or amount is written in this code:
// all come from the VariableTable, so a new decree is a content change.
#ifndef BHXH_HANDLERS_CONTRIBUTION_CALCULATOR_H_
#define BHXH_HANDLERS_CONTRIBUTION_CALCULATOR_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/civil_date.h"
#include "base/status.h"
#include "content/variables.h"

namespace bhxh {

enum class InsuranceProduct { kUnknown, kVoluntaryBhxh, kHouseholdBhyt };

// The groups of the voluntary-BHXH state support (Nghị định 159/2025 Art. 5).
enum class SupportGroup { kPoor, kNearPoor, kEthnicMinority, kOther };

// "poor", "near_poor", "ethnic_minority", "other" (stored in the flow's
// slots) and back; nullopt for any other text.
const char* SupportGroupName(SupportGroup group);
std::optional<SupportGroup> SupportGroupFromName(std::string_view name);

// The most household members the calculator accepts (a sanity bound for
// typed numbers, not a rule of the law).
inline constexpr int kMaxHouseholdMembers = 30;

struct VoluntaryBhxhQuote {
  enum class Adjustment {
    kNone,
    kRaisedToFloor,     // the income asked for was below the floor
    kLoweredToCeiling,  // the income asked for was above the ceiling
  };
  // The latest date from which any figure used here applies: the answer's
  // "áp dụng từ".
  CivilDate in_force_from;
  std::int64_t requested_income = 0;  // đồng per month, as asked
  std::int64_t income = 0;            // the income the contribution is computed on
  Adjustment adjustment = Adjustment::kNone;
  std::int64_t floor_income = 0;        // bhxh_tn_thu_nhap_thap_nhat
  std::int64_t ceiling_income = 0;      // bhxh_tn_thu_nhap_cao_nhat
  double rate_percent = 0;              // bhxh_tn_ty_le_dong (22)
  std::int64_t contribution = 0;        // income × rate, to the nearest đồng
  std::int64_t floor_contribution = 0;  // bhxh_tn_dong_thap_nhat: what the support is a share of
  SupportGroup group = SupportGroup::kOther;  // the group whose rate applies
  double support_percent = 0;                 // bhxh_tn_ho_tro_ty_le_<group>
  std::int64_t support = 0;                   // bhxh_tn_ho_tro_<group>
  std::int64_t net = 0;  // contribution − support: what the citizen pays per month
};

struct HouseholdBhytQuote {
  CivilDate in_force_from;  // see VoluntaryBhxhQuote
  int members = 0;
  std::int64_t base_salary = 0;  // luong_co_so
  double rate_percent = 0;       // bhyt_ty_le_dong (4,5)
  // Per member, in order (index 0 = the first member): the monthly amount
  // (bhyt_hgd_nguoi_N_thang, N capped at 5) and its share of the first
  // member's amount in whole percent (100, 70, 60, 50, 40, 40, …).
  std::vector<std::int64_t> monthly;
  std::vector<int> percent_of_first;
  std::int64_t household_monthly = 0;  // sum of `monthly`
};

// Stateless; holds a reference to `variables`, which must outlive it.
// Thread-safe.
class ContributionCalculator {
 public:
  explicit ContributionCalculator(const VariableTable& variables) : variables_(variables) {}

  // The voluntary-BHXH contribution on `date` for a chosen monthly income.
  // An income outside [floor, ceiling] is computed at the nearer bound and
  // says so in `adjustment`. The support is that of the group in `groups`
  // with the highest rate on `date`.
  // InvalidArgument: income <= 0, or `groups` empty. FailedPrecondition: a
  // variable the computation needs is missing or has no value on `date`.
  Result<VoluntaryBhxhQuote> VoluntaryBhxh(std::int64_t monthly_income,
                                           const std::vector<SupportGroup>& groups,
                                           const CivilDate& date) const;

  // The household-BHYT contributions on `date` for `members` people.
  // InvalidArgument: members outside 1..kMaxHouseholdMembers.
  // FailedPrecondition: as above.
  Result<HouseholdBhytQuote> HouseholdBhyt(int members, const CivilDate& date) const;

  // The voluntary-BHXH income floor and ceiling on `date` (for the question
  // that asks for an income). FailedPrecondition as above.
  struct IncomeRange {
    std::int64_t floor = 0;
    std::int64_t ceiling = 0;
  };
  Result<IncomeRange> VoluntaryIncomeRange(const CivilDate& date) const;

 private:
  const VariableTable& variables_;
};

// How a message is read.
enum class ParseMode {
  // Any message: a number counts only with its unit ("3 triệu", "500k",
  // "4 người") or, for money, written in full ("3.000.000", "3000000").
  kSentence,
  // The answer to the calculator's own question: a bare number is read as
  // the question expects. Income: under 100 → million ("3", "2,5"), under
  // 100.000 → thousand ("500", "1500"), else đồng. Household size: the one
  // number in the message ("4", "bốn").
  kAnswer,
};

// The monthly income a message names, in đồng: "3 triệu", "3tr", "3 tr",
// "3.000.000", "3000000", "3,5 triệu", "3 triệu rưỡi", "1tr5", "2 triệu 500",
// "500k", "500 nghìn/ngàn", "năm trăm nghìn", "ba triệu". The first amount
// in the message; nullopt when there is none (a number starting with 0 or
// longer than 9 digits, like a phone number, is never an amount).
std::optional<std::int64_t> ParseMonthlyIncome(std::string_view folded, ParseMode mode);

// The number of people a message names: "4 người", "nhà 4 người", "4 ng",
// "gia đình có 5 người", "4 thành viên", "5 nhân khẩu". Any count from 0 to
// 999 is returned (the caller checks the range); nullopt when there is none
// or, for kAnswer, when several bare numbers make it ambiguous.
std::optional<int> ParseHouseholdSize(std::string_view folded, ParseMode mode);

// The support groups a message names, each once, in enum order: "hộ nghèo",
// "cận nghèo", "dân tộc", "dtts", "người H're"/"hre", "đồng bào", "người
// Kinh" (→ kOther). A negated mention ("không phải hộ nghèo") is not a
// group. kAnswer also reads "khác", "không", "bình thường" as kOther when
// no other group is named.
std::vector<SupportGroup> ParseSupportGroups(std::string_view folded, ParseMode mode);

// The product a message names: "bhxh tự nguyện", "bhxh tn", "hưu trí tự
// nguyện" → voluntary BHXH; "bhyt", "bảo hiểm y tế", "thẻ bhyt", "hộ gia
// đình" → household BHYT. kUnknown when neither or both are named.
InsuranceProduct ParseProduct(std::string_view folded);

}  // namespace bhxh

#endif  // BHXH_HANDLERS_CONTRIBUTION_CALCULATOR_H_
