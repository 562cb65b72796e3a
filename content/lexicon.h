// The word lists the matcher needs, kept as data staff can extend:
//   content/abbreviations.json  {"abbreviations": {"bhxh": "bảo hiểm xã hội", "ko": "không", …},
//                                "after_number": {"t": "tuổi", "k": "nghìn", …}}
//   content/lexicon.json        {"synonyms": {"sinh con": ["đẻ", "sanh con"], …},
//                                "stopwords": [...], "smalltalk": [...],
//                                "out_of_scope": [...], "in_scope": [...],
//                                "personal_case": [...]}
// Keys and phrases may be written with or without diacritics. Abbreviations,
// synonyms and stopwords are stored folded (see text_normalizer.h); the
// phrase lists (smalltalk, out_of_scope, in_scope, personal_case*) are kept
// as written, so a matcher can also compare them with their diacritics.
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
  // units written right after a number -> folded word: "16t" = 16 tuổi,
  // "500k" = 500 nghìn, "3th" = 3 tháng (abbreviations.json "after_number")
  std::map<std::string, std::string> after_number;
  // folded variant phrase -> folded canonical phrase
  std::map<std::string, std::string> synonyms;
  // folded words that carry no meaning for matching (politeness, fillers)
  std::set<std::string> stopwords;
  // phrases of greetings / thanks / chit-chat
  std::vector<std::string> smalltalk;
  // phrases that mark a question as outside BHXH/BHYT
  std::vector<std::string> out_of_scope;
  // phrases that keep a question in scope even when it also contains
  // an out_of_scope phrase ("BHXH tự nguyện khác gì bảo hiểm nhân thọ")
  std::vector<std::string> in_scope;
  // phrases that show a message is about the writer's own case (a
  // claim not paid, a record to check, a complaint): it needs a staff member
  std::vector<std::string> personal_case;
  // weaker signs of a personal case (time references, "mà chưa")
  std::vector<std::string> personal_case_hints;
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
