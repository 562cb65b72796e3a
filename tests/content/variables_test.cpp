#include "content/variables.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>

namespace bhxh {
namespace {

const std::string kShippedPath = std::string(BHXH_TEST_CONTENT_DIR) + "/variables.json";

std::unique_ptr<VariableTable> Shipped() {
  std::vector<ContentProblem> problems;
  auto vars = VariableTable::Load(kShippedPath, &problems);
  INFO(JoinProblems(problems));
  REQUIRE(problems.empty());
  REQUIRE(vars != nullptr);
  return vars;
}

std::string ProblemsOf(const std::string& text) {
  std::vector<ContentProblem> problems;
  const auto vars = VariableTable::Parse(text, "variables.json", &problems);
  if (!problems.empty()) CHECK(vars == nullptr);
  return JoinProblems(problems);
}

CivilDate Date(int y, int m, int d) { return CivilDate{y, m, d}; }

// A base variable "a" (dong, 1 000 000 from 2024-07-01) and the given derived list.
std::string WithDerived(const std::string& derived) {
  return R"j({"variables": [{"name": "a", "label": "A", "unit": "dong", "values": [{"from": "2024-07-01", "value": 1000000}]}],)j"
         R"j( "derived": [)j" + derived + "]}";
}

TEST_CASE("The shipped variables file loads with no problems", "[variables][shipped]") {
  const auto vars = Shipped();
  CHECK(vars->definitions().size() == 35);
}

TEST_CASE("The shipped variables give the amounts in force on each day", "[variables][shipped]") {
  const auto vars = Shipped();
  using Row = std::tuple<std::string, CivilDate, std::string>;
  auto row = GENERATE(table<std::string, CivilDate, std::string>({
      Row{"luong_co_so", Date(2026, 6, 30), "2.340.000 đồng"},
      Row{"luong_co_so", Date(2026, 7, 1), "2.530.000 đồng"},
      Row{"bhyt_hgd_nguoi_1_nam", Date(2026, 6, 30), "1.263.600 đồng"},
      Row{"bhyt_hgd_nguoi_1_nam", Date(2026, 7, 1), "1.366.200 đồng"},
      Row{"bhyt_hgd_nguoi_2_nam", Date(2026, 7, 1), "956.340 đồng"},
      Row{"bhyt_hgd_nguoi_5_nam", Date(2026, 7, 1), "546.480 đồng"},
      Row{"bhyt_hgd_nguoi_1_thang", Date(2026, 7, 1), "113.850 đồng"},
      Row{"bhxh_tn_dong_thap_nhat", Date(2026, 11, 26), "330.000 đồng"},
      Row{"bhxh_tn_con_dong_dtts", Date(2026, 11, 26), "231.000 đồng"},
      Row{"bhxh_tn_con_dong_ngheo", Date(2026, 11, 26), "165.000 đồng"},
      Row{"bhxh_tn_thu_nhap_cao_nhat", Date(2026, 6, 30), "46.800.000 đồng"},
      Row{"bhxh_tn_thu_nhap_cao_nhat", Date(2026, 7, 1), "50.600.000 đồng"},
      Row{"bhxh_tn_ty_le_dong", Date(2026, 11, 26), "22%"},
      Row{"bhyt_ty_le_dong", Date(2026, 11, 26), "4,5%"},
      Row{"luong_co_so.tu_ngay", Date(2026, 11, 26), "01/07/2026"},
      Row{"luong_co_so.tu_ngay", Date(2026, 6, 30), "01/07/2024"},
      // Derived: the latest "from" among all base inputs, through other derived values.
      Row{"bhyt_hgd_nguoi_2_nam.tu_ngay", Date(2026, 11, 26), "01/07/2026"},
      Row{"bhxh_tn_dong_thap_nhat.tu_ngay", Date(2026, 11, 26), "01/07/2025"},
      Row{"bhxh_tn_con_dong_dtts.tu_ngay", Date(2026, 11, 26), "01/07/2025"},
  }));
  CAPTURE(std::get<0>(row), std::get<1>(row).ToIso());
  CHECK(vars->FormatOn(std::get<0>(row), std::get<1>(row)) == std::get<2>(row));
}

TEST_CASE("A value is in force from its day until the next value's day", "[variables][shipped]") {
  const auto vars = Shipped();
  auto before = vars->ValueOn("luong_co_so", Date(2026, 6, 30));
  REQUIRE(before);
  CHECK(before->value == 2340000);
  CHECK(before->in_force_from == Date(2024, 7, 1));
  auto after = vars->ValueOn("luong_co_so", Date(2026, 7, 1));
  REQUIRE(after);
  CHECK(after->value == 2530000);
  CHECK(after->in_force_from == Date(2026, 7, 1));
  auto derived = vars->ValueOn("bhyt_hgd_nguoi_1_nam", Date(2026, 7, 1));
  REQUIRE(derived);
  CHECK(derived->value == 1366200);
  CHECK(derived->in_force_from == Date(2026, 7, 1));
}

TEST_CASE("Before the first value applies there is no value, and placeholders stay unresolved",
          "[variables][shipped]") {
  const auto vars = Shipped();
  const CivilDate early = Date(2024, 6, 30);
  CHECK_FALSE(vars->ValueOn("luong_co_so", early));
  CHECK_FALSE(vars->FormatOn("luong_co_so", early));
  CHECK_FALSE(vars->FormatOn("luong_co_so.tu_ngay", early));
  CHECK_FALSE(vars->ValueOn("bhyt_hgd_nguoi_1_nam", early));  // derived from it
  std::vector<std::string> unresolved;
  CHECK(vars->Render("Mức {{luong_co_so}} từ {{luong_co_so.tu_ngay}}", early, &unresolved) ==
        "Mức {{luong_co_so}} từ {{luong_co_so.tu_ngay}}");
  CHECK(unresolved == std::vector<std::string>{"luong_co_so", "luong_co_so.tu_ngay"});
}

TEST_CASE("Rendering replaces known placeholders and reports the rest", "[variables][shipped]") {
  const auto vars = Shipped();
  const CivilDate day = Date(2026, 11, 26);
  using Row = std::tuple<std::string, std::string, std::vector<std::string>>;
  auto row = GENERATE(table<std::string, std::string, std::vector<std::string>>({
      Row{"Từ {{luong_co_so.tu_ngay}}, lương cơ sở là {{luong_co_so}}.",
          "Từ 01/07/2026, lương cơ sở là 2.530.000 đồng.", {}},
      Row{"{{ luong_co_so }}", "2.530.000 đồng", {}},
      Row{"{{bhxh_tn_ty_le_dong}} và {{bhxh_tn_ty_le_dong}}", "22% và 22%", {}},
      Row{"không có biến", "không có biến", {}},
      Row{"{{khong_co}} và {{luong_co_so}}", "{{khong_co}} và 2.530.000 đồng", {"khong_co"}},
      Row{"{{luong_co_so.nam}}", "{{luong_co_so.nam}}", {"luong_co_so.nam"}},
      Row{"mở {{luong_co_so", "mở {{luong_co_so", {}},
      Row{"{{}}", "{{}}", {""}},
  }));
  CAPTURE(std::get<0>(row));
  std::vector<std::string> unresolved;
  CHECK(vars->Render(std::get<0>(row), day, &unresolved) == std::get<1>(row));
  CHECK(unresolved == std::get<2>(row));
  CHECK(vars->Render(std::get<0>(row), day) == std::get<1>(row));  // no list wanted
}

TEST_CASE("A name is known with or without .tu_ngay", "[variables][shipped]") {
  const auto vars = Shipped();
  using Row = std::tuple<std::string, bool>;
  auto row = GENERATE(table<std::string, bool>({
      Row{"luong_co_so", true},
      Row{"luong_co_so.tu_ngay", true},
      Row{"bhyt_hgd_nguoi_1_nam", true},
      Row{"bhyt_hgd_nguoi_1_nam.tu_ngay", true},
      Row{"khong_co", false},
      Row{"khong_co.tu_ngay", false},
      Row{"luong_co_so.nam", false},
      Row{".tu_ngay", false},
      Row{"", false},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(vars->Has(std::get<0>(row)) == std::get<1>(row));
  if (!std::get<1>(row)) CHECK_FALSE(vars->ValueOn(std::get<0>(row), Date(2026, 11, 26)));
}

TEST_CASE("Each malformed variables file is rejected with a problem that says what is wrong",
          "[variables]") {
  using Row = std::tuple<std::string, std::string>;
  auto row = GENERATE(table<std::string, std::string>({
      Row{"{", "variables.json:1: not valid JSON: syntax error while parsing object key - unexpected "
               "end of input; expected string literal"},
      Row{"[]", "variables.json:1: top level must be an object with the key 'variables'"},
      Row{R"j({"derived": []})j", "variables.json:1: field 'variables': is required"},
      Row{R"j({"variables": {}, "derived": 1, "x": 2})j",
          "variables.json:1: unknown key 'x'\n"
          "variables.json:1: field 'variables': must be an array\n"
          "variables.json:1: field 'derived': must be an array"},
      Row{R"j({"variables": [7]})j", "variables.json:1: entry 'variables[0]': must be an object"},
      // Names.
      Row{R"j({"variables": [{"label": "A", "unit": "dong", "values": [{"from": "2024-07-01", "value": 1}]}]})j",
          "variables.json:1: entry 'variables[0]', field 'name': is required"},
      Row{R"j({"variables": [{"name": "Luong", "label": "A", "unit": "dong", "values": [{"from": "2024-07-01", "value": 1}]}]})j",
          "variables.json:1: entry 'variables[0]', field 'name': must match [a-z0-9_]+ and not start "
          "with a digit, got 'Luong'"},
      Row{R"j({"variables": [{"name": "1a", "label": "A", "unit": "dong", "values": [{"from": "2024-07-01", "value": 1}]}]})j",
          "variables.json:1: entry 'variables[0]', field 'name': must match [a-z0-9_]+ and not start "
          "with a digit, got '1a'"},
      Row{"{\"variables\": [\n"
          "  {\"name\": \"a\", \"label\": \"A\", \"unit\": \"dong\", \"values\": [{\"from\": \"2024-07-01\", \"value\": 1}]}],\n"
          " \"derived\": [\n"
          "  {\"name\": \"a\", \"label\": \"A\", \"unit\": \"dong\", \"formula\": \"a * 2\"}]}",
          "variables.json:4: entry 'a', field 'name': duplicates the name defined at line 2"},
      // Label and unit.
      Row{R"j({"variables": [{"name": "a", "unit": "dong", "values": [{"from": "2024-07-01", "value": 1}]}]})j",
          "variables.json:1: entry 'a', field 'label': is required"},
      Row{R"j({"variables": [{"name": "a", "label": " ", "unit": "dong", "values": [{"from": "2024-07-01", "value": 1}]}]})j",
          "variables.json:1: entry 'a', field 'label': must not be empty"},
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": "vnd", "values": [{"from": "2024-07-01", "value": 1}]}]})j",
          "variables.json:1: entry 'a', field 'unit': must be one of dong, percent, number; got 'vnd'"},
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": 1, "values": [{"from": "2024-07-01", "value": 1}]}]})j",
          "variables.json:1: entry 'a', field 'unit': must be a string"},
      // Values.
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": "dong"}]})j",
          "variables.json:1: entry 'a', field 'values': is required"},
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": "dong", "values": []}]})j",
          "variables.json:1: entry 'a', field 'values': must not be empty"},
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": "dong", "values": 5}]})j",
          "variables.json:1: entry 'a', field 'values': must be an array"},
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": "dong", "values": [{"from": "2024-02-30", "value": 1}]}]})j",
          "variables.json:1: entry 'a', field 'values[0].from': must be a real date YYYY-MM-DD, got "
          "'2024-02-30'"},
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": "dong", "values": [{"from": 20240701, "value": 1}]}]})j",
          "variables.json:1: entry 'a', field 'values[0].from': must be a string YYYY-MM-DD"},
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": "dong", "values": [{"value": 1}]}]})j",
          "variables.json:1: entry 'a', field 'values[0].from': is required"},
      Row{"{\"variables\": [{\"name\": \"a\", \"label\": \"A\", \"unit\": \"dong\", \"values\": [\n"
          "  {\"from\": \"2026-07-01\", \"value\": 2},\n"
          "  {\"from\": \"2024-07-01\", \"value\": 1}]}]}",
          "variables.json:3: entry 'a', field 'values[1].from': must be after values[0].from "
          "(2026-07-01); values must be sorted by date"},
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": "dong", "values": [{"from": "2024-07-01", "value": 1}, {"from": "2024-07-01", "value": 2}]}]})j",
          "variables.json:1: entry 'a', field 'values[1].from': must be after values[0].from "
          "(2024-07-01); values must be sorted by date"},
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": "dong", "values": [{"from": "2024-07-01", "value": "1"}]}]})j",
          "variables.json:1: entry 'a', field 'values[0].value': must be a number"},
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": "dong", "values": [{"from": "2024-07-01"}]}]})j",
          "variables.json:1: entry 'a', field 'values[0].value': is required"},
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": "dong", "values": [{"from": "2024-07-01", "value": 1, "note": "x"}]}]})j",
          "variables.json:1: entry 'a', field 'values[0]': unknown key 'note'"},
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": "dong", "values": [{"from": "2024-07-01", "value": 1, "value": 2}]}]})j",
          "variables.json:1: entry 'a': duplicate key 'value'"},
      Row{R"j({"variables": [{"name": "a", "label": "A", "unit": "dong", "formula": "1", "values": [{"from": "2024-07-01", "value": 1}]}]})j",
          "variables.json:1: entry 'a': unknown key 'formula'"},
      // Formulas.
      Row{WithDerived(R"j({"name": "b", "label": "B", "unit": "dong"})j"),
          "variables.json:1: entry 'b', field 'formula': is required"},
      Row{WithDerived(R"j({"name": "b", "label": "B", "unit": "dong", "formula": "a", "values": []})j"),
          "variables.json:1: entry 'b': unknown key 'values'"},
      Row{WithDerived(R"j({"name": "b", "label": "B", "unit": "dong", "formula": "luong * a"})j"),
          "variables.json:1: entry 'b', field 'formula': unknown name 'luong'"},
      Row{WithDerived(R"j({"name": "b", "label": "B", "unit": "dong", "formula": "a * _pi"})j"),
          "variables.json:1: entry 'b', field 'formula': unknown name '_pi'"},
      Row{WithDerived(R"j({"name": "b", "label": "B", "unit": "dong", "formula": "a ^ 2"})j"),
          "variables.json:1: entry 'b', field 'formula': may only use numbers, variable names, + - * / "
          "and parentheses; found '^'"},
      Row{WithDerived(R"j({"name": "b", "label": "B", "unit": "dong", "formula": "a = 3"})j"),
          "variables.json:1: entry 'b', field 'formula': may only use numbers, variable names, + - * / "
          "and parentheses; found '='"},
      Row{WithDerived(R"j({"name": "b", "label": "B", "unit": "dong", "formula": "a × 2"})j"),
          "variables.json:1: entry 'b', field 'formula': may only use numbers, variable names, + - * / "
          "and parentheses; found '×'"},
      Row{WithDerived(R"j({"name": "b", "label": "B", "unit": "dong", "formula": "a *"})j"),
          "variables.json:1: entry 'b', field 'formula': does not parse: Unexpected end of expression "
          "at position 4"},
      Row{WithDerived(R"j({"name": "b", "label": "B", "unit": "dong", "formula": "sin(a)"})j"),
          "variables.json:1: entry 'b', field 'formula': does not parse: Unexpected parenthesis \"(\" "
          "at position 3"},
      Row{WithDerived(R"j({"name": "b", "label": "B", "unit": "dong", "formula": "100"})j"),
          "variables.json:1: entry 'b', field 'formula': must use at least one variable"},
      Row{WithDerived(R"j({"name": "b", "label": "B", "unit": "dong", "formula": "a / (a - a)"})j"),
          "variables.json:1: entry 'b', field 'formula': is not a finite number on 2024-07-01"},
      // Cycles.
      Row{WithDerived(R"j({"name": "b", "label": "B", "unit": "dong", "formula": "b + a"})j"),
          "variables.json:1: entry 'b', field 'formula': depends on itself: b -> b"},
      Row{"{\"variables\": [{\"name\": \"a\", \"label\": \"A\", \"unit\": \"dong\", \"values\": [{\"from\": \"2024-07-01\", \"value\": 1}]}],\n"
          " \"derived\": [\n"
          "  {\"name\": \"b\", \"label\": \"B\", \"unit\": \"dong\", \"formula\": \"c + a\"},\n"
          "  {\"name\": \"c\", \"label\": \"C\", \"unit\": \"dong\", \"formula\": \"d * 2\"},\n"
          "  {\"name\": \"d\", \"label\": \"D\", \"unit\": \"dong\", \"formula\": \"b / 2\"}]}",
          "variables.json:3: entry 'b', field 'formula': depends on itself: b -> c -> d -> b"},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(ProblemsOf(std::get<0>(row)) == std::get<1>(row));
}

TEST_CASE("Every problem of a variables file is reported at once, sorted by line", "[variables]") {
  const std::string text =
      "{\"variables\": [\n"                                                                     // 1
      "  {\"name\": \"a\", \"label\": \"A\", \"unit\": \"vnd\",\n"                               // 2
      "   \"values\": [{\"from\": \"2024-13-01\", \"value\": 1}]},\n"                           // 3
      "  {\"name\": \"a\", \"label\": \"A2\", \"unit\": \"dong\", \"values\": []}],\n"           // 4
      " \"derived\": [\n"                                                                       // 5
      "  {\"name\": \"b\", \"label\": \"B\", \"unit\": \"dong\",\n"                              // 6
      "   \"formula\": \"a + khong_co\"}]}\n";                                                  // 7
  CHECK(ProblemsOf(text) ==
        "variables.json:2: entry 'a', field 'unit': must be one of dong, percent, number; got 'vnd'\n"
        "variables.json:3: entry 'a', field 'values[0].from': must be a real date YYYY-MM-DD, got "
        "'2024-13-01'\n"
        "variables.json:4: entry 'a', field 'name': duplicates the name defined at line 2\n"
        "variables.json:4: entry 'a', field 'values': must not be empty\n"
        "variables.json:7: entry 'b', field 'formula': unknown name 'khong_co'");
}

TEST_CASE("Derived values are evaluated in dependency order, whatever the file order",
          "[variables]") {
  // c uses b, which is defined after it; dong amounts are rounded at each step, so c
  // doubles the rounded b (500 001 * 0.5 = 250 000.5 -> 250 001 -> 500 002).
  const std::string text =
      R"j({"variables": [{"name": "a", "label": "A", "unit": "dong", "values": [{"from": "2024-07-01", "value": 500001}]},)j"
      R"j( {"name": "t", "label": "T", "unit": "percent", "values": [{"from": "2025-01-01", "value": 4.5}]}],)j"
      R"j( "derived": [{"name": "c", "label": "C", "unit": "dong", "formula": "b * 2"},)j"
      R"j( {"name": "b", "label": "B", "unit": "dong", "formula": "a / 2"},)j"
      R"j( {"name": "r", "label": "R", "unit": "percent", "formula": "t / 4"},)j"
      R"j( {"name": "n", "label": "N", "unit": "number", "formula": "(a - 1) / 1000 + t"}]})j";
  std::vector<ContentProblem> problems;
  const auto vars = VariableTable::Parse(text, "v.json", &problems);
  INFO(JoinProblems(problems));
  REQUIRE(vars != nullptr);
  const CivilDate day = Date(2025, 6, 1);
  CHECK(vars->FormatOn("b", day) == "250.001 đồng");
  CHECK(vars->FormatOn("c", day) == "500.002 đồng");
  CHECK(vars->FormatOn("r", day) == "1,13%");  // 1.125, not rounded to a whole
  CHECK(vars->ValueOn("r", day)->value == 1.125);
  CHECK(vars->FormatOn("n", day) == "504,5");
  CHECK(vars->FormatOn("n.tu_ngay", day) == "01/01/2025");
  CHECK(vars->FormatOn("c.tu_ngay", day) == "01/07/2024");
  CHECK_FALSE(vars->ValueOn("n", Date(2024, 12, 31)));  // t not yet in force
  CHECK(vars->ValueOn("c", Date(2024, 12, 31)));
}

TEST_CASE("Parsing never throws, however the shipped file is cut", "[variables][shipped]") {
  std::ifstream in(kShippedPath, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  REQUIRE(text.size() > 1000);
  for (size_t n = 0; n < text.size(); n += 37) {
    CAPTURE(n);
    std::unique_ptr<VariableTable> vars;
    REQUIRE_NOTHROW(vars = VariableTable::Parse(text.substr(0, n), "v.json", nullptr));
    CHECK(vars == nullptr);
  }
}

TEST_CASE("Loading a missing file is one problem naming the path", "[variables]") {
  std::vector<ContentProblem> problems;
  CHECK(VariableTable::Load("/nonexistent/variables.json", &problems) == nullptr);
  CHECK(JoinProblems(problems) == "/nonexistent/variables.json: cannot read file");
}

TEST_CASE("Numbers are written the Vietnamese way", "[variables]") {
  using Row = std::tuple<double, std::string, std::string, std::string>;
  auto row = GENERATE(table<double, std::string, std::string, std::string>({
      //  value       FormatVietnameseNumber  FormatDong                FormatPercent
      Row{1366200, "1.366.200", "1.366.200 đồng", "1.366.200%"},
      Row{1234.5, "1.234,5", "1.235 đồng", "1.234,5%"},
      Row{4.5, "4,5", "5 đồng", "4,5%"},
      Row{22, "22", "22 đồng", "22%"},
      Row{0, "0", "0 đồng", "0%"},
      Row{-1000, "-1.000", "-1.000 đồng", "-1.000%"},
      Row{-1234.56, "-1.234,56", "-1.235 đồng", "-1.234,56%"},
      Row{-0.001, "0", "0 đồng", "0%"},
      Row{0.125, "0,13", "0 đồng", "0,13%"},
      Row{1.005, "1,01", "1 đồng", "1,01%"},
      Row{999.999, "1.000", "1.000 đồng", "1.000%"},
      Row{100.10, "100,1", "100 đồng", "100,1%"},
      Row{999, "999", "999 đồng", "999%"},
      Row{1000, "1.000", "1.000 đồng", "1.000%"},
      Row{2.5e6 + 0.5, "2.500.000,5", "2.500.001 đồng", "2.500.000,5%"},
      Row{1e20, "100.000.000.000.000.000.000", "100.000.000.000.000.000.000 đồng",
          "100.000.000.000.000.000.000%"},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(FormatVietnameseNumber(std::get<0>(row)) == std::get<1>(row));
  CHECK(FormatDong(std::get<0>(row)) == std::get<2>(row));
  CHECK(FormatPercent(std::get<0>(row)) == std::get<3>(row));
}

TEST_CASE("Referenced variables are listed once each, in order of first appearance",
          "[variables]") {
  using Row = std::tuple<std::string, std::vector<std::string>>;
  auto row = GENERATE(table<std::string, std::vector<std::string>>({
      Row{"không có", {}},
      Row{"{{b}} rồi {{a.tu_ngay}} rồi {{b}}", {"b", "a.tu_ngay"}},
      Row{"{{ c }}", {"c"}},
      Row{"mở {{x", {}},
      Row{"{{a {{b}}", {"b"}},
      Row{"}}{{a}}", {"a"}},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(ReferencedVariables(std::get<0>(row)) == std::get<1>(row));
}

}  // namespace
}  // namespace bhxh
