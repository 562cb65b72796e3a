#include "handlers/lead_fields.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "content/text_normalizer.h"

namespace bhxh {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string DigitsOf(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (IsDigit(c)) out += c;
  }
  return out;
}

// " a b " → true when `words` (folded, single spaces) is one of `set`.
bool OneOf(const std::string& words, std::initializer_list<const char*> set) {
  return std::any_of(set.begin(), set.end(), [&](const char* s) { return words == s; });
}

bool HasWord(const std::vector<std::string>& words, std::initializer_list<const char*> set) {
  return std::any_of(words.begin(), words.end(),
                     [&](const std::string& w) { return OneOf(w, set); });
}

// Splits a value typed with a short label and a polite ending around it:
// "sđt: 0905 123 456 ạ" → prefix "sđt: ", body "0905 123 456", suffix " ạ".
// The body runs from the first to the last character accepted by
// `starts`/`ends`; when none is found the whole text is the prefix.
struct Framed {
  std::string_view prefix, body, suffix;
};
template <typename Starts, typename Ends>
Framed Frame(std::string_view text, Starts starts, Ends ends) {
  size_t first = 0;
  while (first < text.size() && !starts(text[first])) ++first;
  if (first == text.size()) return {text, {}, {}};
  size_t last = text.size();
  while (last > first && !ends(text[last - 1])) --last;
  return {text.substr(0, first), text.substr(first, last - first), text.substr(last)};
}

bool IsPoliteEnding(std::string_view suffix) {
  return OneOf(FoldVietnamese(suffix), {"", "a", "nhe", "nha", "em", "a em", "nhe em", "nha em"});
}

// ---- UTF-8 and the case of the letters Vietnamese uses --------------------
//
// handlers/ has no Unicode library of its own (utf8proc stays private to
// content/), and names need only the Latin letters Vietnamese writes, so the
// case pairs are listed here: ASCII, Latin-1 (À…Ý), Latin Extended-A (Ă Đ Ĩ
// Ũ and their neighbours), Ơ Ư, and Latin Extended Additional (Ạ…Ỹ).

std::vector<char32_t> DecodeUtf8(const std::string& s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + static_cast<size_t>(len) > s.size()) {
      out.push_back(0xFFFD);  // NormalizeNfc already replaced invalid bytes; defensive
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(len);
  }
  return out;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Ranges where an even code point is the capital and the next one its small
// letter.
bool InEvenOddPairs(char32_t cp) {
  return (cp >= 0x0100 && cp <= 0x0137) || (cp >= 0x014A && cp <= 0x0177) ||
         (cp >= 0x1E00 && cp <= 0x1E95) || (cp >= 0x1EA0 && cp <= 0x1EFF);
}

bool IsLetter(char32_t cp) {
  if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return true;
  if (cp >= 0xC0 && cp <= 0xFF) return cp != 0xD7 && cp != 0xF7;
  return InEvenOddPairs(cp) || cp == 0x01A0 || cp == 0x01A1 || cp == 0x01AF || cp == 0x01B0;
}

char32_t ToLower(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 0x20;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;
  if (InEvenOddPairs(cp)) return cp | 1;
  if (cp == 0x01A0 || cp == 0x01AF) return cp + 1;
  return cp;
}

char32_t ToUpper(char32_t cp) {
  if (cp >= 'a' && cp <= 'z') return cp - 0x20;
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 0x20;
  if (InEvenOddPairs(cp)) return cp & ~char32_t{1};
  if (cp == 0x01A1 || cp == 0x01B0) return cp - 1;
  return cp;
}

bool IsApostrophe(char32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == '`'; }

// Trims and collapses runs of white space (ASCII, NBSP) to one space.
std::string CollapseSpaces(const std::string& nfc) {
  std::string out;
  bool pending = false;
  for (size_t i = 0; i < nfc.size(); ++i) {
    const char c = nfc[i];
    const bool nbsp = static_cast<unsigned char>(c) == 0xC2 && i + 1 < nfc.size() &&
                      static_cast<unsigned char>(nfc[i + 1]) == 0xA0;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || nbsp) {
      if (nbsp) ++i;
      pending = !out.empty();
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    out += c;
  }
  return out;
}

// Lead-ins before a name, folded, longest first. Not "la" alone: La and Lã
// are family names.
constexpr std::array<const char*, 15> kNameLeadIns = {
    "ten cua toi la", "ho va ten la", "toi ten la", "ten toi la", "em ten la",
    "ten em la",      "minh ten la",  "ho va ten",  "ho ten la",  "ho ten",
    "toi la",         "em la",        "ten la",     "minh la",    "ten"};

// Folded words that are never part of a person's name: the citizen is
// saying something else ("không muốn cho tên", "đăng ký bhyt").
bool HasNonNameWord(const std::vector<std::string>& folded_words) {
  return HasWord(folded_words, {"khong", "muon", "bhxh", "bhyt"});
}

}  // namespace

const char* FieldProblemKey(FieldProblem problem) {
  switch (problem) {
    case FieldProblem::kNone:
      return "";
    case FieldProblem::kPhoneMissing:
      return "lead_bad_phone_missing";
    case FieldProblem::kPhoneCharacters:
      return "lead_bad_phone_characters";
    case FieldProblem::kPhoneLandline:
      return "lead_bad_phone_landline";
    case FieldProblem::kPhoneLength:
      return "lead_bad_phone_length";
    case FieldProblem::kPhonePrefix:
      return "lead_bad_phone_prefix";
    case FieldProblem::kCccdCharacters:
      return "lead_bad_cccd_characters";
    case FieldProblem::kCccdOldId:
      return "lead_bad_cccd_old_id";
    case FieldProblem::kCccdLength:
      return "lead_bad_cccd_length";
    case FieldProblem::kYearFormat:
      return "lead_bad_year_format";
    case FieldProblem::kYearTwoDigits:
      return "lead_bad_year_two_digits";
    case FieldProblem::kYearIsAge:
      return "lead_bad_year_age";
    case FieldProblem::kYearInFuture:
      return "lead_bad_year_future";
    case FieldProblem::kYearTooYoung:
      return "lead_bad_year_too_young";
    case FieldProblem::kYearTooOld:
      return "lead_bad_year_too_old";
    case FieldProblem::kNameDigits:
      return "lead_bad_name_digits";
    case FieldProblem::kNameCharacters:
      return "lead_bad_name_characters";
    case FieldProblem::kNameTooShort:
      return "lead_bad_name_too_short";
    case FieldProblem::kNameTooLong:
      return "lead_bad_name_too_long";
    case FieldProblem::kNameNotAName:
      return "lead_bad_name_not_a_name";
    case FieldProblem::kTextEmpty:
      return "lead_bad_text_empty";
    case FieldProblem::kTextTooLong:
      return "lead_bad_text_too_long";
  }
  return "";
}

const std::vector<std::string>& FieldProblemKeys() {
  static const std::vector<std::string> kKeys = [] {
    std::vector<std::string> keys;
    for (int p = static_cast<int>(FieldProblem::kPhoneMissing);
         p <= static_cast<int>(FieldProblem::kTextTooLong); ++p) {
      keys.emplace_back(FieldProblemKey(static_cast<FieldProblem>(p)));
    }
    return keys;
  }();
  return kKeys;
}

FieldCheck NormalizeMobilePhone(std::string_view text) {
  auto starts = [](char c) { return IsDigit(c) || c == '+' || c == '('; };
  const Framed f = Frame(text, starts, [](char c) { return IsDigit(c); });
  if (f.body.empty()) return {"", FieldProblem::kPhoneMissing};
  // A label before the number is fine; any other words are not a number.
  const std::string label = FoldVietnamese(f.prefix);
  if (!OneOf(label, {"",
                     "sdt",
                     "sdt la",
                     "so dien thoai",
                     "so dien thoai la",
                     "dien thoai",
                     "dt",
                     "so dt",
                     "so dt la",
                     "so",
                     "so la",
                     "so cua toi la",
                     "so toi la",
                     "sdt cua toi la",
                     "so dien thoai cua toi la",
                     "la",
                     "zalo",
                     "sdt zalo",
                     "so zalo",
                     "goi so",
                     "lien he"}) ||
      !IsPoliteEnding(f.suffix)) {
    return {"", FieldProblem::kPhoneCharacters};
  }
  for (size_t i = 0; i < f.body.size(); ++i) {
    const char c = f.body[i];
    const bool separator = c == ' ' || c == '.' || c == '-' || c == '(' || c == ')';
    const bool leading_plus = c == '+' && (i == 0 || (i == 1 && f.body[0] == '('));
    if (!IsDigit(c) && !separator && !leading_plus) {
      return {"", FieldProblem::kPhoneCharacters};
    }
  }
  std::string digits = DigitsOf(f.body);
  const bool plus = f.body.front() == '+' || f.body.substr(0, 2) == "(+";
  // International forms: +84…, 84… (11 digits), 0084…; "+84 0905…" too.
  if (plus || digits.rfind("0084", 0) == 0 || (digits.rfind("84", 0) == 0 && digits.size() == 11)) {
    if (digits.rfind("00", 0) == 0) digits.erase(0, 2);
    if (digits.rfind("84", 0) != 0) return {"", FieldProblem::kPhoneLength};
    digits.erase(0, 2);
    if (digits.size() == 10 && digits[0] == '0') digits.erase(0, 1);
    digits.insert(0, "0");
  }
  if (digits.rfind("02", 0) == 0) return {"", FieldProblem::kPhoneLandline};
  if (digits.size() != 10 || digits[0] != '0') return {"", FieldProblem::kPhoneLength};
  if (std::string("35789").find(digits[1]) == std::string::npos) {
    return {"", FieldProblem::kPhonePrefix};
  }
  return {digits, FieldProblem::kNone};
}

std::string FormatMobilePhone(const std::string& phone) {
  if (phone.size() != 10 || DigitsOf(phone) != phone) return phone;
  return phone.substr(0, 4) + " " + phone.substr(4, 3) + " " + phone.substr(7);
}

FieldCheck NormalizeCccd(std::string_view text) {
  const Framed f = Frame(text, IsDigit, IsDigit);
  if (f.body.empty()) return {"", FieldProblem::kCccdCharacters};
  const std::string label = FoldVietnamese(f.prefix);
  if (!OneOf(label, {"", "cccd", "so cccd", "cccd la", "so cccd la", "can cuoc", "so can cuoc",
                     "can cuoc cong dan", "so can cuoc cong dan", "cccd cua toi la", "la"}) ||
      !IsPoliteEnding(f.suffix)) {
    return {"", FieldProblem::kCccdCharacters};
  }
  for (char c : f.body) {
    if (!IsDigit(c) && c != ' ' && c != '.' && c != '-') return {"", FieldProblem::kCccdCharacters};
  }
  const std::string digits = DigitsOf(f.body);
  if (digits.size() == 9) return {"", FieldProblem::kCccdOldId};
  if (digits.size() != 12) return {"", FieldProblem::kCccdLength};
  return {digits, FieldProblem::kNone};
}

YearCheck ParseBirthYear(std::string_view text, const CivilDate& today) {
  const std::vector<std::string> words = SplitWords(FoldVietnamese(text));
  std::vector<std::string> numbers;
  bool marker = false;  // "sinh", "năm", "sn": the number is a year, not an age
  for (const auto& w : words) {
    if (IsDigit(w.front())) {
      if (DigitsOf(w) != w) return {0, FieldProblem::kYearFormat};  // "85t", "1985a"
      numbers.push_back(w);
    } else if (OneOf(w, {"tuoi", "t"})) {
      return {0, FieldProblem::kYearIsAge};
    } else if (OneOf(w, {"sinh", "nam", "sn", "ns"})) {
      marker = true;
    } else if (!OneOf(w, {"toi", "em", "minh", "la", "vao", "ngay", "thang", "a", "nhe", "nha"})) {
      return {0, FieldProblem::kYearFormat};
    }
  }
  std::string year_text;
  if (numbers.size() == 1) {
    year_text = numbers[0];
  } else if (numbers.size() == 2 || numbers.size() == 3) {
    // "3/1985" (month/year) or "12/3/1985" (day/month/year): the year is last.
    const int first = std::atoi(numbers[0].c_str());
    const int second = numbers.size() == 3 ? std::atoi(numbers[1].c_str()) : 1;
    const bool plausible = numbers.size() == 3
                               ? (first >= 1 && first <= 31 && second >= 1 && second <= 12)
                               : (first >= 1 && first <= 12);
    if (!plausible || numbers.back().size() != 4) return {0, FieldProblem::kYearFormat};
    year_text = numbers.back();
  } else {
    return {0, FieldProblem::kYearFormat};
  }

  const int youngest = today.year - kMinLeadAge;  // latest birth year accepted
  const int oldest = today.year - kMaxLeadAge;    // earliest birth year accepted
  int year = 0;
  if (year_text.size() == 4) {
    year = std::atoi(year_text.c_str());
  } else if (year_text.size() == 2) {
    if (!marker) return {0, FieldProblem::kYearTwoDigits};
    // The accepted window is 86 years wide, so at most one century fits.
    const int yy = std::atoi(year_text.c_str());
    int fits = 0;
    for (int candidate : {1900 + yy, 2000 + yy}) {
      if (candidate >= oldest && candidate <= youngest) {
        year = candidate;
        ++fits;
      }
    }
    if (fits != 1) return {0, FieldProblem::kYearTwoDigits};
  } else {
    return {0, FieldProblem::kYearFormat};
  }
  if (year > today.year) return {year, FieldProblem::kYearInFuture};
  if (year > youngest) return {year, FieldProblem::kYearTooYoung};
  if (year < oldest) return {year, FieldProblem::kYearTooOld};
  return {year, FieldProblem::kNone};
}

FieldCheck NormalizeFullName(std::string_view text) {
  std::string nfc = NormalizeNfc(text);
  std::replace(nfc.begin(), nfc.end(), ':', ' ');
  std::string collapsed = CollapseSpaces(nfc);
  if (std::any_of(collapsed.begin(), collapsed.end(), IsDigit)) {
    return {"", FieldProblem::kNameDigits};
  }

  // Drop a lead-in: compare folded word prefixes, cut the same number of
  // words from the typed text.
  std::vector<std::string> words;
  for (size_t start = 0; start < collapsed.size();) {
    size_t end = collapsed.find(' ', start);
    if (end == std::string::npos) end = collapsed.size();
    words.push_back(collapsed.substr(start, end - start));
    start = end + 1;
  }
  std::vector<std::string> folded;
  for (const auto& w : words) folded.push_back(FoldVietnamese(w));
  for (const char* lead_in : kNameLeadIns) {
    const std::vector<std::string> lead = SplitWords(lead_in);
    if (lead.size() < words.size() && std::equal(lead.begin(), lead.end(), folded.begin())) {
      words.erase(words.begin(), words.begin() + static_cast<long>(lead.size()));
      folded.erase(folded.begin(), folded.begin() + static_cast<long>(lead.size()));
      break;
    }
  }
  if (HasNonNameWord(folded)) return {"", FieldProblem::kNameNotAName};

  std::string out;
  size_t letters = 0;
  for (const auto& word : words) {
    const std::vector<char32_t> cps = DecodeUtf8(word);
    std::string part;
    bool word_start = true;  // the next letter starts the word or a part after '
    for (size_t i = 0; i < cps.size(); ++i) {
      const char32_t cp = cps[i];
      if (IsApostrophe(cp)) {
        // Only between letters: "H'Hen", not "'Hen" or "Hen'".
        if (i == 0 || i + 1 == cps.size() || !IsLetter(cps[i + 1])) {
          return {"", FieldProblem::kNameCharacters};
        }
        part += '\'';
        word_start = true;
        continue;
      }
      if (!IsLetter(cp)) return {"", FieldProblem::kNameCharacters};
      AppendUtf8(part, word_start ? ToUpper(cp) : ToLower(cp));
      word_start = false;
      ++letters;
    }
    if (!out.empty()) out += ' ';
    out += part;
  }
  if (words.size() < 2) return {"", FieldProblem::kNameTooShort};
  if (words.size() > 7 || letters > 70) return {"", FieldProblem::kNameTooLong};
  return {out, FieldProblem::kNone};
}

FieldCheck NormalizeFreeText(std::string_view text) {
  const std::string value = CollapseSpaces(NormalizeNfc(text));
  if (value.empty()) return {"", FieldProblem::kTextEmpty};
  if (NfcLength(value) > kMaxFreeTextChars) return {"", FieldProblem::kTextTooLong};
  return {value, FieldProblem::kNone};
}

bool LooksLikeQuestion(std::string_view text, const std::string& folded) {
  if (text.find('?') != std::string_view::npos) return true;
  std::string padded = " " + folded + " ";
  // "lúc nào cũng được" answers "when may we call?"; it asks nothing.
  for (std::string any_time : {" luc nao cung duoc ", " khi nao cung duoc ", " bao gio cung duoc ",
                               " gio nao cung duoc "}) {
    size_t at;
    while ((at = padded.find(any_time)) != std::string::npos) {
      padded.replace(at, any_time.size(), " ");
    }
  }
  static constexpr std::array<const char*, 30> kPhrases = {
      " la gi ",   " lam gi ",     " de lam gi ", " gi vay ",     " tai sao ",   " vi sao ",
      " sao lai ", " lam sao ",    " the nao ",   " nhu nao ",    " ra sao ",    " bao nhieu ",
      " bao lau ", " bao gio ",    " khi nao ",   " luc nao ",    " o dau ",     " cho nao ",
      " noi nao ", " duoc khong ", " co khong ",  " phai khong ", " hay khong ", " co phai ",
      " co can ",  " can gi ",     " giay to ",   " thu tuc ",    " muc dong ",  " cho hoi "};
  for (const char* p : kPhrases) {
    if (padded.find(p) != std::string::npos) return true;
  }
  const std::vector<std::string> words = SplitWords(folded);
  // "… được không", "… chưa": a yes/no question ends with its particle.
  if (words.size() >= 3 && OneOf(words.back(), {"khong", "ko", "chua"})) return true;
  return !words.empty() && OneOf(words.front(), {"hoi", "sao"});
}

}  // namespace bhxh
