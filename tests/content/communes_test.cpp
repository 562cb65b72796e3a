#include "content/communes.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

namespace bhxh {
namespace {

const std::string kShippedPath = std::string(BHXH_TEST_CONTENT_DIR) + "/communes.json";

const CommuneDirectory& Shipped() {
  static const std::unique_ptr<CommuneDirectory> dir = [] {
    std::vector<ContentProblem> problems;
    auto d = CommuneDirectory::Load(kShippedPath, &problems);
    if (!d) FAIL(JoinProblems(problems));
    return d;
  }();
  return *dir;
}

// The codes of the candidates, in order, joined with ",".
std::string Codes(const CommuneMatch& m) {
  std::string out;
  for (const Commune* c : m.candidates) out += (out.empty() ? "" : ",") + c->code;
  return out;
}

std::string ResolveCodes(const std::string& text) { return Codes(Shipped().Resolve(text)); }

std::string ProblemsOf(const std::string& text) {
  std::vector<ContentProblem> problems;
  const auto dir = CommuneDirectory::Parse(text, "communes.json", &problems);
  if (!problems.empty()) CHECK(dir == nullptr);
  if (problems.empty()) CHECK(dir != nullptr);
  return JoinProblems(problems);
}

TEST_CASE("The shipped communes file loads with the 8 communes and their codes", "[communes]") {
  const auto& dir = Shipped();
  REQUIRE(dir.communes().size() == 8);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"21289", "Sơn Hà"},         {"21292", "Sơn Hạ"},    {"21307", "Sơn Linh"},
      {"21319", "Sơn Thủy"},       {"21325", "Sơn Kỳ"},    {"21340", "Sơn Tây"},
      {"21334", "Sơn Tây Thượng"}, {"21343", "Sơn Tây Hạ"}};
  size_t old_units = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    CHECK(dir.communes()[i].code == expected[i].first);
    CHECK(dir.communes()[i].name == expected[i].second);
    CHECK(dir.communes()[i].agency.empty());
    old_units += dir.communes()[i].old_units.size();
  }
  CHECK(old_units == 23);
  CHECK(dir.source().find("1677/NQ-UBTVQH15") != std::string::npos);
}

TEST_CASE("Every old unit resolves to the commune it was merged into", "[communes]") {
  auto row = GENERATE(table<std::string, std::string>({
      {"Di Lăng", "21289"},   {"Sơn Bao", "21289"},  {"Sơn Thượng", "21289"},
      {"Sơn Thành", "21292"}, {"Sơn Nham", "21292"}, {"Sơn Hạ", "21292"},
      {"Sơn Giang", "21307"}, {"Sơn Cao", "21307"},  {"Sơn Linh", "21307"},
      {"Sơn Trung", "21319"}, {"Sơn Hải", "21319"},  {"Sơn Thủy", "21319"},
      {"Sơn Ba", "21325"},    {"Sơn Kỳ", "21325"},   {"Sơn Dung", "21340"},
      {"Sơn Long", "21340"},  {"Sơn Tân", "21340"},  {"Sơn Mùa", "21334"},
      {"Sơn Liên", "21334"},  {"Sơn Bua", "21334"},  {"Sơn Tinh", "21343"},
      {"Sơn Lập", "21343"},   {"Sơn Màu", "21343"},
  }));
  CAPTURE(std::get<0>(row));
  const CommuneMatch m = Shipped().Resolve(std::get<0>(row));
  CHECK(Codes(m) == std::get<1>(row));
  CHECK(m.matched == std::get<0>(row));
  // The same with "xã" in front and in capitals.
  CHECK(ResolveCodes("XÃ " + std::get<0>(row)) == std::get<1>(row));
}

TEST_CASE("Aliases and spelling variants resolve", "[communes]") {
  auto row = GENERATE(table<std::string, std::string>({
      {"Sơn Thuỷ", "21319"},  // old tone placement
      {"son thuy", "21319"},
      {"Sơn Dũng", "21340"},  // an old misspelling of Sơn Dung
      {"thị trấn Di Lăng", "21289"},
      {"thi tran di lang", "21289"},
      {"TT Di Lăng", "21289"},
      {"S\xC6\xA1n Ha\xCC\x80", "21289"},  // NFD Sơn Hà
  }));
  CAPTURE(std::get<0>(row));
  CHECK(ResolveCodes(std::get<0>(row)) == std::get<1>(row));
}

TEST_CASE("Tones typed decide between names that fold alike", "[communes]") {
  auto row = GENERATE(table<std::string, std::string>({
      {"Sơn Hà", "21289"},
      {"Sơn Hạ", "21292"},
      {"son ha", "21289,21292"},
      {"SON HA", "21289,21292"},
      {"Son Hạ", "21292"},        // the tone typed is enough
      {"sơn ha", "21289,21292"},  // a syllable without a tone matches every tone
      {"Sơn Tây Hà", "21340"},    // "Hà" is not "Hạ": only "Sơn Tây" is named
      {"son tinh", "21343"},      // old Sơn Tinh; Sơn Tịnh is not served
      {"Sơn Tinh", "21343"},
      {"Sơn Tịnh", ""},
      {"son mai", ""},
      {"Sơn Mai", ""},
      {"Sơn Trà", ""},
  }));
  CAPTURE(std::get<0>(row));
  const CommuneMatch m = Shipped().Resolve(std::get<0>(row));
  CHECK(Codes(m) == std::get<1>(row));
  CHECK(m.ambiguous() == (std::get<1>(row).find(',') != std::string::npos));
}

TEST_CASE("A former district names all of its communes", "[communes]") {
  auto row = GENERATE(table<std::string, std::string, std::string>({
      {"huyện Sơn Hà", "21289,21292,21307,21319,21325", "huyện Sơn Hà"},
      {"huyen son ha", "21289,21292,21307,21319,21325", "huyen son ha"},
      {"h. son ha", "21289,21292,21307,21319,21325", "h. son ha"},
      {"Huyện Sơn Tây", "21340,21334,21343", "Huyện Sơn Tây"},
      {"nha toi o huyen son tay", "21340,21334,21343", "huyen son tay"},
      // Not a district: the commune of that name only.
      {"huyện Sơn Hạ", "21292", "Sơn Hạ"},
      // The longer commune name beats the district inside it.
      {"huyện Sơn Tây Hạ", "21343", "Sơn Tây Hạ"},
  }));
  CAPTURE(std::get<0>(row));
  const CommuneMatch m = Shipped().Resolve(std::get<0>(row));
  CHECK(Codes(m) == std::get<1>(row));
  CHECK(m.matched == std::get<2>(row));
}

TEST_CASE("The longest name wins and names are whole words", "[communes]") {
  auto row = GENERATE(table<std::string, std::string, std::string>({
      {"son tay ha", "21343", "son tay ha"},
      {"Sơn Tây Thượng", "21334", "Sơn Tây Thượng"},
      {"son tay thuong", "21334", "son tay thuong"},
      {"son tay", "21340", "son tay"},
      {"xã Sơn Tây", "21340", "Sơn Tây"},
      {"son tay hanh", "21340", "son tay"},  // "hanh" is not "ha"
      {"sontay ha", "", ""},
      {"bason ky", "", ""},
      {"lich hop o son linh thang nay", "21307", "son linh"},
      {"Cho hỏi lịch họp ở xã Sơn Kỳ, thôn 3 ạ?", "21325", "Sơn Kỳ"},
      {"toi o Son Ba cu, nay la xa nao", "21325", "Son Ba"},
      {"sơn kỳ và sơn linh", "21307,21325", "sơn kỳ, sơn linh"},
  }));
  CAPTURE(std::get<0>(row));
  const CommuneMatch m = Shipped().Resolve(std::get<0>(row));
  CHECK(Codes(m) == std::get<1>(row));
  CHECK(m.matched == std::get<2>(row));
}

TEST_CASE("Numbers, codes and empty text are not communes", "[communes]") {
  auto text = GENERATE(as<std::string>{}, "", "   ", "1", "8", "21325", "son", "ha", "xã", "huyện",
                       "Sơn", "\xFF\xFE son");
  CAPTURE(text);
  const CommuneMatch m = Shipped().Resolve(text);
  CHECK(m.candidates.empty());
  CHECK(m.matched.empty());
  CHECK_FALSE(m.ambiguous());
}

TEST_CASE("FindByCode and FindByName need the exact code or name", "[communes]") {
  const auto& dir = Shipped();
  REQUIRE(dir.FindByCode("21325") != nullptr);
  CHECK(dir.FindByCode("21325")->name == "Sơn Kỳ");
  CHECK(dir.FindByCode("21322") == nullptr);  // old Sơn Thủy's code, not a current one
  CHECK(dir.FindByCode("") == nullptr);

  auto row = GENERATE(table<std::string, std::string>({
      {"Sơn Hạ", "21292"},
      {"xã sơn hạ", "21292"},
      {"XÃ SƠN HÀ", "21289"},
      {"S\xC6\xA1n Ha\xCC\xA3", "21292"},  // NFD
      {"Sơn Thuỷ", "21319"},
      {"  Sơn Kỳ ", "21325"},
      {"son ha", ""},   // diacritics must match
      {"Sơn Bao", ""},  // an old unit, not a commune
      {"Sơn", ""},
      {"", ""},
  }));
  CAPTURE(std::get<0>(row));
  const Commune* c = dir.FindByName(std::get<0>(row));
  CHECK((c ? c->code : "") == std::get<1>(row));
}

TEST_CASE("A valid minimal file parses", "[communes][validation]") {
  CHECK(ProblemsOf(R"({"source": "NQ", "communes": [
    {"code": "00001", "name": "A Một", "old_units": []}]})") == "");
}

TEST_CASE("Every problem of a communes file is reported with its line", "[communes][validation]") {
  const std::string text = R"({
  "source": "NQ 1677",
  "communes": [
    {"code": "21289", "name": "Sơn Hà", "agency": "", "old_units": ["Sơn Bao"], "aliases": []},
    {"code": "21289", "name": "Sơn Hạ", "agency": "", "old_units": ["Sơn Nham"], "aliases": []},
    {"code": "21307", "name": "Sơn Linh", "agency": 3,
     "old_units": ["Sơn Giang", "Sơn Bao", ""], "colour": "red"},
    {"code": "2130", "name": "Sơn Hà", "old_units": ["Sơn Cao"]},
    {"name": "Sơn Kỳ", "old_units": "Sơn Ba"}
  ],
  "former_districts": [
    {"name": "Sơn Hà", "communes": ["21289", "21999"]},
    {"name": "Sơn Tây", "communes": ["21289", 5]}
  ],
  "extra": 1
})";
  CHECK(ProblemsOf(text) ==
        "communes.json:5: entry '21289', field 'code': duplicates the code at line 4\n"
        "communes.json:6: entry '21307', field 'agency': must be a string (may be empty)\n"
        "communes.json:7: entry '21307': unknown key 'colour'\n"
        "communes.json:7: entry '21307', field 'old_units[1]': 'Sơn Bao' already names commune "
        "21289 (line 4)\n"
        "communes.json:7: entry '21307', field 'old_units[2]': must be a non-empty string\n"
        "communes.json:8: entry 'communes[3]', field 'code': must be a 5-digit string, got "
        "\"2130\"\n"
        "communes.json:8: entry 'communes[3]', field 'name': 'Sơn Hà' duplicates the commune "
        "name at line 4\n"
        "communes.json:9: entry 'communes[4]', field 'code': is required\n"
        "communes.json:9: entry 'communes[4]', field 'old_units': must be an array of names\n"
        "communes.json:12: entry 'former_districts[0]', field 'communes[1]': unknown commune "
        "code '21999'\n"
        "communes.json:13: entry 'former_districts[1]', field 'communes[0]': commune 21289 is "
        "already in a district at line 12\n"
        "communes.json:13: entry 'former_districts[1]', field 'communes[1]': must be a commune "
        "code string\n"
        "communes.json:15: unknown key 'extra'");
}

TEST_CASE("Malformed communes files are rejected with a reason", "[communes][validation]") {
  auto row = GENERATE(table<std::string, std::string>({
      {"",
       "communes.json:1: not valid JSON: syntax error while parsing value - unexpected "
       "end of input; expected '[', '{', or a literal"},
      {"[]", "communes.json:1: top level must be an object with the key 'communes'"},
      {R"({"source": "x"})", "communes.json:1: field 'communes': is required"},
      {R"({"source": "x", "communes": []})",
       "communes.json:1: field 'communes': must be a non-empty array"},
      {R"({"source": " ", "communes": [{"code": "00001", "name": "A", "old_units": []}]})",
       "communes.json:1: field 'source': must be a non-empty string"},
      {R"({"communes": [{"code": "00001", "name": "A", "old_units": []}]})",
       "communes.json:1: field 'source': is required"},
      {R"({"source": "x", "communes": [{"code": "00001", "name": "A", "old_units": []}],
 "source": "y"})",
       "communes.json:2: duplicate key 'source'"},
      {R"({"source": "x", "communes": [{"code": "00001", "name": "A", "old_units": []},
 {"code": "00002", "name": "B", "old_units": [], "aliases": ["xã a"]}]})",
       "communes.json:2: entry '00002', field 'aliases[0]': 'xã a' already names commune 00001 "
       "(line 1)"},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(ProblemsOf(std::get<0>(row)) == std::get<1>(row));
}

TEST_CASE("Loading a missing file reports it", "[communes][validation]") {
  std::vector<ContentProblem> problems;
  CHECK(CommuneDirectory::Load("/nonexistent/communes.json", &problems) == nullptr);
  CHECK(JoinProblems(problems) == "/nonexistent/communes.json: cannot read file");
}

}  // namespace
}  // namespace bhxh
