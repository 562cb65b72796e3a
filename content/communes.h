// The communes this office serves and the old commune names citizens still
// use, from content/communes.json (NQ 1677/NQ-UBTVQH15, Điều 1 khoản
// 32–39): 8 communes formed on 01/07/2025 from the 23 units of the former
// Sơn Hà and Sơn Tây districts. Resolving a citizen's words to a commune
// never guesses: without diacritics "son ha" is both Sơn Hà and Sơn Hạ, and
// "huyện Sơn Hà" / "huyện Sơn Tây" name several communes, so the lookup
// returns every candidate and the dialog asks.
//
// communes.json:
//   {"source": "NQ 1677/NQ-UBTVQH15 ...",
//    "communes": [
//      {"code": "21289", "name": "Sơn Hà", "agency": "",
//       "old_units": ["Di Lăng", "Sơn Bao", "Sơn Thượng"], "aliases": []}, ...],
//    "former_districts": [
//      {"name": "Sơn Hà", "communes": ["21289", "21292", "21307", "21319", "21325"]}, ...]}
// code: the commune code valid from 01/07/2025 (5 digits); agency: the
// collection agency serving the commune (may be empty until the office
// fills it in); aliases: other spellings ("Sơn Thuỷ", "Sơn Dũng").
#ifndef BHXH_CONTENT_COMMUNES_H_
#define BHXH_CONTENT_COMMUNES_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "content/content_problem.h"

namespace bhxh {

struct Commune {
  std::string code;                    // "21289"
  std::string name;                    // "Sơn Hà" (NFC, without "xã")
  std::string agency;                  // "" when not assigned
  std::vector<std::string> old_units;  // names of the old units merged into it
  std::vector<std::string> aliases;
};

struct CommuneMatch {
  // Communes the text may mean, in file order: empty = no commune named;
  // one = that commune; several = ask the citizen which.
  std::vector<const Commune*> candidates;
  // The words that named it, as typed ("son linh", "Di Lăng", "huyện Sơn
  // Hà"); several places joined with ", " in text order ("Sơn Kỳ, Sơn
  // Ba"); empty when nothing matched.
  std::string matched;
  bool ambiguous() const { return candidates.size() > 1; }
};

// Immutable after Parse/Load; const methods are thread-safe.
class CommuneDirectory {
 public:
  // Validates every field (codes 5 digits and unique, names non-empty and
  // unique, an old unit belongs to one commune only, districts name known
  // codes); all problems are reported; nullptr on any. Never throws.
  static std::unique_ptr<CommuneDirectory> Parse(std::string_view text,
                                                 const std::string& file_label,
                                                 std::vector<ContentProblem>* problems);
  static std::unique_ptr<CommuneDirectory> Load(const std::string& path,
                                                std::vector<ContentProblem>* problems);

  const std::vector<Commune>& communes() const { return communes_; }
  // The "source" string of the file (the legal basis), for citing.
  const std::string& source() const { return source_; }
  // By the post-2025 code, or nullptr.
  const Commune* FindByCode(std::string_view code) const;
  // By exact name, NFC or NFD, any case, with or without a "xã " prefix
  // ("Sơn Hạ", "xã sơn hạ"); diacritics must match. nullptr otherwise.
  const Commune* FindByName(std::string_view name) const;

  // The commune(s) a free-text message names: new names, old unit names
  // and aliases, with or without diacritics, any case, with or without
  // "xã"/"xa"/"thị trấn". The longest name wins ("sơn tây hạ" is not "sơn
  // tây"). A toned name is matched with its tones ("Sơn Hạ" is only Sơn Hạ);
  // a name typed without tones matches every name it could be ("son ha" →
  // Sơn Hà and Sơn Hạ). "huyện Sơn Hà" / "huyen son tay" → every commune of
  // the former district. A bare number 1..8 is not a commune (the dialog
  // handles numbered choices). Names of places outside this office
  // ("Sơn Tịnh", "Sơn Mai") match nothing. Partial diacritics: a syllable
  // typed without a tone mark matches every tone of it, one typed with a
  // tone only that tone ("Son Hạ" is Sơn Hạ; "sơn ha" is Sơn Hà and Sơn
  // Hạ). Names are matched as whole words anywhere in the text; a message
  // naming several places gets all their communes.
  CommuneMatch Resolve(std::string_view text) const;

 private:
  // One syllable of a name: "hạ" -> {"ha", "ha", 5}; "sơn" -> {"son", "sơn", 0}.
  struct Syllable {
    std::string folded;    // FoldVietnamese: no diacritics
    std::string toneless;  // lower-case NFC with vowel marks, without the tone
    int tone = 0;          // CanonicalToned digit; 0 = level tone (no mark)
  };
  // A name Resolve() looks for, and the communes it names (indexes into
  // communes_, ascending). A district pattern must follow "huyện"/"h.".
  struct NamePattern {
    std::vector<Syllable> syllables;
    std::vector<size_t> communes;
    bool district = false;
  };
  struct District {
    std::string name;
    std::vector<std::string> codes;
  };

  CommuneDirectory() = default;
  void BuildPatterns();

  std::string source_;
  std::vector<Commune> communes_;
  std::vector<District> districts_;
  std::vector<NamePattern> patterns_;
};

}  // namespace bhxh

#endif  // BHXH_CONTENT_COMMUNES_H_
