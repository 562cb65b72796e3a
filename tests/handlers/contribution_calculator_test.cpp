#include "handlers/contribution_calculator.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "content/text_normalizer.h"
#include "content/variables.h"

using namespace bhxh;

namespace {

// Before and after the base salary rises from 2,340,000 to 2,530,000 on
// 2026-07-01 (content/variables.json).
const CivilDate kBefore{2026, 3, 15};
const CivilDate kAfter{2026, 11, 26};

const VariableTable& Shipped() {
  static const std::unique_ptr<VariableTable> table = [] {
    std::vector<ContentProblem> problems;
    auto t = VariableTable::Load(std::string(BHXH_TEST_CONTENT_DIR) + "/variables.json", &problems);
    if (!t) throw std::runtime_error(JoinProblems(problems));
    return t;
  }();
  return *table;
}

std::string Str(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "none"; }
std::string Str(const std::optional<int>& v) { return v ? std::to_string(*v) : "none"; }

std::string Names(const std::vector<SupportGroup>& groups) {
  std::string out;
  for (SupportGroup g : groups) out += std::string(out.empty() ? "" : ",") + SupportGroupName(g);
  return out;
}

}  // namespace

TEST_CASE("Voluntary BHXH at the floor: 22% of the rural poverty line minus the group's support") {
  const ContributionCalculator calc(Shipped());
  using Row = std::tuple<SupportGroup, std::int64_t, std::int64_t, double>;
  auto row = GENERATE(table<SupportGroup, std::int64_t, std::int64_t, double>({
      Row{SupportGroup::kPoor, 165'000, 165'000, 50},
      Row{SupportGroup::kNearPoor, 132'000, 198'000, 40},
      Row{SupportGroup::kEthnicMinority, 99'000, 231'000, 30},
      Row{SupportGroup::kOther, 66'000, 264'000, 20},
  }));
  const CivilDate date = GENERATE(kBefore, kAfter);
  CAPTURE(SupportGroupName(std::get<0>(row)), date.ToIso());
  const auto q = calc.VoluntaryBhxh(1'500'000, {std::get<0>(row)}, date);
  REQUIRE(q.ok());
  CHECK(q->income == 1'500'000);
  CHECK(q->adjustment == VoluntaryBhxhQuote::Adjustment::kNone);
  CHECK(q->floor_income == 1'500'000);
  CHECK(q->rate_percent == 22);
  CHECK(q->contribution == 330'000);
  CHECK(q->floor_contribution == 330'000);
  CHECK(q->support == std::get<1>(row));
  CHECK(q->net == std::get<2>(row));
  CHECK(q->support_percent == std::get<3>(row));
}

TEST_CASE("The support is a share of the contribution at the floor, not of the chosen income") {
  const ContributionCalculator calc(Shipped());
  const auto q = calc.VoluntaryBhxh(3'000'000, {SupportGroup::kEthnicMinority}, kAfter);
  REQUIRE(q.ok());
  CHECK(q->contribution == 660'000);
  CHECK(q->support == 99'000);
  CHECK(q->net == 561'000);
  // An income that does not give whole đồng is rounded to the nearest đồng.
  const auto odd = calc.VoluntaryBhxh(2'345'678, {SupportGroup::kOther}, kAfter);
  REQUIRE(odd.ok());
  CHECK(odd->contribution == 516'049);  // 516.049,16
  CHECK(odd->net == 450'049);
}

TEST_CASE("The ceiling and the date the figures apply from follow the base salary") {
  const ContributionCalculator calc(Shipped());
  SECTION("before 2026-07-01: 20 × 2,340,000") {
    const auto q = calc.VoluntaryBhxh(60'000'000, {SupportGroup::kOther}, kBefore);
    REQUIRE(q.ok());
    CHECK(q->ceiling_income == 46'800'000);
    CHECK(q->income == 46'800'000);
    CHECK(q->adjustment == VoluntaryBhxhQuote::Adjustment::kLoweredToCeiling);
    CHECK(q->contribution == 10'296'000);
    CHECK(q->net == 10'230'000);
    CHECK(q->in_force_from == CivilDate{2025, 7, 1});
  }
  SECTION("from 2026-07-01: 20 × 2,530,000") {
    const auto q = calc.VoluntaryBhxh(60'000'000, {SupportGroup::kOther}, kAfter);
    REQUIRE(q.ok());
    CHECK(q->ceiling_income == 50'600'000);
    CHECK(q->income == 50'600'000);
    CHECK(q->contribution == 11'132'000);
    CHECK(q->net == 11'066'000);
    CHECK(q->in_force_from == CivilDate{2026, 7, 1});
  }
  SECTION("exactly at the ceiling is not adjusted") {
    const auto q = calc.VoluntaryBhxh(50'600'000, {SupportGroup::kOther}, kAfter);
    REQUIRE(q.ok());
    CHECK(q->adjustment == VoluntaryBhxhQuote::Adjustment::kNone);
  }
}

TEST_CASE("An income below the floor is computed at the floor and says so") {
  const ContributionCalculator calc(Shipped());
  const auto q = calc.VoluntaryBhxh(1'000'000, {SupportGroup::kEthnicMinority}, kAfter);
  REQUIRE(q.ok());
  CHECK(q->requested_income == 1'000'000);
  CHECK(q->income == 1'500'000);
  CHECK(q->adjustment == VoluntaryBhxhQuote::Adjustment::kRaisedToFloor);
  CHECK(q->contribution == 330'000);
  CHECK(q->net == 231'000);
}

TEST_CASE("Someone in several groups gets the highest support rate") {
  const ContributionCalculator calc(Shipped());
  const auto q = calc.VoluntaryBhxh(
      1'500'000, {SupportGroup::kEthnicMinority, SupportGroup::kNearPoor, SupportGroup::kOther},
      kAfter);
  REQUIRE(q.ok());
  CHECK(q->group == SupportGroup::kNearPoor);
  CHECK(q->support == 132'000);
}

TEST_CASE("Voluntary BHXH rejects what cannot be computed, naming the reason") {
  const ContributionCalculator calc(Shipped());
  auto zero = calc.VoluntaryBhxh(0, {SupportGroup::kOther}, kAfter);
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.status().code() == StatusCode::kInvalidArgument);
  CHECK(zero.status().message() == "income must be positive");
  auto none = calc.VoluntaryBhxh(2'000'000, {}, kAfter);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message() == "no support group given");
  // The 22% rate of the 2024 law applies from 2025-07-01 only.
  auto early = calc.VoluntaryBhxh(2'000'000, {SupportGroup::kOther}, CivilDate{2025, 3, 1});
  REQUIRE_FALSE(early.ok());
  CHECK(early.status().code() == StatusCode::kFailedPrecondition);
  CHECK(early.status().message() == "variable 'bhxh_tn_ty_le_dong' has no value on 2025-03-01");
}

TEST_CASE("The income range on a date") {
  const ContributionCalculator calc(Shipped());
  auto before = calc.VoluntaryIncomeRange(kBefore);
  REQUIRE(before.ok());
  CHECK(before->floor == 1'500'000);
  CHECK(before->ceiling == 46'800'000);
  auto after = calc.VoluntaryIncomeRange(kAfter);
  REQUIRE(after.ok());
  CHECK(after->ceiling == 50'600'000);
}

TEST_CASE("Household BHYT: 4.5% of the base salary, then 70/60/50/40% of the first member") {
  const ContributionCalculator calc(Shipped());
  using Row = std::tuple<int, std::int64_t, std::int64_t>;
  auto row = GENERATE(table<int, std::int64_t, std::int64_t>({
      Row{1, 105'300, 113'850},
      Row{2, 179'010, 193'545},
      Row{3, 242'190, 261'855},
      Row{4, 294'840, 318'780},
      Row{5, 336'960, 364'320},
      Row{6, 379'080, 409'860},
  }));
  const int members = std::get<0>(row);
  CAPTURE(members);
  const auto before = calc.HouseholdBhyt(members, kBefore);
  const auto after = calc.HouseholdBhyt(members, kAfter);
  REQUIRE(before.ok());
  REQUIRE(after.ok());
  CHECK(before->household_monthly == std::get<1>(row));
  CHECK(after->household_monthly == std::get<2>(row));
  CHECK(before->in_force_from == CivilDate{2024, 7, 1});
  CHECK(after->in_force_from == CivilDate{2026, 7, 1});
  CHECK(after->base_salary == 2'530'000);
  CHECK(after->rate_percent == 4.5);
  REQUIRE(after->monthly.size() == static_cast<size_t>(members));
}

TEST_CASE("Household BHYT lists each member's amount and share") {
  const ContributionCalculator calc(Shipped());
  const auto q = calc.HouseholdBhyt(6, kAfter);
  REQUIRE(q.ok());
  CHECK(q->monthly == std::vector<std::int64_t>{113'850, 79'695, 68'310, 56'925, 45'540, 45'540});
  CHECK(q->percent_of_first == std::vector<int>{100, 70, 60, 50, 40, 40});
  // A year for the household of five matches the BHXH VN table of 2026
  // (1,366,200 + 956,340 + 819,720 + 683,100 + 546,480).
  const auto five = calc.HouseholdBhyt(5, kAfter);
  REQUIRE(five.ok());
  CHECK(five->household_monthly * 12 == 4'371'840);
}

TEST_CASE("Household BHYT rejects a size out of range") {
  const ContributionCalculator calc(Shipped());
  for (int members : {0, -1, kMaxHouseholdMembers + 1}) {
    CAPTURE(members);
    auto q = calc.HouseholdBhyt(members, kAfter);
    REQUIRE_FALSE(q.ok());
    CHECK(q.status().code() == StatusCode::kInvalidArgument);
    CHECK(q.status().message() == "members must be 1..30");
  }
  CHECK(calc.HouseholdBhyt(kMaxHouseholdMembers, kAfter).ok());
}

TEST_CASE("A missing variable is a failed precondition, not a wrong amount") {
  std::vector<ContentProblem> problems;
  auto partial = VariableTable::Parse(
      R"j({"variables": [{"name": "luong_co_so", "unit": "dong", "label": "x",
            "values": [{"from": "2024-07-01", "value": 2340000}]}]})j",
      "variables.json", &problems);
  INFO(JoinProblems(problems));
  REQUIRE(partial);
  const ContributionCalculator calc(*partial);
  auto q = calc.HouseholdBhyt(2, kAfter);
  REQUIRE_FALSE(q.ok());
  CHECK(q.status().code() == StatusCode::kFailedPrecondition);
  CHECK(q.status().message() == "variable 'bhyt_ty_le_dong' has no value on 2026-11-26");
}

TEST_CASE("Incomes are read from the ways citizens write them") {
  using Row = std::tuple<std::string, std::string>;
  auto row = GENERATE(table<std::string, std::string>({
      Row{"3 triệu", "3000000"},
      Row{"3 trieu", "3000000"},
      Row{"3tr", "3000000"},
      Row{"3 tr", "3000000"},
      Row{"3 củ", "3000000"},
      Row{"3.000.000", "3000000"},
      Row{"3.000.000đ", "3000000"},
      Row{"3000000", "3000000"},
      Row{"3000000 đồng", "3000000"},
      Row{"1.500.000 vnđ", "1500000"},
      Row{"3,5 triệu", "3500000"},
      Row{"3.5tr", "3500000"},
      Row{"2,25 triệu", "2250000"},
      Row{"3 triệu rưỡi", "3500000"},
      Row{"3 trieu ruoi", "3500000"},
      Row{"1tr5", "1500000"},
      Row{"2tr25", "2250000"},
      Row{"2 triệu 500", "2500000"},
      Row{"2 triệu 500 nghìn", "2500000"},
      Row{"2 triệu 50 nghìn", "2050000"},
      Row{"2 triệu 5 trăm", "2500000"},
      Row{"500k", "500000"},
      Row{"500 nghìn", "500000"},
      Row{"500 ngàn", "500000"},
      Row{"500 nghin", "500000"},
      Row{"500 ngan", "500000"},
      Row{"3.500 nghìn", "3500000"},
      Row{"năm trăm nghìn", "500000"},
      Row{"ba triệu", "3000000"},
      Row{"một triệu rưỡi", "1500000"},
      Row{"thu nhập 3 triệu đóng bhxh tự nguyện bao nhiêu", "3000000"},
      Row{"nhà 4 người, thu nhập 5tr", "5000000"},
      Row{"lương 3 triệu 1 tháng", "3000000"},
      // Not an income.
      Row{"4 người", "none"},
      Row{"đóng 15 năm", "none"},
      Row{"năm 2026", "none"},
      Row{"sđt 0912345678", "none"},
      Row{"3 tháng", "none"},
      Row{"mức đóng thấp nhất là bao nhiêu", "none"},
      Row{"3", "none"},
      Row{"", "none"},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(Str(ParseMonthlyIncome(FoldVietnamese(std::get<0>(row)), ParseMode::kSentence)) ==
        std::get<1>(row));
}

TEST_CASE("An answer to the income question may be a bare number") {
  using Row = std::tuple<std::string, std::string>;
  auto row = GENERATE(table<std::string, std::string>({
      Row{"3", "3000000"},
      Row{"2,5", "2500000"},
      Row{"500", "500000"},
      Row{"1500", "1500000"},
      Row{"2000000", "2000000"},
      Row{"3 triệu", "3000000"},
      Row{"khoảng 4", "4000000"},
      Row{"3 người", "none"},
      Row{"2 hoặc 3", "none"},
      Row{"không biết", "none"},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(Str(ParseMonthlyIncome(FoldVietnamese(std::get<0>(row)), ParseMode::kAnswer)) ==
        std::get<1>(row));
}

TEST_CASE("Household sizes are read from the ways citizens write them") {
  using Row = std::tuple<std::string, ParseMode, std::string>;
  const auto kS = ParseMode::kSentence, kA = ParseMode::kAnswer;
  auto row = GENERATE_COPY(table<std::string, ParseMode, std::string>({
      Row{"4 người", kS, "4"},
      Row{"nhà 4 người", kS, "4"},
      Row{"4 nguoi", kS, "4"},
      Row{"nha 4ng", kS, "4"},
      Row{"gia đình có 5 người", kS, "5"},
      Row{"4 thành viên", kS, "4"},
      Row{"6 nhân khẩu", kS, "6"},
      Row{"nhà có bốn người", kS, "4"},
      Row{"nhà tôi 4 người mua bhyt hết bao nhiêu", kS, "4"},
      Row{"40 người", kS, "40"},
      Row{"4", kS, "none"},
      Row{"3 triệu", kS, "none"},
      Row{"500ng", kS, "none"},
      Row{"con 16 tuổi", kS, "none"},
      Row{"4", kA, "4"},
      Row{"cả nhà 4", kA, "4"},
      Row{"bốn", kA, "4"},
      Row{"5 người", kA, "5"},
      Row{"0", kA, "0"},
      Row{"2 vợ chồng 3 con", kA, "none"},
      Row{"3 triệu", kA, "none"},
      Row{"1234", kA, "none"},
      Row{"không biết", kA, "none"},
  }));
  CAPTURE(std::get<0>(row), std::get<1>(row) == kA);
  CHECK(Str(ParseHouseholdSize(FoldVietnamese(std::get<0>(row)), std::get<1>(row))) ==
        std::get<2>(row));
}

TEST_CASE("Support groups are read from the ways citizens name them") {
  using Row = std::tuple<std::string, ParseMode, std::string>;
  const auto kS = ParseMode::kSentence, kA = ParseMode::kAnswer;
  auto row = GENERATE_COPY(table<std::string, ParseMode, std::string>({
      Row{"hộ nghèo", kS, "poor"},
      Row{"nhà tôi thuộc hộ nghèo", kS, "poor"},
      Row{"ho ngheo", kS, "poor"},
      Row{"cận nghèo", kS, "near_poor"},
      Row{"hộ cận nghèo", kS, "near_poor"},
      Row{"can ngheo", kS, "near_poor"},
      Row{"dân tộc", kS, "ethnic_minority"},
      Row{"người dân tộc thiểu số", kS, "ethnic_minority"},
      Row{"người H're", kS, "ethnic_minority"},
      Row{"hre", kS, "ethnic_minority"},
      Row{"người Hrê", kS, "ethnic_minority"},
      Row{"đồng bào", kS, "ethnic_minority"},
      Row{"tôi là đồng bào", kS, "ethnic_minority"},
      Row{"đồng bào dân tộc", kS, "ethnic_minority"},
      Row{"dtts", kS, "ethnic_minority"},
      Row{"người Kinh", kS, "other"},
      Row{"dân tộc Kinh", kS, "other"},
      Row{"hộ cận nghèo, người dân tộc", kS, "near_poor,ethnic_minority"},
      Row{"không phải hộ nghèo", kS, ""},
      Row{"không phải là hộ cận nghèo", kS, ""},
      Row{"mức thấp nhất bằng chuẩn nghèo", kS, ""},
      Row{"đóng bao nhiêu", kS, ""},
      Row{"tôi đóng bảo hiểm", kS, ""},
      Row{"khác", kS, ""},
      Row{"khác", kA, "other"},
      Row{"không", kA, "other"},
      Row{"bình thường", kA, "other"},
      Row{"không phải hộ nghèo", kA, "other"},
      Row{"không biết", kA, ""},
      Row{"hộ nghèo", kA, "poor"},
  }));
  CAPTURE(std::get<0>(row), std::get<1>(row) == kA);
  CHECK(Names(ParseSupportGroups(FoldVietnamese(std::get<0>(row)), std::get<1>(row))) ==
        std::get<2>(row));
}

TEST_CASE("The product is read from the ways citizens name it") {
  using P = InsuranceProduct;
  using Row = std::tuple<std::string, P>;
  auto row = GENERATE(table<std::string, P>({
      Row{"bhxh tự nguyện", P::kVoluntaryBhxh},
      Row{"bhxh tn", P::kVoluntaryBhxh},
      Row{"bhxhtn", P::kVoluntaryBhxh},
      Row{"bảo hiểm xã hội tự nguyện", P::kVoluntaryBhxh},
      Row{"hưu trí tự nguyện", P::kVoluntaryBhxh},
      Row{"hộ gia đình tôi đóng bhxh", P::kVoluntaryBhxh},
      Row{"bhyt", P::kHouseholdBhyt},
      Row{"bảo hiểm y tế", P::kHouseholdBhyt},
      Row{"thẻ bhyt", P::kHouseholdBhyt},
      Row{"thẻ bảo hiểm", P::kHouseholdBhyt},
      Row{"hộ gia đình", P::kHouseholdBhyt},
      Row{"bhyt hgđ", P::kHouseholdBhyt},
      Row{"bhyt tự nguyện", P::kHouseholdBhyt},
      Row{"bhxh và bhyt", P::kUnknown},
      Row{"tính tiền đóng", P::kUnknown},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(ParseProduct(FoldVietnamese(std::get<0>(row))) == std::get<1>(row));
}

TEST_CASE("Support group names round-trip") {
  for (SupportGroup g : {SupportGroup::kPoor, SupportGroup::kNearPoor,
                         SupportGroup::kEthnicMinority, SupportGroup::kOther}) {
    CHECK(SupportGroupFromName(SupportGroupName(g)) == g);
  }
  CHECK_FALSE(SupportGroupFromName("rich").has_value());
}
