#include "content/variables.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <utility>

#include <muParser.h>
#include <nlohmann/json.hpp>

namespace bhxh {
namespace {

using nlohmann::json;

constexpr std::string_view kTuNgay = ".tu_ngay";
constexpr std::string_view kFormulaChars = "abcdefghijklmnopqrstuvwxyz0123456789_.+-*/() ";

// Rounds to `decimals` places, halves away from zero. Rounding first to 1e-6
// absorbs binary representation error (1.005 is stored as 1.00499999…; a
// product meant to be x.5 may come out as x.4999999), so amounts round the
// way a person computing them by hand would.
double RoundTo(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  // Only while value * 1e6 is exact in a double (below 2^53).
  if (!std::isfinite(value) || std::fabs(value) >= 1e9) return std::round(value * scale) / scale;
  const double micros = std::round(value * 1e6);  // a whole number, exact
  return std::round(micros / std::pow(10.0, 6 - decimals)) / scale;
}

std::string GroupThousands(const std::string& digits) {
  std::string out;
  const size_t first = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  out += digits.substr(0, first);
  for (size_t i = first; i < digits.size(); i += 3) {
    out += '.';
    out += digits.substr(i, 3);
  }
  return out;
}

bool IsValidName(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string_view Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

struct Placeholder {
  size_t begin;  // of "{{"
  size_t end;    // after "}}"
  std::string name;
};

// Complete {{…}} pairs in order. An unclosed "{{", or one followed by another
// "{{" before its "}}", is plain text.
std::vector<Placeholder> FindPlaceholders(std::string_view text) {
  std::vector<Placeholder> out;
  size_t pos = 0;
  while (true) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    const size_t inner_open = text.rfind("{{", close);
    if (inner_open > open + 1) open = inner_open;  // "{{a {{b}}": only {{b}}
    out.push_back(Placeholder{open, close + 2, std::string(Trim(text.substr(open + 2, close - open - 2)))});
    pos = close + 2;
  }
  return out;
}

// The UTF-8 sequence starting at text[pos] (one byte when it is not valid).
std::string CharAt(std::string_view text, size_t pos) {
  const unsigned char c = static_cast<unsigned char>(text[pos]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  return std::string(text.substr(pos, len));
}

// muparser's functions (sin, …) and constants (_pi, _e) are not part of the
// formula language; without them "_pi" is an unknown name.
void RestrictToArithmetic(mu::Parser* parser) {
  parser->ClearFun();
  parser->ClearConst();
  parser->ClearPostfixOprt();
}

class VariablesParser {
 public:
  VariablesParser(std::string_view text, const std::string& file_label,
                  std::vector<ContentProblem>* problems)
      : text_(text), file_(file_label), problems_(problems), lines_(text) {}

  // Fills `defs` and `inputs` (parallel) and returns true when the file has
  // no problem.
  bool Run(std::vector<VariableDefinition>* defs, std::vector<std::vector<size_t>>* inputs) {
    const size_t before = problems_->size();
    json doc = json::parse(text_.begin(), text_.end(), nullptr, false);
    if (doc.is_discarded()) {
      problems_->push_back(JsonSyntaxProblem(text_, file_));
      return false;
    }
    if (!doc.is_object()) {
      Add(LineOf(""), "", "", "top level must be an object with the key 'variables'");
      return false;
    }
    for (const auto& item : doc.items()) {
      if (item.key() != "variables" && item.key() != "derived") {
        Add(LineOf(JsonLineMap::Child("", item.key())), "", "", "unknown key '" + item.key() + "'");
      }
    }
    auto variables = doc.find("variables");
    if (variables == doc.end()) {
      Add(LineOf(""), "", "variables", "is required");
    } else if (!variables->is_array()) {
      Add(LineOf("/variables"), "", "variables", "must be an array");
    } else {
      for (size_t i = 0; i < variables->size(); ++i) CheckDefinition((*variables)[i], "variables", i, false);
    }
    auto derived = doc.find("derived");
    if (derived != doc.end()) {
      if (!derived->is_array()) {
        Add(LineOf("/derived"), "", "derived", "must be an array");
      } else {
        for (size_t i = 0; i < derived->size(); ++i) CheckDefinition((*derived)[i], "derived", i, true);
      }
    }
    for (const auto& dup : lines_.duplicate_keys()) {
      Add(dup.line, DefinitionLabel(dup.object_pointer), "", "duplicate key '" + dup.key + "'");
    }
    CheckFormulas();
    if (problems_->size() == before) CheckCycles();
    std::stable_sort(problems_->begin() + static_cast<long>(before), problems_->end(),
                     [](const ContentProblem& a, const ContentProblem& b) { return a.line < b.line; });
    if (problems_->size() != before) return false;
    *defs = std::move(defs_);
    *inputs = std::move(inputs_);
    return true;
  }

 private:
  struct Source {
    std::string pointer;  // of the definition
    std::string label;    // name, or "derived[0]"
  };

  void Add(int line, const std::string& entry, const std::string& field, std::string message) {
    problems_->push_back(ContentProblem{file_, line, entry, field, std::move(message)});
  }
  int LineOf(const std::string& pointer) const { return lines_.LineOf(pointer); }

  // The label of the definition containing `pointer` ("/derived/2/values/0"
  // -> the name of derived[2]); "" at the top level.
  std::string DefinitionLabel(const std::string& pointer) const {
    const size_t second = pointer.find('/', 1);
    if (second == std::string::npos) return "";
    auto it = labels_.find(pointer.substr(0, pointer.find('/', second + 1)));
    return it == labels_.end() ? "" : it->second;
  }

  void CheckDefinition(const json& e, const char* array, size_t index, bool derived) {
    Source src;
    src.pointer = JsonLineMap::Child(std::string("/") + array, index);
    src.label = std::string(array) + "[" + std::to_string(index) + "]";
    const int entry_line = LineOf(src.pointer);
    if (!e.is_object()) {
      Add(entry_line, src.label, "", "must be an object");
      return;
    }
    VariableDefinition def;
    // name
    auto name = e.find("name");
    const int name_line = LineOf(src.pointer + "/name");
    if (name == e.end()) {
      Add(entry_line, src.label, "name", "is required");
    } else if (!name->is_string()) {
      Add(name_line, src.label, "name", "must be a string");
    } else if (!IsValidName(name->get<std::string>())) {
      Add(name_line, src.label, "name",
          "must match [a-z0-9_]+ and not start with a digit, got '" + name->get<std::string>() + "'");
    } else {
      def.name = name->get<std::string>();
      src.label = def.name;
      auto [first, inserted] = name_lines_.emplace(def.name, name_line);
      if (!inserted) {
        Add(name_line, def.name, "name",
            "duplicates the name defined at line " + std::to_string(first->second));
      }
    }
    labels_[src.pointer] = src.label;
    def_labels_.push_back(src.label);
    const int line = name_line > 0 ? name_line : entry_line;

    static const std::set<std::string> kBaseKeys = {"name", "label", "unit", "values"};
    static const std::set<std::string> kDerivedKeys = {"name", "label", "unit", "formula", "source"};
    const auto& allowed = derived ? kDerivedKeys : kBaseKeys;
    for (const auto& item : e.items()) {
      if (allowed.count(item.key()) == 0) {
        Add(LineOf(JsonLineMap::Child(src.pointer, item.key())), src.label, "",
            "unknown key '" + item.key() + "'");
      }
    }
    def.label = RequiredString(e, src, "label", line);
    const std::string unit = RequiredString(e, src, "unit", line);
    if (unit == "dong") {
      def.unit = VariableUnit::kDong;
    } else if (unit == "percent") {
      def.unit = VariableUnit::kPercent;
    } else if (unit == "number") {
      def.unit = VariableUnit::kNumber;
    } else if (!unit.empty()) {
      Add(LineOf(src.pointer + "/unit"), src.label, "unit",
          "must be one of dong, percent, number; got '" + unit + "'");
    }
    if (derived) {
      def.formula = RequiredString(e, src, "formula", line);
      def.source = OptionalString(e, src, "source");
    } else {
      CheckValues(e, src, line, &def);
    }
    formula_lines_.push_back(LineOf(src.pointer + "/formula"));
    defs_.push_back(std::move(def));
  }

  // Reports a missing, non-string or empty value; returns "" then.
  std::string RequiredString(const json& e, const Source& src, const char* field, int line) {
    auto it = e.find(field);
    if (it == e.end()) {
      Add(line, src.label, field, "is required");
      return "";
    }
    const int field_line = LineOf(src.pointer + "/" + field);
    if (!it->is_string()) {
      Add(field_line, src.label, field, "must be a string");
      return "";
    }
    std::string value = it->get<std::string>();
    if (Trim(value).empty()) {
      Add(field_line, src.label, field, "must not be empty");
      return "";
    }
    return value;
  }

  std::string OptionalString(const json& e, const Source& src, const char* field) {
    auto it = e.find(field);
    if (it == e.end()) return "";
    if (!it->is_string()) {
      Add(LineOf(src.pointer + "/" + field), src.label, field, "must be a string");
      return "";
    }
    return it->get<std::string>();
  }

  void CheckValues(const json& e, const Source& src, int line, VariableDefinition* def) {
    const std::string pointer = src.pointer + "/values";
    auto values = e.find("values");
    if (values == e.end()) {
      Add(line, src.label, "values", "is required");
      return;
    }
    if (!values->is_array()) {
      Add(LineOf(pointer), src.label, "values", "must be an array");
      return;
    }
    if (values->empty()) {
      Add(LineOf(pointer), src.label, "values", "must not be empty");
      return;
    }
    std::optional<CivilDate> previous;
    size_t previous_index = 0;
    for (size_t i = 0; i < values->size(); ++i) {
      const json& v = (*values)[i];
      const std::string vp = JsonLineMap::Child(pointer, i);
      const std::string field = "values[" + std::to_string(i) + "]";
      if (!v.is_object()) {
        Add(LineOf(vp), src.label, field, "must be an object");
        continue;
      }
      for (const auto& item : v.items()) {
        if (item.key() != "from" && item.key() != "value" && item.key() != "source") {
          Add(LineOf(JsonLineMap::Child(vp, item.key())), src.label, field,
              "unknown key '" + item.key() + "'");
        }
      }
      VariableValue value;
      bool ok = true;
      auto from = v.find("from");
      if (from == v.end()) {
        Add(LineOf(vp), src.label, field + ".from", "is required");
        ok = false;
      } else if (!from->is_string() || !CivilDate::ParseIso(from->get<std::string>())) {
        Add(LineOf(vp + "/from"), src.label, field + ".from",
            from->is_string() ? "must be a real date YYYY-MM-DD, got '" + from->get<std::string>() + "'"
                              : std::string("must be a string YYYY-MM-DD"));
        ok = false;
      } else {
        value.from = *CivilDate::ParseIso(from->get<std::string>());
        if (previous && !(*previous < value.from)) {
          Add(LineOf(vp + "/from"), src.label, field + ".from",
              "must be after values[" + std::to_string(previous_index) + "].from (" +
                  previous->ToIso() + "); values must be sorted by date");
        }
        previous = value.from;
        previous_index = i;
      }
      auto number = v.find("value");
      if (number == v.end()) {
        Add(LineOf(vp), src.label, field + ".value", "is required");
        ok = false;
      } else if (!number->is_number()) {
        Add(LineOf(vp + "/value"), src.label, field + ".value", "must be a number");
        ok = false;
      } else {
        value.value = number->get<double>();
      }
      value.source = OptionalString(v, Source{vp, src.label}, "source");
      if (ok) def->values.push_back(std::move(value));
    }
  }

  // Needs every name, so it runs after all definitions were read.
  void CheckFormulas() {
    inputs_.assign(defs_.size(), {});
    for (size_t k = 0; k < defs_.size(); ++k) {
      const VariableDefinition& def = defs_[k];
      if (def.formula.empty()) continue;
      const std::string& label = def_labels_[k];
      const int line = formula_lines_[k];
      const size_t bad = def.formula.find_first_not_of(kFormulaChars);
      if (bad != std::string::npos) {
        Add(line, label, "formula",
            "may only use numbers, variable names, + - * / and parentheses; found '" +
                CharAt(def.formula, bad) + "'");
        continue;
      }
      std::vector<std::string> used;
      try {
        mu::Parser parser;
        RestrictToArithmetic(&parser);
        parser.SetExpr(def.formula);
        for (const auto& var : parser.GetUsedVar()) used.push_back(var.first);
      } catch (const mu::Parser::exception_type& e) {
        Add(line, label, "formula", "does not parse: " + e.GetMsg());
        continue;
      }
      if (used.empty()) {
        Add(line, label, "formula", "must use at least one variable");
        continue;
      }
      for (const std::string& name : used) {
        auto it = std::find_if(defs_.begin(), defs_.end(),
                               [&](const VariableDefinition& d) { return d.name == name; });
        if (it == defs_.end()) {
          Add(line, label, "formula", "unknown name '" + name + "'");
        } else {
          inputs_[k].push_back(static_cast<size_t>(it - defs_.begin()));
        }
      }
    }
  }

  // Depth-first search; a grey node reached again closes a cycle.
  void CheckCycles() {
    std::vector<int> colour(defs_.size(), 0);  // 0 white, 1 grey, 2 black
    std::vector<size_t> path;
    for (size_t k = 0; k < defs_.size(); ++k) Visit(k, &colour, &path);
  }

  void Visit(size_t k, std::vector<int>* colour, std::vector<size_t>* path) {
    if ((*colour)[k] != 0) return;
    (*colour)[k] = 1;
    path->push_back(k);
    for (size_t next : inputs_[k]) {
      if ((*colour)[next] == 1) {
        auto start = std::find(path->begin(), path->end(), next);
        std::string cycle;
        for (auto it = start; it != path->end(); ++it) cycle += defs_[*it].name + " -> ";
        cycle += defs_[next].name;
        Add(formula_lines_[next], defs_[next].name, "formula", "depends on itself: " + cycle);
      } else {
        Visit(next, colour, path);
      }
    }
    path->pop_back();
    (*colour)[k] = 2;
  }

  std::string_view text_;
  const std::string& file_;
  std::vector<ContentProblem>* problems_;
  JsonLineMap lines_;
  std::vector<VariableDefinition> defs_;
  std::vector<int> formula_lines_;  // parallel to defs_
  std::vector<std::vector<size_t>> inputs_;
  std::map<std::string, int> name_lines_;
  std::map<std::string, std::string> labels_;  // definition pointer -> label
  std::vector<std::string> def_labels_;        // parallel to defs_
};

}  // namespace

std::unique_ptr<VariableTable> VariableTable::Parse(std::string_view text,
                                                    const std::string& file_label,
                                                    std::vector<ContentProblem>* problems) {
  std::vector<ContentProblem> local;
  if (problems == nullptr) problems = &local;
  const size_t before = problems->size();
  auto table = std::make_unique<VariableTable>();
  if (!VariablesParser(text, file_label, problems).Run(&table->definitions_, &table->inputs_)) {
    return nullptr;
  }
  for (size_t k = 0; k < table->definitions_.size(); ++k) {
    table->by_name_.emplace(table->definitions_[k].name, k);
  }
  // A formula can divide by a value that is 0 on some date: check on every
  // date a base value changes.
  const size_t base_count = static_cast<size_t>(
      std::count_if(table->definitions_.begin(), table->definitions_.end(),
                    [](const VariableDefinition& d) { return !d.derived(); }));
  std::set<long> change_days;
  for (const VariableDefinition& def : table->definitions_) {
    for (const VariableValue& v : def.values) change_days.insert(v.from.DaysSinceEpoch());
  }
  for (long day : change_days) {
    const CivilDate date = CivilDate::FromDaysSinceEpoch(day);
    Memo memo;
    for (size_t k = 0; k < table->definitions_.size(); ++k) {
      const VariableDefinition& def = table->definitions_[k];
      if (!def.derived()) continue;
      auto value = table->Evaluate(k, date, &memo);
      if (!value || std::isfinite(value->value)) continue;
      const bool inputs_finite = std::all_of(
          table->inputs_[k].begin(), table->inputs_[k].end(), [&](size_t input) {
            auto v = table->Evaluate(input, date, &memo);
            return v && std::isfinite(v->value);
          });
      if (inputs_finite) {
        // definitions_ holds the base variables, then the derived ones, in
        // file order (a file with any problem never gets here).
        const size_t derived_index = k - base_count;
        const int line = JsonLineMap(text).LineOf(
            JsonLineMap::Child(JsonLineMap::Child("/derived", derived_index), "formula"));
        problems->push_back(ContentProblem{file_label, line, def.name, "formula",
                                           "is not a finite number on " + date.ToIso()});
      }
    }
  }
  if (problems->size() != before) return nullptr;
  return table;
}

std::unique_ptr<VariableTable> VariableTable::Load(const std::string& path,
                                                   std::vector<ContentProblem>* problems) {
  std::vector<ContentProblem> local;
  if (problems == nullptr) problems = &local;
  std::string text;
  if (!ReadContentFile(path, &text, problems)) return nullptr;
  return Parse(text, path, problems);
}

std::optional<ValueOnDate> VariableTable::Evaluate(size_t index, const CivilDate& date,
                                                   Memo* memo) const {
  const VariableDefinition& def = definitions_[index];
  if (!def.derived()) {
    // values are sorted: the last one that has started applies.
    auto it = std::upper_bound(def.values.begin(), def.values.end(), date,
                               [](const CivilDate& d, const VariableValue& v) { return d < v.from; });
    if (it == def.values.begin()) return std::nullopt;
    --it;
    return ValueOnDate{it->value, it->from};
  }
  auto cached = memo->find(index);
  if (cached != memo->end()) return cached->second;

  const std::vector<size_t>& inputs = inputs_[index];
  // Storage for muparser's variable pointers; sized once so they stay valid.
  std::vector<double> values(inputs.size());
  CivilDate in_force_from = CivilDate::FromDaysSinceEpoch(-1000000);
  std::optional<ValueOnDate> result;
  bool complete = true;
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto v = Evaluate(inputs[i], date, memo);
    if (!v) {
      complete = false;
      break;
    }
    values[i] = v->value;
    if (in_force_from < v->in_force_from) in_force_from = v->in_force_from;
  }
  if (complete) {
    try {
      mu::Parser parser;
      RestrictToArithmetic(&parser);
      for (size_t i = 0; i < inputs.size(); ++i) {
        parser.DefineVar(definitions_[inputs[i]].name, &values[i]);
      }
      parser.SetExpr(def.formula);
      double value = parser.Eval();
      if (def.unit == VariableUnit::kDong) value = RoundTo(value, 0);
      result = ValueOnDate{value, in_force_from};
    } catch (const mu::Parser::exception_type&) {
      // Checked at Parse; treat as "no value" rather than fail a reply.
      result = std::nullopt;
    }
  }
  (*memo)[index] = result;
  return result;
}

bool VariableTable::Has(std::string_view name) const {
  if (name.size() > kTuNgay.size() && name.substr(name.size() - kTuNgay.size()) == kTuNgay) {
    name.remove_suffix(kTuNgay.size());
  }
  return by_name_.find(name) != by_name_.end();
}

std::optional<ValueOnDate> VariableTable::ValueOn(std::string_view name, const CivilDate& date) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  Memo memo;
  auto value = Evaluate(it->second, date, &memo);
  if (!value || !std::isfinite(value->value)) return std::nullopt;
  return value;
}

std::optional<std::string> VariableTable::FormatOn(std::string_view name, const CivilDate& date) const {
  if (name.size() > kTuNgay.size() && name.substr(name.size() - kTuNgay.size()) == kTuNgay) {
    auto value = ValueOn(name.substr(0, name.size() - kTuNgay.size()), date);
    if (!value) return std::nullopt;
    return value->in_force_from.ToVietnamese();
  }
  auto value = ValueOn(name, date);
  if (!value) return std::nullopt;
  switch (definitions_[by_name_.find(name)->second].unit) {
    case VariableUnit::kDong: return FormatDong(value->value);
    case VariableUnit::kPercent: return FormatPercent(value->value);
    case VariableUnit::kNumber: return FormatVietnameseNumber(value->value);
  }
  return std::nullopt;
}

std::string VariableTable::Render(std::string_view text, const CivilDate& date,
                                  std::vector<std::string>* unresolved) const {
  std::string out;
  size_t pos = 0;
  for (const Placeholder& p : FindPlaceholders(text)) {
    out.append(text.substr(pos, p.begin - pos));
    auto value = FormatOn(p.name, date);
    if (value) {
      out += *value;
    } else {
      out.append(text.substr(p.begin, p.end - p.begin));
      if (unresolved) unresolved->push_back(p.name);
    }
    pos = p.end;
  }
  out.append(text.substr(pos));
  return out;
}

std::vector<std::string> ReferencedVariables(std::string_view text) {
  std::vector<std::string> names;
  for (const Placeholder& p : FindPlaceholders(text)) {
    if (std::find(names.begin(), names.end(), p.name) == names.end()) names.push_back(p.name);
  }
  return names;
}

std::string FormatVietnameseNumber(double value) {
  if (!std::isfinite(value)) return "NaN";
  const double rounded = RoundTo(value, 2);
  const double magnitude = std::fabs(rounded);
  if (magnitude >= 1e15) {  // cents would not fit exactly; no decimals at this size
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.0f", magnitude);
    return (rounded < 0 ? "-" : "") + GroupThousands(buf);
  }
  const auto cents = static_cast<unsigned long long>(std::llround(magnitude * 100));
  if (cents == 0) return "0";
  std::string out = rounded < 0 ? "-" : "";
  out += GroupThousands(std::to_string(cents / 100));
  const unsigned long long fraction = cents % 100;
  if (fraction != 0) {
    out += ',';
    out += static_cast<char>('0' + fraction / 10);
    if (fraction % 10 != 0) out += static_cast<char>('0' + fraction % 10);
  }
  return out;
}

std::string FormatDong(double amount) {
  return FormatVietnameseNumber(RoundTo(amount, 0)) + " đồng";
}

std::string FormatPercent(double percent) { return FormatVietnameseNumber(percent) + "%"; }

}  // namespace bhxh
