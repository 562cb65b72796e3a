#include "content/text_normalizer.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <utf8proc.h>

#include "content/lexicon.h"

using namespace bhxh;

namespace {

// "hòa" written with a precomposed ò (NFC) and as o + combining grave (NFD).
const std::string kHoaNfc = "h\xC3\xB2" "a";
const std::string kHoaNfd = "ho\xCC\x80" "a";

TextNormalizer ShippedNormalizer() {
  Lexicon lex;
  std::vector<ContentProblem> problems;
  REQUIRE(LoadLexicon(std::string(BHXH_TEST_CONTENT_DIR) + "/abbreviations.json",
                      std::string(BHXH_TEST_CONTENT_DIR) + "/lexicon.json", &lex, &problems));
  return TextNormalizer(std::move(lex));
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

TEST_CASE("folding removes diacritics, case and punctuation") {
  auto [input, folded] = GENERATE(table<std::string, std::string>({
      {"Mức đóng BHXH tự nguyện là bao nhiêu?", "muc dong bhxh tu nguyen la bao nhieu"},
      {"ĐÓNG", "dong"},
      {"Đ đ", "d d"},
      {"Sơn Tây Thượng", "son tay thuong"},
      {"  nhiều   khoảng   trắng  ", "nhieu khoang trang"},
      {"thẻ-BHYT/2026!!", "the bhyt 2026"},
      {"ỨNG DỤNG VSSID", "ung dung vssid"},
      {"", ""},
  }));
  CAPTURE(input);
  CHECK(FoldVietnamese(input) == folded);
}

TEST_CASE("NFC and NFD input fold and normalise the same") {
  CHECK(FoldVietnamese(kHoaNfc) == FoldVietnamese(kHoaNfd));
  CHECK(NormalizeNfc(kHoaNfd) == kHoaNfc);
  CHECK(NfcLength(kHoaNfd) == 3);
}

TEST_CASE("old and new tone placement are equal, and tones stay distinct when kept") {
  // hoà (tone on a, old style) vs hòa (tone on o, new style); thuỷ vs thủy.
  CHECK(CanonicalToned("ho\xC3\xA0") == CanonicalToned(kHoaNfc));
  CHECK(CanonicalToned("thu\xe1\xbb\xb7") == CanonicalToned("th\xe1\xbb\xa7y"));
  CHECK(FoldVietnamese("ho\xC3\xA0") == FoldVietnamese(kHoaNfc));
  // Sơn Hà and Sơn Hạ fold together but differ when tones are kept.
  CHECK(FoldVietnamese("Sơn Hà") == FoldVietnamese("Sơn Hạ"));
  CHECK(CanonicalToned("Sơn Hà") != CanonicalToned("Sơn Hạ"));
  CHECK(CanonicalToned("Sơn HÀ") == CanonicalToned("sơn hà"));
}

TEST_CASE("invalid UTF-8 never breaks folding") {
  const std::string bad = std::string("m\xFF\xFE") + "c \xC3";
  CHECK_NOTHROW(FoldVietnamese(bad));
  CHECK(FoldVietnamese(bad) == "m c");
}

TEST_CASE("abbreviations, teencode and synonyms expand with the shipped lists") {
  const TextNormalizer n = ShippedNormalizer();
  auto [input, tokens] = GENERATE(table<std::string, std::string>({
      {"bhxh", "bao hiem xa hoi"},
      {"bhyt hgđ", "bao hiem y te ho gia dinh"},
      {"BHYT HGD", "bao hiem y te ho gia dinh"},
      {"ko dc", "khong duoc"},
      {"hok bít", "khong biet"},
      {"đóng bn", "muc dong"},
      {"nộp bn tiền", "muc dong"},
      {"lam j", "lam gi"},
      {"ntn", "nhu the nao"},
      {"cccd", "can cuoc cong dan"},
      {"sdt", "so dien thoai"},
      {"3tr", "3 trieu"},
      {"con 16t", "con 16 tuoi"},
      {"500k", "500 nghin"},
      {"con t 5t", "con toi 5 tuoi"},
      {"rút bhxh 1 lần", "rut bao hiem xa hoi mot lan"},
      {"như thế nào", "nhu the nao"},
      {"thế nào", "nhu the nao"},
      {"lãnh lương hưu", "nhan luong huu"},
      {"cho em hỏi con nhỏ", "con nho"},
  }));
  CAPTURE(input);
  CHECK(Join(n.Tokens(input)) == tokens);
}

TEST_CASE("stopwords are recognised") {
  const TextNormalizer n = ShippedNormalizer();
  CHECK(n.IsStopword("a"));
  CHECK(n.IsStopword("nhe"));
  CHECK_FALSE(n.IsStopword("the"));  // thẻ (card) must never be dropped
  CHECK_FALSE(n.IsStopword("ho"));   // hộ (household)
}

TEST_CASE("every Vietnamese vowel with every tone folds to its base letter, in NFC and NFD") {
  auto [letters, base] = GENERATE(table<std::string, char>({
      {"àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", 'a'},
      {"èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ", 'e'},
      {"ìíỉĩịÌÍỈĨỊ", 'i'},
      {"òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", 'o'},
      {"ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ", 'u'},
      {"ỳýỷỹỵỲÝỶỸỴ", 'y'},
      {"đĐ", 'd'},
  }));
  CAPTURE(letters);
  const std::string nfc = NormalizeNfc(letters);
  const std::string folded = FoldVietnamese(nfc);
  CHECK(folded == std::string(NfcLength(nfc), base));
  // The same letters decomposed (NFD) fold the same.
  utf8proc_uint8_t* nfd = utf8proc_NFD(reinterpret_cast<const utf8proc_uint8_t*>(nfc.c_str()));
  REQUIRE(nfd != nullptr);
  CHECK(FoldVietnamese(reinterpret_cast<const char*>(nfd)) == folded);
  std::free(nfd);
}

TEST_CASE("text outside the Latin range keeps its letters and separates on the rest") {
  CHECK(FoldVietnamese("bhyt → Ελλάδα 日本") == "bhyt ελλαδα 日本");
  CHECK(FoldVietnamese("straße") == "strasse");
  CHECK(FoldVietnamese("x² y") == "x y");
}
