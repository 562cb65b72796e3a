// Checking and normalising what a citizen types into the lead form: a
// Vietnamese mobile number, a CCCD number, a birth year, a full name. Input
// comes from phones, often without diacritics and with chat shorthand, so
// each check accepts the usual ways of writing a value ("0905.123.456",
// "+84 905 123 456", "sinh năm 1985", "tôi tên là đinh văn hùng") and
// rejects the rest with a FieldProblem, whose message key
// (FieldProblemKey) is the re-ask that names what is wrong.
//
// Pure functions of their arguments (the date is passed in); thread-safe.
#ifndef BHXH_HANDLERS_LEAD_FIELDS_H_
#define BHXH_HANDLERS_LEAD_FIELDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/civil_date.h"

namespace bhxh {

// Why a value was rejected. Each has its own message key (FieldProblemKey).
enum class FieldProblem {
  kNone,
  // Phone
  kPhoneMissing,     // no digits at all ("không có", "chưa có số")
  kPhoneCharacters,  // letters or symbols among the digits ("09o5...", "0905/123")
  kPhoneLandline,    // a fixed line (02x…): staff need a mobile to call and text
  kPhoneLength,      // not 10 digits (after +84/84 → 0)
  kPhonePrefix,      // 10 digits from 0 but not a mobile prefix (03/05/07/08/09)
  // CCCD
  kCccdCharacters,  // anything but digits and spaces
  kCccdOldId,       // 9 digits: the old CMND, not a CCCD
  kCccdLength,      // not 12 digits
  // Birth year
  kYearFormat,     // no year in it ("đầu năm", "19855")
  kYearTwoDigits,  // "85" alone: a year or an age; ask for 4 digits
  kYearIsAge,      // "45 tuổi": an age, not a year
  kYearInFuture,   // after this year
  kYearTooYoung,   // under 15 this year
  kYearTooOld,     // over 100 this year
  // Full name
  kNameDigits,      // contains a digit
  kNameCharacters,  // a symbol that is not a letter or an apostrophe inside a word
  kNameTooShort,    // one word: the family name and given name are both needed
  kNameTooLong,     // more than 7 words or 70 letters
  kNameNotAName,    // words no name has ("không muốn cho tên")
  // Free text (village, occupation, time to call)
  kTextEmpty,
  kTextTooLong,  // more than kMaxFreeTextChars
};

// The messages.vi.json key of the re-ask for `problem` ("lead_bad_phone_length");
// "" for kNone. Every key is listed by FieldProblemKeys().
const char* FieldProblemKey(FieldProblem problem);
// All keys FieldProblemKey can return.
const std::vector<std::string>& FieldProblemKeys();

// A normalised text value or why there is none.
struct FieldCheck {
  std::string value;  // set only when problem == kNone
  FieldProblem problem = FieldProblem::kNone;
  bool ok() const { return problem == FieldProblem::kNone; }
};

struct YearCheck {
  int year = 0;  // set only when problem == kNone
  FieldProblem problem = FieldProblem::kNone;
  bool ok() const { return problem == FieldProblem::kNone; }
};

// A Vietnamese mobile number → "0xxxxxxxxx". Accepts 10 digits from 0, or
// +84 / 84 / 0084 then the 9 digits (a 0 typed after +84 is dropped), with
// spaces, dots, dashes or brackets between them; a short label before
// ("sđt:", "số điện thoại là", "zalo") and "ạ"/"nhé" after are ignored.
// Mobile prefixes since the 2018 renumbering: 03, 05, 07, 08, 09.
// Problems, in this order: kPhoneMissing, kPhoneCharacters, kPhoneLandline
// (any number from 02), kPhoneLength, kPhonePrefix.
FieldCheck NormalizeMobilePhone(std::string_view text);

// "0905123456" → "0905 123 456" (how the summary shows it). Other text is
// returned unchanged.
std::string FormatMobilePhone(const std::string& phone);

// A CCCD number → its 12 digits. Spaces, dots and dashes between digits
// and a label before ("cccd", "số căn cước") are ignored. Problems:
// kCccdCharacters, kCccdOldId (9 digits), kCccdLength.
FieldCheck NormalizeCccd(std::string_view text);

// A birth year plausible for someone aged 15 to 100 in `today`'s year
// (year in [today.year − 100, today.year − 15]). Accepts "1985",
// "năm 1985", "sinh năm 1985", "sn 1985", a date "12/3/1985" or "3/1985".
// Two-digit years are accepted only after a marker ("sinh 85", "năm 85",
// "sn 05"): the window is 86 years wide, so at most one of 19yy and 20yy
// fits it and the century is never a guess; a bare "85" could be an age and
// is kYearTwoDigits (ask for 4 digits), and "45 tuổi" is kYearIsAge.
// Other problems: kYearFormat, kYearInFuture, kYearTooYoung, kYearTooOld.
YearCheck ParseBirthYear(std::string_view text, const CivilDate& today);

// The youngest and oldest accepted ages.
inline constexpr int kMinLeadAge = 15;
inline constexpr int kMaxLeadAge = 100;

// A full name → NFC, single spaces, Title Case ("đinh văn hùng" → "Đinh
// Văn Hùng"; "h'hen niê" → "H'Hen Niê"). Letters are ASCII and the Latin
// letters Vietnamese uses (with their tone marks); an apostrophe may join
// two parts of a word, as in ethnic-minority names. A lead-in ("tôi tên
// là", "họ tên:") is dropped. 2 to 7 words, at most 70 letters. Problems:
// kNameDigits, kNameCharacters, kNameNotAName, kNameTooShort, kNameTooLong.
FieldCheck NormalizeFullName(std::string_view text);

// Free text (village, occupation, time to call) → NFC, trimmed, single
// spaces. Problems: kTextEmpty, kTextTooLong.
inline constexpr size_t kMaxFreeTextChars = 100;
FieldCheck NormalizeFreeText(std::string_view text);

// True when a message that did not validate as an answer looks like a
// question of its own: it has a '?', or its folded words hold a question
// phrase ("là gì", "bao nhiêu", "ở đâu", "tại sao", "được không", a final
// "không"/"chưa"). The lead form then lets the FAQ answer it.
bool LooksLikeQuestion(std::string_view text, const std::string& folded);

}  // namespace bhxh

#endif  // BHXH_HANDLERS_LEAD_FIELDS_H_
