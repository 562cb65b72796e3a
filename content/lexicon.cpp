#include "content/lexicon.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "content/text_normalizer.h"

namespace bhxh {
namespace {

using json = nlohmann::json;

std::string FoldPhrase(const std::string& s) {
  std::string out;
  for (const auto& w : SplitWords(FoldVietnamese(s))) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

void Problem(std::vector<ContentProblem>* problems, const std::string& file,
             const std::string& field, const std::string& message) {
  if (problems) problems->push_back(ContentProblem{file, 0, "", field, message});
}

bool ReadStringList(const json& root, const char* key, const std::string& file,
                    std::vector<std::string>* out, std::vector<ContentProblem>* problems) {
  if (!root.contains(key)) return true;
  const json& list = root.at(key);
  if (!list.is_array()) {
    Problem(problems, file, key, "must be an array of strings");
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = std::string(key) + "[" + std::to_string(i) + "]";
    if (!list[i].is_string() || FoldPhrase(list[i].get<std::string>()).empty()) {
      Problem(problems, file, field, "must be a non-empty string");
      ok = false;
      continue;
    }
    out->push_back(list[i].get<std::string>());
  }
  return ok;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

bool ParseLexicon(std::string_view abbreviations_json, const std::string& abbreviations_label,
                  std::string_view lexicon_json, const std::string& lexicon_label, Lexicon* out,
                  std::vector<ContentProblem>* problems) {
  bool ok = true;
  Lexicon lex;

  const json abbr = json::parse(abbreviations_json, nullptr, false);
  if (abbr.is_discarded() || !abbr.is_object()) {
    Problem(problems, abbreviations_label, "", "not a JSON object");
    ok = false;
  } else {
    for (const auto& kv : abbr.items()) {
      if (kv.key() != "abbreviations" && kv.key() != "after_number") {
        Problem(problems, abbreviations_label, kv.key(), "unknown key '" + kv.key() + "'");
        ok = false;
      }
    }
    if (!abbr.contains("abbreviations") || !abbr.at("abbreviations").is_object()) {
      Problem(problems, abbreviations_label, "abbreviations",
              "must be an object of short form -> full form");
      ok = false;
    } else {
      for (const auto& kv : abbr.at("abbreviations").items()) {
        const std::string key = FoldPhrase(kv.key());
        if (key.empty() || !kv.value().is_string() ||
            FoldPhrase(kv.value().get<std::string>()).empty()) {
          Problem(problems, abbreviations_label, "abbreviations." + kv.key(),
                  "must map a non-empty short form to a non-empty string");
          ok = false;
          continue;
        }
        lex.abbreviations[key] = FoldPhrase(kv.value().get<std::string>());
      }
    }
    if (abbr.contains("after_number")) {
      const json& units = abbr.at("after_number");
      if (!units.is_object()) {
        Problem(problems, abbreviations_label, "after_number",
                "must be an object of unit -> full word");
        ok = false;
      } else {
        for (const auto& kv : units.items()) {
          const std::string key = FoldPhrase(kv.key());
          if (key.empty() || key.find(' ') != std::string::npos || !kv.value().is_string() ||
              FoldPhrase(kv.value().get<std::string>()).empty()) {
            Problem(problems, abbreviations_label, "after_number." + kv.key(),
                    "must map a one-word unit to a non-empty string");
            ok = false;
            continue;
          }
          lex.after_number[key] = FoldPhrase(kv.value().get<std::string>());
        }
      }
    }
  }

  const json root = json::parse(lexicon_json, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    Problem(problems, lexicon_label, "", "not a JSON object");
    ok = false;
  } else {
    static const char* kKeys[] = {"synonyms", "stopwords", "smalltalk", "out_of_scope",
                                  "personal_case", "personal_case_hints", "in_scope", "_comment"};
    for (const auto& kv : root.items()) {
      if (std::find(std::begin(kKeys), std::end(kKeys), kv.key()) == std::end(kKeys)) {
        Problem(problems, lexicon_label, kv.key(), "unknown key '" + kv.key() + "'");
        ok = false;
      }
    }
    if (root.contains("synonyms")) {
      const json& syn = root.at("synonyms");
      if (!syn.is_object()) {
        Problem(problems, lexicon_label, "synonyms", "must be an object of canonical -> [variants]");
        ok = false;
      } else {
        for (const auto& kv : syn.items()) {
          // "hộ_cận_nghèo": underscores glue the canonical phrase into one
          // word, so it never shares words with a near neighbour ("hộ
          // nghèo"); the phrase written with spaces becomes a variant.
          std::string canonical;
          std::string spaced;
          size_t start = 0;
          const std::string& key = kv.key();
          while (start <= key.size()) {
            size_t end = key.find('_', start);
            if (end == std::string::npos) end = key.size();
            std::string part = FoldPhrase(key.substr(start, end - start));
            if (key.find('_') != std::string::npos) std::replace(part.begin(), part.end(), ' ', '_');
            if (!part.empty()) {
              canonical += (canonical.empty() ? "" : "_") + part;
              spaced += (spaced.empty() ? "" : " ") + FoldPhrase(key.substr(start, end - start));
            }
            start = end + 1;
          }
          if (canonical != spaced && !canonical.empty()) lex.synonyms[spaced] = canonical;
          if (canonical.empty() || !kv.value().is_array()) {
            Problem(problems, lexicon_label, "synonyms." + kv.key(),
                    "must map a phrase to an array of variant phrases");
            ok = false;
            continue;
          }
          for (const auto& v : kv.value()) {
            if (!v.is_string() || FoldPhrase(v.get<std::string>()).empty()) {
              Problem(problems, lexicon_label, "synonyms." + kv.key(),
                      "variants must be non-empty strings");
              ok = false;
              continue;
            }
            const std::string variant = FoldPhrase(v.get<std::string>());
            if (variant != canonical) lex.synonyms[variant] = canonical;
          }
          // A multi-word canonical phrase maps to itself so that, scanning
          // left to right, it is consumed whole before a shorter variant
          // inside it could match ("như thế nào" must not become
          // "như như thế nào" through the variant "thế nào").
          if (SplitWords(canonical).size() > 1 && !lex.synonyms.count(canonical)) {
            lex.synonyms[canonical] = canonical;
          }
        }
      }
    }
    std::vector<std::string> stop;
    ok &= ReadStringList(root, "stopwords", lexicon_label, &stop, problems);
    for (const auto& written : stop) {
      const std::string s = FoldPhrase(written);
      // One word: dropped wherever it stands. Several words: the phrase is
      // dropped only as a whole ("cho em hỏi"), so "con" or "hỏi" on their
      // own keep their meaning.
      if (SplitWords(s).size() == 1) {
        lex.stopwords.insert(s);
      } else {
        lex.synonyms[s] = "";
      }
    }
    ok &= ReadStringList(root, "smalltalk", lexicon_label, &lex.smalltalk, problems);
    ok &= ReadStringList(root, "out_of_scope", lexicon_label, &lex.out_of_scope, problems);
    ok &= ReadStringList(root, "personal_case", lexicon_label, &lex.personal_case, problems);
    ok &= ReadStringList(root, "in_scope", lexicon_label, &lex.in_scope, problems);
    ok &= ReadStringList(root, "personal_case_hints", lexicon_label, &lex.personal_case_hints,
                         problems);
  }
  if (ok) *out = std::move(lex);
  return ok;
}

bool LoadLexicon(const std::string& abbreviations_path, const std::string& lexicon_path,
                 Lexicon* out, std::vector<ContentProblem>* problems) {
  std::string a, l;
  bool ok = true;
  if (!ReadFile(abbreviations_path, &a)) {
    Problem(problems, abbreviations_path, "", "cannot read file");
    ok = false;
  }
  if (!ReadFile(lexicon_path, &l)) {
    Problem(problems, lexicon_path, "", "cannot read file");
    ok = false;
  }
  if (!ok) return false;
  return ParseLexicon(a, abbreviations_path, l, lexicon_path, out, problems);
}

}  // namespace bhxh
