// Amounts that change over time (base salary, poverty line, rates) and the
// amounts derived from them, as defined in content/variables.json. Answers
// never contain typed amounts: they use {{name}} placeholders rendered with
// the value in force on the day of the answer.
//
// variables.json:
//   {"variables": [
//      {"name": "luong_co_so", "label": "Lương cơ sở", "unit": "dong",
//       "values": [{"from": "2024-07-01", "value": 2340000, "source": "NĐ 73/2024/NĐ-CP"},
//                  {"from": "2026-07-01", "value": 2530000, "source": "NĐ 161/2026/NĐ-CP"}]}],
//    "derived": [
//      {"name": "bhyt_hgd_nguoi_1_thang", "label": "…", "unit": "dong",
//       "formula": "luong_co_so * 4.5 / 100", "source": "…"}]}
//
// unit: "dong" (rendered "1.366.200 đồng"), "percent" ("22%", "4,5%"),
// "number" ("20"). Derived formulas use + - * / ( ) numbers and names of
// variables or earlier-or-later derived values (no cycles, at least one name);
// they are evaluated with muparser and rounded to the nearest whole đồng when
// unit is "dong" (a derived amount used in another formula is the rounded
// amount, the one users see).
// A placeholder {{name.tu_ngay}} renders the date from which the value in
// force applies (for a derived value: the latest "from" among the values in
// force of all base variables it depends on, transitively), as "01/07/2026".
//
// Keys: variables[] {name, label, unit, values[] {from, value, source?}};
// derived[] {name, label, unit, formula, source?}; any other key is a
// problem. "derived" may be absent. Problems name the variable in
// ContentProblem::entry_id ("variables[2]" / "derived[0]" when it has no
// valid name).
#ifndef BHXH_CONTENT_VARIABLES_H_
#define BHXH_CONTENT_VARIABLES_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/civil_date.h"
#include "content/content_problem.h"

namespace bhxh {

enum class VariableUnit { kDong, kPercent, kNumber };

struct VariableValue {
  CivilDate from;
  double value = 0;
  std::string source;
};

struct VariableDefinition {
  std::string name;   // [a-z0-9_]+, not starting with a digit (muparser names)
  std::string label;  // Vietnamese, for staff
  VariableUnit unit = VariableUnit::kNumber;
  std::vector<VariableValue> values;  // base variables: sorted by `from`
  std::string formula;                // derived variables only
  std::string source;                 // derived variables: where the rule comes from
  bool derived() const { return !formula.empty(); }
};

// A value in force on a given day.
struct ValueOnDate {
  double value = 0;
  CivilDate in_force_from;  // when this value started to apply
};

// Immutable after Parse/Load; all const methods are thread-safe.
class VariableTable {
 public:
  // Parses variables.json text. All problems are reported; on any problem
  // the table is not returned. Checks: names unique and well-formed, units,
  // dates, values sorted by date, formulas parse and refer to known names,
  // no cycles, a finite result on every date a base value changes. Never
  // throws on malformed input. `problems` may be null.
  static std::unique_ptr<VariableTable> Parse(std::string_view text, const std::string& file_label,
                                              std::vector<ContentProblem>* problems);
  // Reads the file in binary; a missing or unreadable file is one problem
  // "cannot read file" naming the path.
  static std::unique_ptr<VariableTable> Load(const std::string& path,
                                             std::vector<ContentProblem>* problems);

  bool Has(std::string_view name) const;  // also accepts "name.tu_ngay"
  // The value in force on `date`; nullopt if the name is unknown or no value
  // applies yet on that date.
  std::optional<ValueOnDate> ValueOn(std::string_view name, const CivilDate& date) const;
  // The formatted value ("2.530.000 đồng", "22%"; for "name.tu_ngay" the
  // date, "01/07/2026") or nullopt as above.
  std::optional<std::string> FormatOn(std::string_view name, const CivilDate& date) const;

  // Replaces every {{name}} / {{name.tu_ngay}} in `text` with the value in
  // force on `date` (spaces inside the braces are ignored). An unknown name
  // or a name with no value on that date is left as-is and its name appended
  // to `unresolved` (if given), once per occurrence.
  std::string Render(std::string_view text, const CivilDate& date,
                     std::vector<std::string>* unresolved = nullptr) const;

  const std::vector<VariableDefinition>& definitions() const { return definitions_; }

 private:
  using Memo = std::map<size_t, std::optional<ValueOnDate>>;
  // Value of definitions_[index] on `date` (may be non-finite); nullopt when
  // some base input has no value yet. `memo` caches derived results.
  std::optional<ValueOnDate> Evaluate(size_t index, const CivilDate& date, Memo* memo) const;

  std::vector<VariableDefinition> definitions_;
  std::map<std::string, size_t, std::less<>> by_name_;
  // For derived definitions: indices into definitions_ of the names their
  // formula uses. Empty for base variables.
  std::vector<std::vector<size_t>> inputs_;
};

// Every placeholder name referenced in `text` ("luong_co_so",
// "luong_co_so.tu_ngay"; spaces inside the braces trimmed), each name once,
// in order of first appearance. An unclosed "{{" is not a placeholder.
std::vector<std::string> ReferencedVariables(std::string_view text);

// 1366200 -> "1.366.200 đồng" (rounded to the nearest đồng, halves away
// from zero); -1000 -> "-1.000 đồng".
std::string FormatDong(double amount);
// 4.5 -> "4,5%", 22 -> "22%".
std::string FormatPercent(double percent);
// 1366200 -> "1.366.200"; 4.5 -> "4,5"; 1234.567 -> "1.234,57": at most two
// decimals, trailing zeros dropped, never "-0". Non-finite values give "NaN".
std::string FormatVietnameseNumber(double value);

}  // namespace bhxh

#endif  // BHXH_CONTENT_VARIABLES_H_
