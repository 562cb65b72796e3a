#include "content/communes.h"

#include <utf8proc.h>

#include <algorithm>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "content/text_normalizer.h"

namespace bhxh {
namespace {

using nlohmann::json;

constexpr const char* kTopKeys[] = {"source", "communes", "former_districts"};
constexpr const char* kCommuneKeys[] = {"code", "name", "agency", "old_units", "aliases"};
constexpr const char* kDistrictKeys[] = {"name", "communes"};

template <size_t N>
bool IsOneOf(const std::string& key, const char* const (&keys)[N]) {
  return std::find_if(std::begin(keys), std::end(keys), [&](const char* k) { return key == k; }) !=
         std::end(keys);
}

bool IsBlank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

bool IsCommuneCode(const std::string& code) {
  return code.size() == 5 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A word as typed: its bytes in the text and its matching forms.
struct TypedWord {
  size_t begin = 0;
  size_t end = 0;
  std::string folded;            // "ha"
  std::string toneless;          // "ha", "sơn"
  int tone = 0;                  // 0 when typed without a tone mark
  bool has_vowel_marks = false;  // typed with ơ, â, đ ... ("sơn", not "son")
};

// Splits `text` into words the way CanonicalToned separates syllables: a
// word is a run of letters, combining marks and digits (so NFD input stays
// one word per syllable); anything else, and bytes that are not UTF-8,
// separates words.
std::vector<TypedWord> SplitTypedWords(std::string_view text) {
  std::vector<TypedWord> words;
  const auto* base = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  size_t pos = 0;
  size_t word_begin = std::string_view::npos;
  auto close_word = [&](size_t end) {
    if (word_begin == std::string_view::npos) return;
    TypedWord w;
    w.begin = word_begin;
    w.end = end;
    const std::string_view raw = text.substr(word_begin, end - word_begin);
    w.folded = FoldVietnamese(raw);
    std::string toned = CanonicalToned(raw);
    // The tone digit CanonicalToned appends; a digit the citizen typed
    // ("ha5") folds to itself, so it is not a tone.
    const bool typed_digit = !w.folded.empty() && w.folded.back() >= '0' && w.folded.back() <= '9';
    if (!typed_digit && !toned.empty() && toned.back() >= '1' && toned.back() <= '5') {
      w.tone = toned.back() - '0';
      toned.pop_back();
    }
    w.toneless = std::move(toned);
    w.has_vowel_marks = w.toneless != w.folded;
    words.push_back(std::move(w));
    word_begin = std::string_view::npos;
  };
  while (pos < text.size()) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n =
        utf8proc_iterate(base + pos, static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    if (n <= 0) {
      close_word(pos);
      ++pos;
      continue;
    }
    const auto cat = utf8proc_category(cp);
    const bool word_char = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                           cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
                           cat == UTF8PROC_CATEGORY_ND;
    if (word_char) {
      if (word_begin == std::string_view::npos) word_begin = pos;
    } else {
      close_word(pos);
    }
    pos += static_cast<size_t>(n);
  }
  close_word(text.size());
  return words;
}

// The key names are compared by: lower-case NFC, tone marks in a canonical
// place ("Sơn Thuỷ" == "sơn thủy"), without a leading "xã".
std::string NameKey(std::string_view name) {
  std::string key = CanonicalToned(name);
  static const std::string kXa = CanonicalToned("xã") + " ";
  if (key.compare(0, kXa.size(), kXa) == 0) key.erase(0, kXa.size());
  return key;
}

class CommuneFileParser {
 public:
  CommuneFileParser(std::string_view text, const std::string& file_label,
                    std::vector<ContentProblem>* problems)
      : text_(text), file_(file_label), problems_(problems), lines_(text) {}

  // Fills the outputs and returns true when the file has no problem.
  bool Run(std::string* source, std::vector<Commune>* communes,
           std::vector<std::pair<std::string, std::vector<std::string>>>* districts) {
    const size_t before = problems_->size();
    json doc = json::parse(text_.begin(), text_.end(), nullptr, false);
    if (doc.is_discarded()) {
      problems_->push_back(JsonSyntaxProblem(text_, file_));
      return false;
    }
    CheckDocument(doc);
    // Passes run by kind, not by position; staff read the list top to bottom.
    std::stable_sort(
        problems_->begin() + static_cast<long>(before), problems_->end(),
        [](const ContentProblem& a, const ContentProblem& b) { return a.line < b.line; });
    if (problems_->size() != before) return false;
    *source = std::move(source_);
    *communes = std::move(communes_);
    *districts = std::move(districts_);
    return true;
  }

 private:
  // Where a name (new name, alias or old unit) was first seen, so that a
  // name naming two communes is reported with both places.
  struct NameUse {
    size_t commune;
    std::string code;
    int line;
  };

  void Add(int line, const std::string& entry, const std::string& field, std::string message) {
    problems_->push_back(ContentProblem{file_, line, entry, field, std::move(message)});
  }
  int LineOf(const std::string& pointer) const { return lines_.LineOf(pointer); }

  // The entry's required "name" (NFC), unless it is missing, blank or the
  // same as an earlier one of its `kind` ("commune", "district"), recorded
  // with its line in `seen`; each of those is a problem.
  std::optional<std::string> UniqueName(const json& e, const std::string& pointer,
                                        const std::string& label, int entry_line, const char* kind,
                                        std::map<std::string, int>* seen) {
    auto name = e.find("name");
    if (name == e.end()) {
      Add(entry_line, label, "name", "is required");
      return std::nullopt;
    }
    if (!name->is_string() || IsBlank(name->get<std::string>())) {
      Add(LineOf(pointer + "/name"), label, "name", "must be a non-empty string");
      return std::nullopt;
    }
    std::string value = NormalizeNfc(name->get<std::string>());
    const int line = LineOf(pointer + "/name");
    auto [first, inserted] = seen->emplace(NameKey(value), line);
    if (!inserted) {
      Add(line, label, "name",
          "'" + value + "' duplicates the " + kind + " name at line " + std::to_string(first->second));
      return std::nullopt;
    }
    return value;
  }

  void CheckDocument(const json& doc) {
    if (!doc.is_object()) {
      Add(LineOf(""), "", "", "top level must be an object with the key 'communes'");
      return;
    }
    for (const auto& item : doc.items()) {
      if (!IsOneOf(item.key(), kTopKeys)) {
        Add(LineOf(JsonLineMap::Child("", item.key())), "", "", "unknown key '" + item.key() + "'");
      }
    }
    for (const auto& dup : lines_.duplicate_keys()) {
      Add(dup.line, "", "", "duplicate key '" + dup.key + "'");
    }
    auto source = doc.find("source");
    if (source == doc.end()) {
      Add(LineOf(""), "", "source", "is required");
    } else if (!source->is_string() || IsBlank(source->get<std::string>())) {
      Add(LineOf("/source"), "", "source", "must be a non-empty string");
    } else {
      source_ = NormalizeNfc(source->get<std::string>());
    }
    auto communes = doc.find("communes");
    if (communes == doc.end()) {
      Add(LineOf(""), "", "communes", "is required");
    } else if (!communes->is_array() || communes->empty()) {
      Add(LineOf("/communes"), "", "communes", "must be a non-empty array");
    } else {
      for (size_t i = 0; i < communes->size(); ++i) CheckCommune((*communes)[i], i);
    }
    auto districts = doc.find("former_districts");
    if (districts != doc.end()) {
      if (!districts->is_array()) {
        Add(LineOf("/former_districts"), "", "former_districts", "must be an array");
      } else {
        for (size_t i = 0; i < districts->size(); ++i) CheckDistrict((*districts)[i], i);
      }
    }
  }

  void CheckCommune(const json& e, size_t index) {
    const std::string pointer = JsonLineMap::Child("/communes", index);
    std::string label = "communes[" + std::to_string(index) + "]";
    const int entry_line = LineOf(pointer);
    if (!e.is_object()) {
      Add(entry_line, label, "", "must be an object");
      return;
    }
    Commune commune;
    auto code = e.find("code");
    const int code_line = LineOf(pointer + "/code");
    if (code == e.end()) {
      Add(entry_line, label, "code", "is required");
    } else if (!code->is_string() || !IsCommuneCode(code->get<std::string>())) {
      Add(code_line, label, "code", "must be a 5-digit string, got " + code->dump());
    } else {
      commune.code = code->get<std::string>();
      label = commune.code;
      auto [first, inserted] = code_lines_.emplace(commune.code, code_line);
      if (!inserted) {
        Add(code_line, label, "code",
            "duplicates the code at line " + std::to_string(first->second));
      }
    }
    for (const auto& item : e.items()) {
      if (!IsOneOf(item.key(), kCommuneKeys)) {
        Add(LineOf(JsonLineMap::Child(pointer, item.key())), label, "",
            "unknown key '" + item.key() + "'");
      }
    }
    const size_t self = communes_.size();
    if (auto name = UniqueName(e, pointer, label, entry_line, "commune", &commune_names_)) {
      commune.name = *name;
      ClaimName(commune.name, self, commune.code, LineOf(pointer + "/name"), label, "name");
    }
    auto agency = e.find("agency");
    if (agency != e.end()) {
      if (!agency->is_string()) {
        Add(LineOf(pointer + "/agency"), label, "agency", "must be a string (may be empty)");
      } else {
        commune.agency = NormalizeNfc(agency->get<std::string>());
      }
    }
    commune.old_units = NameList(e, pointer, label, "old_units", true, self, commune.code);
    commune.aliases = NameList(e, pointer, label, "aliases", false, self, commune.code);
    communes_.push_back(std::move(commune));
  }

  std::vector<std::string> NameList(const json& e, const std::string& pointer,
                                    const std::string& label, const char* field, bool required,
                                    size_t self, const std::string& code) {
    std::vector<std::string> out;
    auto list = e.find(field);
    if (list == e.end()) {
      if (required) Add(LineOf(pointer), label, field, "is required");
      return out;
    }
    if (!list->is_array()) {
      Add(LineOf(pointer + "/" + field), label, field, "must be an array of names");
      return out;
    }
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string item_field = std::string(field) + "[" + std::to_string(i) + "]";
      const int line = LineOf(JsonLineMap::Child(pointer + "/" + field, i));
      const json& v = (*list)[i];
      if (!v.is_string() || IsBlank(v.get<std::string>())) {
        Add(line, label, item_field, "must be a non-empty string");
        continue;
      }
      out.push_back(NormalizeNfc(v.get<std::string>()));
      ClaimName(out.back(), self, code, line, label, item_field);
    }
    return out;
  }

  // A name may appear several times for the same commune (old Sơn Hạ is in
  // new Sơn Hạ), but never for two communes: Resolve() would then answer two
  // communes for a name that means one, and an old unit was merged whole.
  void ClaimName(const std::string& name, size_t commune, const std::string& code, int line,
                 const std::string& label, const std::string& field) {
    auto [first, inserted] = name_uses_.emplace(NameKey(name), NameUse{commune, code, line});
    if (inserted || first->second.commune == commune) return;
    const std::string other =
        first->second.code.empty() ? "another commune" : "commune " + first->second.code;
    Add(line, label, field,
        "'" + name + "' already names " + other + " (line " + std::to_string(first->second.line) +
            ")");
  }

  void CheckDistrict(const json& e, size_t index) {
    const std::string pointer = JsonLineMap::Child("/former_districts", index);
    std::string label = "former_districts[" + std::to_string(index) + "]";
    const int entry_line = LineOf(pointer);
    if (!e.is_object()) {
      Add(entry_line, label, "", "must be an object");
      return;
    }
    for (const auto& item : e.items()) {
      if (!IsOneOf(item.key(), kDistrictKeys)) {
        Add(LineOf(JsonLineMap::Child(pointer, item.key())), label, "",
            "unknown key '" + item.key() + "'");
      }
    }
    std::pair<std::string, std::vector<std::string>> district;
    if (auto name = UniqueName(e, pointer, label, entry_line, "district", &district_names_)) {
      district.first = *name;
    }
    auto codes = e.find("communes");
    if (codes == e.end()) {
      Add(entry_line, label, "communes", "is required");
    } else if (!codes->is_array() || codes->empty()) {
      Add(LineOf(pointer + "/communes"), label, "communes",
          "must be a non-empty array of commune codes");
    } else {
      for (size_t i = 0; i < codes->size(); ++i) {
        const std::string field = "communes[" + std::to_string(i) + "]";
        const int line = LineOf(JsonLineMap::Child(pointer + "/communes", i));
        const json& v = (*codes)[i];
        if (!v.is_string()) {
          Add(line, label, field, "must be a commune code string");
          continue;
        }
        const std::string code = v.get<std::string>();
        if (code_lines_.count(code) == 0) {
          Add(line, label, field, "unknown commune code '" + code + "'");
          continue;
        }
        // A commune lies in one former district; in two, "huyện X" would
        // offer it for a district it was never part of.
        auto [first, inserted] = district_of_code_.emplace(code, line);
        if (!inserted) {
          Add(line, label, field,
              "commune " + code + " is already in a district at line " +
                  std::to_string(first->second));
          continue;
        }
        district.second.push_back(code);
      }
    }
    districts_.push_back(std::move(district));
  }

  std::string_view text_;
  const std::string& file_;
  std::vector<ContentProblem>* problems_;
  JsonLineMap lines_;

  std::string source_;
  std::vector<Commune> communes_;
  std::vector<std::pair<std::string, std::vector<std::string>>> districts_;
  std::map<std::string, int> code_lines_;
  std::map<std::string, int> commune_names_;
  std::map<std::string, int> district_names_;
  std::map<std::string, int> district_of_code_;
  std::map<std::string, NameUse> name_uses_;
};

// One place in the text that names a pattern.
struct Found {
  size_t first_word;
  size_t words;       // including "huyện"
  size_t name_words;  // the name alone
  size_t pattern;
};

bool SameSyllable(const TypedWord& typed, const std::string& folded, const std::string& toneless,
                  int tone) {
  if (typed.folded != folded) return false;
  // What the citizen typed must agree; what they left out matches anything
  // ("son" is every "sơn", "ha" every tone of "ha", but "hạ" only "hạ").
  if (typed.has_vowel_marks && typed.toneless != toneless) return false;
  if (typed.tone != 0 && typed.tone != tone) return false;
  return true;
}

bool IsDistrictWord(const TypedWord& w) { return w.folded == "huyen" || w.folded == "h"; }

}  // namespace

std::unique_ptr<CommuneDirectory> CommuneDirectory::Parse(std::string_view text,
                                                          const std::string& file_label,
                                                          std::vector<ContentProblem>* problems) {
  std::unique_ptr<CommuneDirectory> dir(new CommuneDirectory());
  std::vector<std::pair<std::string, std::vector<std::string>>> districts;
  CommuneFileParser parser(text, file_label, problems);
  if (!parser.Run(&dir->source_, &dir->communes_, &districts)) return nullptr;
  for (auto& d : districts)
    dir->districts_.push_back(District{std::move(d.first), std::move(d.second)});
  dir->BuildPatterns();
  return dir;
}

std::unique_ptr<CommuneDirectory> CommuneDirectory::Load(const std::string& path,
                                                         std::vector<ContentProblem>* problems) {
  std::string text;
  if (!ReadContentFile(path, &text, problems)) return nullptr;
  return Parse(text, path, problems);
}

void CommuneDirectory::BuildPatterns() {
  auto syllables_of = [](const std::string& name) {
    std::vector<Syllable> out;
    for (TypedWord& w : SplitTypedWords(name)) {
      out.push_back(Syllable{std::move(w.folded), std::move(w.toneless), w.tone});
    }
    return out;
  };
  for (size_t i = 0; i < communes_.size(); ++i) {
    const Commune& c = communes_[i];
    std::vector<const std::string*> names = {&c.name};
    for (const auto& n : c.aliases) names.push_back(&n);
    for (const auto& n : c.old_units) names.push_back(&n);
    for (const std::string* n : names) {
      NamePattern p{syllables_of(*n), {i}, false};
      if (!p.syllables.empty()) patterns_.push_back(std::move(p));
    }
  }
  for (const District& d : districts_) {
    NamePattern p{syllables_of(d.name), {}, true};
    for (const auto& code : d.codes) {
      const Commune* c = FindByCode(code);
      if (c != nullptr) p.communes.push_back(static_cast<size_t>(c - communes_.data()));
    }
    std::sort(p.communes.begin(), p.communes.end());
    if (!p.syllables.empty() && !p.communes.empty()) patterns_.push_back(std::move(p));
  }
}

const Commune* CommuneDirectory::FindByCode(std::string_view code) const {
  for (const Commune& c : communes_) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

const Commune* CommuneDirectory::FindByName(std::string_view name) const {
  const std::string key = NameKey(name);
  if (key.empty()) return nullptr;
  for (const Commune& c : communes_) {
    if (NameKey(c.name) == key) return &c;
  }
  return nullptr;
}

CommuneMatch CommuneDirectory::Resolve(std::string_view text) const {
  const std::vector<TypedWord> words = SplitTypedWords(text);
  std::vector<Found> found;
  for (size_t start = 0; start < words.size(); ++start) {
    for (size_t p = 0; p < patterns_.size(); ++p) {
      const NamePattern& pattern = patterns_[p];
      size_t at = start;
      if (pattern.district) {
        if (!IsDistrictWord(words[at])) continue;
        ++at;
      }
      const size_t n = pattern.syllables.size();
      if (at + n > words.size()) continue;
      bool all = true;
      for (size_t k = 0; k < n && all; ++k) {
        const Syllable& s = pattern.syllables[k];
        all = SameSyllable(words[at + k], s.folded, s.toneless, s.tone);
      }
      if (all) found.push_back(Found{start, at - start + n, n, p});
    }
  }
  // The longest name wins where names overlap ("sơn tây hạ" holds "sơn
  // tây"; "huyện Sơn Tây Hạ" is the commune, not the district); at equal
  // length "huyện Sơn Hà" (the district) beats the commune inside it.
  std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    if (a.name_words != b.name_words) return a.name_words > b.name_words;
    if (a.words != b.words) return a.words > b.words;
    return a.first_word < b.first_word;
  });
  // Names found on exactly the same words are kept together: "son ha" is
  // both Sơn Hà and Sơn Hạ.
  std::vector<bool> used(words.size(), false);
  std::vector<const Found*> kept;
  for (const Found& f : found) {
    if (!kept.empty() && kept.back()->first_word == f.first_word && kept.back()->words == f.words) {
      kept.push_back(&f);
      continue;
    }
    const auto begin = used.begin() + static_cast<long>(f.first_word);
    const auto end = begin + static_cast<long>(f.words);
    if (std::find(begin, end, true) != end) continue;
    std::fill(begin, end, true);
    kept.push_back(&f);
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const Found* a, const Found* b) { return a->first_word < b->first_word; });

  CommuneMatch match;
  std::set<size_t> communes;
  for (size_t k = 0; k < kept.size(); ++k) {
    const Found* f = kept[k];
    const auto& targets = patterns_[f->pattern].communes;
    communes.insert(targets.begin(), targets.end());
    if (k > 0 && kept[k - 1]->first_word == f->first_word) continue;  // same words
    if (!match.matched.empty()) match.matched += ", ";
    const size_t b = words[f->first_word].begin;
    const size_t e = words[f->first_word + f->words - 1].end;
    match.matched += std::string(text.substr(b, e - b));
  }
  for (size_t i : communes) match.candidates.push_back(&communes_[i]);
  return match;
}

}  // namespace bhxh
