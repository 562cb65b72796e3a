#include "handlers/lead_fields.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <tuple>

#include "content/text_normalizer.h"

namespace bhxh {
namespace {

const CivilDate kToday{2026, 11, 26};

}  // namespace

TEST_CASE("a mobile number in any usual writing is normalised to 0 and 9 digits") {
  auto [typed, expected] = GENERATE(table<std::string, std::string>({
      {"0905123456", "0905123456"},
      {"0905 123 456", "0905123456"},
      {"0905.123.456", "0905123456"},
      {"0905-123-456", "0905123456"},
      {"  0366 555 777  ", "0366555777"},
      {"+84905123456", "0905123456"},
      {"+84 905 123 456", "0905123456"},
      {"84905123456", "0905123456"},
      {"0084 905 123 456", "0905123456"},
      {"+84 0905 123 456", "0905123456"},
      {"(+84) 905 123 456", "0905123456"},
      {"sđt: 0786 111 222", "0786111222"},
      {"so dien thoai la 0812345678", "0812345678"},
      {"Số của tôi là 0523.456.789 ạ", "0523456789"},
      {"zalo 0977123456 nhé", "0977123456"},
  }));
  CAPTURE(typed);
  const FieldCheck c = NormalizeMobilePhone(typed);
  CHECK(c.problem == FieldProblem::kNone);
  CHECK(c.value == expected);
}

TEST_CASE("a number that is not a Vietnamese mobile is rejected with its reason") {
  auto [typed, problem] = GENERATE(table<std::string, FieldProblem>({
      {"", FieldProblem::kPhoneMissing},
      {"không có", FieldProblem::kPhoneMissing},
      {"chua co so", FieldProblem::kPhoneMissing},
      {"09o5123456", FieldProblem::kPhoneCharacters},
      {"0905/123/456", FieldProblem::kPhoneCharacters},
      {"goi cho chong toi 0905123456", FieldProblem::kPhoneCharacters},
      {"0905123456 hoặc 0906123456", FieldProblem::kPhoneCharacters},
      {"0255 3822 123", FieldProblem::kPhoneLandline},  // Quảng Ngãi landline
      {"02553822123", FieldProblem::kPhoneLandline},
      {"+84 255 3822 123", FieldProblem::kPhoneLandline},
      {"090512345", FieldProblem::kPhoneLength},
      {"09051234567", FieldProblem::kPhoneLength},
      {"905123456", FieldProblem::kPhoneLength},
      {"1900 9068", FieldProblem::kPhoneLength},
      {"01667123456", FieldProblem::kPhoneLength},  // old 11-digit mobile
      {"+1 415 555 0100", FieldProblem::kPhoneLength},
      {"0105123456", FieldProblem::kPhonePrefix},
      {"0605123456", FieldProblem::kPhonePrefix},
  }));
  CAPTURE(typed);
  const FieldCheck c = NormalizeMobilePhone(typed);
  CHECK(c.problem == problem);
  CHECK(c.value.empty());
}

TEST_CASE("a phone is shown in groups of 4, 3 and 3") {
  CHECK(FormatMobilePhone("0905123456") == "0905 123 456");
  CHECK(FormatMobilePhone("") == "");
  CHECK(FormatMobilePhone("abc") == "abc");
}

TEST_CASE("a CCCD number is 12 digits, spaces allowed") {
  auto [typed, expected, problem] = GENERATE(table<std::string, std::string, FieldProblem>({
      {"051085000123", "051085000123", FieldProblem::kNone},
      {"051 085 000 123", "051085000123", FieldProblem::kNone},
      {"0510.8500.0123", "051085000123", FieldProblem::kNone},
      {"CCCD: 051085000123", "051085000123", FieldProblem::kNone},
      {"so can cuoc 051085000123 a", "051085000123", FieldProblem::kNone},
      {"212345678", "", FieldProblem::kCccdOldId},
      {"05108500012", "", FieldProblem::kCccdLength},
      {"0510850001234", "", FieldProblem::kCccdLength},
      {"05108500O123", "", FieldProblem::kCccdCharacters},
      {"chưa làm", "", FieldProblem::kCccdCharacters},
      {"", "", FieldProblem::kCccdCharacters},
  }));
  CAPTURE(typed);
  const FieldCheck c = NormalizeCccd(typed);
  CHECK(c.problem == problem);
  CHECK(c.value == expected);
}

TEST_CASE("a birth year is accepted for ages 15 to 100 in the given year") {
  auto [typed, year] = GENERATE(table<std::string, int>({
      {"1985", 1985},
      {" 1985 ", 1985},
      {"năm 1985", 1985},
      {"sinh năm 1985", 1985},
      {"sinh nam 1985", 1985},
      {"sn 1985", 1985},
      {"tôi sinh năm 1985 ạ", 1985},
      {"12/3/1985", 1985},
      {"ngày 12 tháng 3 năm 1985", 1985},
      {"3/1985", 1985},
      {"1926", 1926},  // 100 this year
      {"2011", 2011},  // 15 this year
      // Two digits after a marker: only one century fits 1926..2011.
      {"sinh 85", 1985},
      {"năm 85", 1985},
      {"sn 05", 2005},
      {"sinh năm 26", 1926},
      {"sinh 11", 2011},
  }));
  CAPTURE(typed);
  const YearCheck c = ParseBirthYear(typed, kToday);
  CHECK(c.problem == FieldProblem::kNone);
  CHECK(c.year == year);
}

TEST_CASE("a birth year that is ambiguous, an age or implausible is asked again") {
  auto [typed, problem] = GENERATE(table<std::string, FieldProblem>({
      {"85", FieldProblem::kYearTwoDigits},       // a year or an age?
      {"sinh 20", FieldProblem::kYearTwoDigits},  // 1920 too old, 2020 too young
      {"45 tuổi", FieldProblem::kYearIsAge},
      {"45 tuoi", FieldProblem::kYearIsAge},
      {"2030", FieldProblem::kYearInFuture},
      {"2012", FieldProblem::kYearTooYoung},
      {"2026", FieldProblem::kYearTooYoung},
      {"1925", FieldProblem::kYearTooOld},
      {"", FieldProblem::kYearFormat},
      {"đầu năm", FieldProblem::kYearFormat},
      {"19855", FieldProblem::kYearFormat},
      {"985", FieldProblem::kYearFormat},
      {"1985a", FieldProblem::kYearFormat},
      {"1985 hoặc 1986", FieldProblem::kYearFormat},
      {"40/3/1985", FieldProblem::kYearFormat},
  }));
  CAPTURE(typed);
  CHECK(ParseBirthYear(typed, kToday).problem == problem);
}

TEST_CASE("the age window moves with the date") {
  CHECK(ParseBirthYear("2011", CivilDate{2025, 1, 1}).problem == FieldProblem::kYearTooYoung);
  CHECK(ParseBirthYear("2010", CivilDate{2025, 1, 1}).ok());
  CHECK(ParseBirthYear("sinh 25", CivilDate{2025, 1, 1}).year == 1925);
}

TEST_CASE("a too-young or too-old year is reported with the year read") {
  CHECK(ParseBirthYear("2015", kToday).year == 2015);
  CHECK(ParseBirthYear("1900", kToday).year == 1900);
}

TEST_CASE("a full name is normalised to NFC Title Case") {
  auto [typed, expected] = GENERATE(table<std::string, std::string>({
      {"Đinh Văn Hùng", "Đinh Văn Hùng"},
      {"đinh văn hùng", "Đinh Văn Hùng"},
      {"ĐINH THỊ LAN", "Đinh Thị Lan"},
      {"  dinh   van   hung ", "Dinh Van Hung"},
      {"pHẠM thị ỮNG", "Phạm Thị Ững"},
      {"nguyễn văn a", "Nguyễn Văn A"},
      {"Trương Thị Ánh Nguyệt", "Trương Thị Ánh Nguyệt"},
      {"ư ơ ă đ", "Ư Ơ Ă Đ"},
      {"h'hen niê", "H'Hen Niê"},
      {"H’Hen Niê", "H'Hen Niê"},
      {"tôi tên là đinh văn hùng", "Đinh Văn Hùng"},
      {"toi ten la dinh van hung", "Dinh Van Hung"},
      {"Họ tên: Phạm Văn Tư", "Phạm Văn Tư"},
      {"Tên: Đinh Thị Mai", "Đinh Thị Mai"},
      {"La Văn Cầu", "La Văn Cầu"},  // La is a family name, not "là"
      {"lã thị hoa", "Lã Thị Hoa"},
      {"Tôn Nữ Thị Hoàng Anh Thư Ngọc", "Tôn Nữ Thị Hoàng Anh Thư Ngọc"},  // 7 words
      // NFD input (combining marks) is composed first.
      {"Đinh Va\xcc\x86n Hu\xcc\x80ng", "Đinh Văn Hùng"},
  }));
  CAPTURE(typed);
  const FieldCheck c = NormalizeFullName(typed);
  CHECK(c.problem == FieldProblem::kNone);
  CHECK(c.value == expected);
  CHECK(c.value == NormalizeNfc(c.value));
}

TEST_CASE("a full name with digits, symbols or the wrong number of words is rejected") {
  auto [typed, problem] = GENERATE(table<std::string, FieldProblem>({
      {"Đinh Văn Hùng 1985", FieldProblem::kNameDigits},
      {"0905123456", FieldProblem::kNameDigits},
      {"Đinh Văn Hùng!", FieldProblem::kNameCharacters},
      {"Đinh, Văn Hùng", FieldProblem::kNameCharacters},
      {"Đinh @Hùng", FieldProblem::kNameCharacters},
      {"'Hen Niê", FieldProblem::kNameCharacters},
      {"Hen' Niê", FieldProblem::kNameCharacters},
      {"Đinh 😀 Hùng", FieldProblem::kNameCharacters},
      {"Hùng", FieldProblem::kNameTooShort},
      {"tôi tên là Hùng", FieldProblem::kNameTooShort},
      {"", FieldProblem::kNameTooShort},
      {"một hai ba bốn năm sáu bảy tám", FieldProblem::kNameTooLong},
      {"không muốn cho tên", FieldProblem::kNameNotAName},
      {"dang ky bhyt", FieldProblem::kNameNotAName},
  }));
  CAPTURE(typed);
  const FieldCheck c = NormalizeFullName(typed);
  CHECK(c.problem == problem);
  CHECK(c.value.empty());
}

TEST_CASE("a name longer than 70 letters is too long") {
  const std::string word(15, 'a');
  CHECK(NormalizeFullName(word + " " + word + " " + word + " " + word + " " + word).problem ==
        FieldProblem::kNameTooLong);
}

TEST_CASE("free text is trimmed, NFC and limited in length") {
  CHECK(NormalizeFreeText("  thôn   Gò Da ").value == "thôn Gò Da");
  CHECK(NormalizeFreeText("   ").problem == FieldProblem::kTextEmpty);
  CHECK(NormalizeFreeText(std::string(100, 'x')).ok());
  CHECK(NormalizeFreeText(std::string(101, 'x')).problem == FieldProblem::kTextTooLong);
  // Length counts letters, not bytes.
  std::string ddd;
  for (int i = 0; i < 100; ++i) ddd += "đ";
  CHECK(NormalizeFreeText(ddd).ok());
}

TEST_CASE("questions are told apart from answers") {
  auto [text, question] = GENERATE(table<std::string, bool>({
      {"sao phải cho số điện thoại?", true},
      {"thông tin này để làm gì", true},
      {"mức đóng bao nhiêu", true},
      {"đóng ở đâu", true},
      {"đăng ký online được không", true},
      {"cho hỏi thẻ bhyt hết hạn chưa", true},
      {"hỏi chút", true},
      {"Đinh Văn Hùng", false},
      {"thôn Gò Da", false},
      {"lúc nào cũng được", false},
      {"gọi lúc nào cũng được", false},
      {"không rõ", false},
      {"tại nhà", false},
      {"0905 123 456", false},
  }));
  CAPTURE(text);
  CHECK(LooksLikeQuestion(text, FoldVietnamese(text)) == question);
}

TEST_CASE("every rejection has its own lead_ message key") {
  const auto& keys = FieldProblemKeys();
  CHECK(std::string(FieldProblemKey(FieldProblem::kNone)).empty());
  CHECK(keys.size() == static_cast<size_t>(FieldProblem::kTextTooLong));
  std::set<std::string> unique(keys.begin(), keys.end());
  CHECK(unique.size() == keys.size());
  for (const auto& k : keys) {
    CAPTURE(k);
    CHECK(k.rfind("lead_bad_", 0) == 0);
  }
  CHECK(std::string(FieldProblemKey(FieldProblem::kPhoneLength)) == "lead_bad_phone_length");
}

}  // namespace bhxh
