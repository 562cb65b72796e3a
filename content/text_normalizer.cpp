#include "content/text_normalizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>

namespace bhxh {
namespace {

// Decodes UTF-8, replacing each invalid byte sequence by U+FFFD, so that
// utf8proc never sees malformed input (it rejects the whole string).
std::string SanitizeUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(in.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(in.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {
      cp = 0xFFFD;
      n = 1;
    }
    utf8proc_uint8_t buf[4];
    const auto len = utf8proc_encode_char(cp, buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
    p += n;
    left -= n;
  }
  return out;
}

std::string Map(std::string_view utf8, int options) {
  const std::string clean = SanitizeUtf8(utf8);
  utf8proc_uint8_t* result = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(clean.data()),
                              static_cast<utf8proc_ssize_t>(clean.size()), &result,
                              static_cast<utf8proc_option_t>(options));
  if (n < 0 || result == nullptr) return clean;
  std::string out(reinterpret_cast<char*>(result), static_cast<size_t>(n));
  std::free(result);
  return out;
}

template <typename F>
void ForEachCodepoint(const std::string& s, F f) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) break;  // cannot happen after SanitizeUtf8
    f(cp);
    p += n;
    left -= n;
  }
}

void AppendCodepoint(std::string& out, utf8proc_int32_t cp) {
  utf8proc_uint8_t buf[4];
  const auto len = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int ToneDigit(utf8proc_int32_t cp) {
  switch (cp) {
    case 0x0301: return 1;  // sắc
    case 0x0300: return 2;  // huyền
    case 0x0309: return 3;  // hỏi
    case 0x0303: return 4;  // ngã
    case 0x0323: return 5;  // nặng
    default: return 0;
  }
}

}  // namespace

std::string NormalizeNfc(std::string_view utf8) {
  return Map(utf8, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

size_t NfcLength(std::string_view utf8) {
  size_t n = 0;
  ForEachCodepoint(NormalizeNfc(utf8), [&](utf8proc_int32_t) { ++n; });
  return n;
}

namespace {

// The slow, general fold: decompose, case-fold and strip marks with
// utf8proc; đ has no decomposition, so it is mapped by hand. Other letters
// (rare scripts) are kept as they are; everything else separates words.
std::string FoldGeneral(std::string_view utf8) {
  const std::string stripped =
      Map(utf8, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
  std::string out;
  out.reserve(stripped.size());
  bool pending_space = false;
  ForEachCodepoint(stripped, [&](utf8proc_int32_t cp) {
    char c = 0;
    if (cp == 0x0111 || cp == 0x0110) {
      c = 'd';
    } else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
      c = static_cast<char>(cp);
    } else if (cp >= 'A' && cp <= 'Z') {
      c = static_cast<char>(cp - 'A' + 'a');
    }
    if (c == 0) {
      const auto cat = utf8proc_category(cp);
      if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) {
        if (pending_space && !out.empty()) out.push_back(' ');
        pending_space = false;
        AppendCodepoint(out, cp);
      } else {
        pending_space = true;
      }
      return;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  });
  return out;
}

// What FoldGeneral makes of each code point below kFoldTableSize (Latin
// with all Vietnamese letters, combining marks): an ASCII letter or digit,
// nothing (a mark), a separator, or "use the general fold".
constexpr utf8proc_int32_t kFoldTableSize = 0x2000;
constexpr char kDrop = 1, kSeparator = 2, kGeneral = 3;

const std::vector<char>& FoldTable() {
  static const std::vector<char> table = [] {
    std::vector<char> t(kFoldTableSize, kGeneral);
    for (utf8proc_int32_t cp = 0; cp < kFoldTableSize; ++cp) {
      std::string one;
      AppendCodepoint(one, cp);
      if (cp == 0 || !utf8proc_codepoint_valid(cp)) continue;
      const std::string folded = FoldGeneral(one);
      const auto cat = utf8proc_category(cp);
      if (folded.size() == 1 && folded[0] >= '0' && folded[0] <= 'z') {
        t[static_cast<size_t>(cp)] = folded[0];
      } else if (folded.empty() &&
                 (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
                  cat == UTF8PROC_CATEGORY_ME)) {
        t[static_cast<size_t>(cp)] = kDrop;
      } else if (folded.empty()) {
        t[static_cast<size_t>(cp)] = kSeparator;
      }
    }
    return t;
  }();
  return table;
}

}  // namespace

std::string FoldVietnamese(std::string_view utf8) {
  // Fast path over a table for the Latin range, which is every Vietnamese
  // letter in NFC or NFD form; the general fold for anything else. Both give
  // the same result (the table is computed with the general fold).
  const std::vector<char>& table = FoldTable();
  std::string out;
  out.reserve(utf8.size());
  bool pending_space = false;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(utf8.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(utf8.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0 || cp >= kFoldTableSize || table[static_cast<size_t>(cp)] == kGeneral) {
      return FoldGeneral(utf8);
    }
    p += n;
    left -= n;
    const char c = table[static_cast<size_t>(cp)];
    if (c == kDrop) continue;
    if (c == kSeparator) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string CanonicalToned(std::string_view utf8) {
  const std::string decomposed =
      Map(utf8, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
  std::string out;
  std::string syllable;  // decomposed, without tone
  int tone = 0;
  auto flush = [&]() {
    if (syllable.empty()) return;
    out += Map(syllable, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (tone != 0) out.push_back(static_cast<char>('0' + tone));
    syllable.clear();
    tone = 0;
  };
  ForEachCodepoint(decomposed, [&](utf8proc_int32_t cp) {
    const auto cat = utf8proc_category(cp);
    const bool letter = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                        cat == UTF8PROC_CATEGORY_ND;
    const bool mark = cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC;
    if (mark) {
      const int t = ToneDigit(cp);
      if (t != 0) {
        tone = t;
      } else {
        AppendCodepoint(syllable, cp);
      }
    } else if (letter) {
      AppendCodepoint(syllable, cp);
    } else {
      flush();
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    }
  });
  flush();
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> SplitWords(std::string_view folded) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < folded.size()) {
    while (i < folded.size() && folded[i] == ' ') ++i;
    size_t j = i;
    while (j < folded.size() && folded[j] != ' ') ++j;
    if (j > i) words.emplace_back(folded.substr(i, j - i));
    i = j;
  }
  return words;
}

namespace {

// "3tr" -> "3", "tr"; "bhxh2024" -> "bhxh", "2024".
void SplitLettersFromDigits(const std::string& word, std::vector<std::string>* out) {
  size_t start = 0;
  for (size_t i = 1; i <= word.size(); ++i) {
    if (i == word.size() || IsDigit(word[i]) != IsDigit(word[i - 1])) {
      out->push_back(word.substr(start, i - start));
      start = i;
    }
  }
}

}  // namespace

TextNormalizer::PhraseIndex TextNormalizer::BuildIndex(const std::map<std::string, std::string>& map) {
  PhraseIndex index;
  for (const auto& kv : map) {
    PhraseRule rule{SplitWords(kv.first), SplitWords(kv.second)};
    if (rule.key.empty()) continue;
    index[rule.key[0]].push_back(std::move(rule));
  }
  for (auto& kv : index) {
    std::stable_sort(kv.second.begin(), kv.second.end(), [](const PhraseRule& a, const PhraseRule& b) {
      return a.key.size() > b.key.size();
    });
  }
  return index;
}

TextNormalizer::TextNormalizer(Lexicon lexicon)
    : lexicon_(std::move(lexicon)),
      abbreviation_index_(BuildIndex(lexicon_.abbreviations)),
      synonym_index_(BuildIndex(lexicon_.synonyms)) {}

std::vector<std::string> TextNormalizer::ApplyPhraseMap(const std::vector<std::string>& words,
                                                        const PhraseIndex& index) {
  std::vector<std::string> out;
  out.reserve(words.size() + 4);
  size_t i = 0;
  while (i < words.size()) {
    const PhraseRule* match = nullptr;
    auto it = index.find(words[i]);
    if (it != index.end()) {
      for (const PhraseRule& rule : it->second) {  // longest first
        if (i + rule.key.size() <= words.size() &&
            std::equal(rule.key.begin(), rule.key.end(), words.begin() + static_cast<long>(i))) {
          match = &rule;
          break;
        }
      }
    }
    if (match) {
      out.insert(out.end(), match->replacement.begin(), match->replacement.end());
      i += match->key.size();
    } else {
      out.push_back(words[i++]);
    }
  }
  return out;
}

std::vector<std::string> TextNormalizer::TokensFromFolded(
    const std::vector<std::string>& folded_words) const {
  std::vector<std::string> words;
  words.reserve(folded_words.size());
  for (const auto& w : folded_words) SplitLettersFromDigits(w, &words);
  // A unit right after a number ("16 t", "3 th") means the unit, not the
  // chat abbreviation the same letters stand for elsewhere ("t" = tôi).
  for (size_t i = 1; i < words.size(); ++i) {
    if (!IsDigit(words[i - 1][0])) continue;
    auto unit = lexicon_.after_number.find(words[i]);
    if (unit != lexicon_.after_number.end()) words[i] = unit->second;
  }
  words = ApplyPhraseMap(words, abbreviation_index_);
  // Two passes, so that a variant whose replacement forms another variant
  // ("nộp bn tiền" -> "đóng bao nhiêu" -> "mức đóng") reaches the canonical
  // phrase whatever the order the citizen wrote it in.
  words = ApplyPhraseMap(words, synonym_index_);
  return ApplyPhraseMap(words, synonym_index_);
}

std::vector<std::string> TextNormalizer::Tokens(std::string_view text) const {
  return TokensFromFolded(SplitWords(FoldVietnamese(text)));
}

bool TextNormalizer::IsStopword(const std::string& folded_word) const {
  return lexicon_.stopwords.count(folded_word) > 0;
}

}  // namespace bhxh
