// Vietnamese text normalisation for matching.
//
// FoldVietnamese: NFC, lower-case (Vietnamese capitals included), diacritics
// removed (đ/Đ -> d), every run of non-letters/digits -> one space, trimmed.
// NFC and NFD input, and old/new tone placement (hoà/hòa), fold equally.
//
// TextNormalizer::Tokens additionally splits letters from digits ("3tr" ->
// "3 tr"), expands chat abbreviations and teencode from the Lexicon, and maps
// synonyms to their canonical phrase, returning the folded word sequence.
// Thread-safe after construction (const).
#ifndef BHXH_CONTENT_TEXT_NORMALIZER_H_
#define BHXH_CONTENT_TEXT_NORMALIZER_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "content/lexicon.h"

namespace bhxh {

// NFC normalisation; invalid UTF-8 bytes are replaced by U+FFFD.
std::string NormalizeNfc(std::string_view utf8);
// Number of Unicode code points of NFC(utf8).
size_t NfcLength(std::string_view utf8);
std::string FoldVietnamese(std::string_view utf8);
// Lower-cased NFC with tone marks moved to a canonical place: each syllable
// is written without its tone mark, followed by the tone as a digit
// (hòa/hoà -> "hoa2", "đóng" -> "đong1"). Equal for old and new placement;
// keeps the difference between Sơn Hà ("sơn ha2") and Sơn Hạ ("sơn ha5").
std::string CanonicalToned(std::string_view utf8);
// Splits folded text on spaces.
std::vector<std::string> SplitWords(std::string_view folded);

class TextNormalizer {
 public:
  explicit TextNormalizer(Lexicon lexicon);

  // The folded, expanded, canonicalised word sequence of `text`.
  std::vector<std::string> Tokens(std::string_view text) const;
  // Same, on already-folded words (used to process lexicon phrases).
  std::vector<std::string> TokensFromFolded(const std::vector<std::string>& words) const;

  bool IsStopword(const std::string& folded_word) const;
  const Lexicon& lexicon() const { return lexicon_; }

 private:
  // A key of a phrase map split into words, and its replacement.
  struct PhraseRule {
    std::vector<std::string> key;
    std::vector<std::string> replacement;
  };
  // first word of a key -> rules starting with it, longest key first
  using PhraseIndex = std::unordered_map<std::string, std::vector<PhraseRule>>;
  static PhraseIndex BuildIndex(const std::map<std::string, std::string>& map);
  static std::vector<std::string> ApplyPhraseMap(const std::vector<std::string>& words,
                                                 const PhraseIndex& index);

  Lexicon lexicon_;
  PhraseIndex abbreviation_index_;
  PhraseIndex synonym_index_;
};

}  // namespace bhxh

#endif  // BHXH_CONTENT_TEXT_NORMALIZER_H_
