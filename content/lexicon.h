// The word lists the matcher needs, kept as data staff can extend:
//   content/abbreviations.json  {"abbreviations": {"bhxh": "bảo hiểm xã hội", "ko": "không", …}}
//   content/lexicon.json        {"synonyms": {"sinh con": ["đẻ", "sanh con"], …},
//                                "stopwords": [...], "smalltalk": [...],
//                                "out_of_scope": [...], "in_scope": [...],
//                                "personal_case": [...]}
// Keys and phrases may be written with or without diacritics; they are
// stored folded (see text_normalizer.h).
#ifndef BHXH_CONTENT_LEXICON_H_
#define BHXH_CONTENT_LEXICON_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "content/content_problem.h"

namespace bhxh {

struct Lexicon {
  // folded short form (one or more words) -> folded expansion
  std::map<std::string, std::string> abbreviations;
  // folded variant phrase -> folded canonical phrase
  std::map<std::string, std::string> synonyms;
  // folded words that carry no meaning for matching (politeness, fillers)
  std::set<std::string> stopwords;
  // folded phrases of greetings / thanks / chit-chat
  std::vector<std::string> smalltalk;
  // folded phrases that mark a question as outside BHXH/BHYT
  std::vector<std::string> out_of_scope;
  // folded phrases that keep a question in scope even when it also contains
  // an out_of_scope phrase ("BHXH tự nguyện khác gì bảo hiểm nhân thọ")
  std::vector<std::string> in_scope;
  // folded phrases typical of a personal case that needs a staff member
  std::vector<std::string> personal_case;
};

// Parses the two files' texts into one Lexicon. Reports every problem
// (file, field, message); returns false on any problem.
bool ParseLexicon(std::string_view abbreviations_json, const std::string& abbreviations_label,
                  std::string_view lexicon_json, const std::string& lexicon_label, Lexicon* out,
                  std::vector<ContentProblem>* problems);

bool LoadLexicon(const std::string& abbreviations_path, const std::string& lexicon_path,
                 Lexicon* out, std::vector<ContentProblem>* problems);

}  // namespace bhxh

#endif  // BHXH_CONTENT_LEXICON_H_
