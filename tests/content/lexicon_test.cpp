#include "content/lexicon.h"

#include <catch2/catch.hpp>

using namespace bhxh;

TEST_CASE("the shipped word lists load") {
  Lexicon lex;
  std::vector<ContentProblem> problems;
  REQUIRE(LoadLexicon(std::string(BHXH_TEST_CONTENT_DIR) + "/abbreviations.json",
                      std::string(BHXH_TEST_CONTENT_DIR) + "/lexicon.json", &lex, &problems));
  CHECK(problems.empty());
  CHECK(lex.abbreviations.at("bhxh") == "bao hiem xa hoi");
  CHECK(lex.abbreviations.at("hgd") == "ho gia dinh");
  CHECK(lex.synonyms.at("lanh") == "nhan");
  CHECK(lex.synonyms.at("cho em hoi").empty());  // a stop phrase
  CHECK(lex.stopwords.count("nhe") == 1);
  CHECK_FALSE(lex.smalltalk.empty());
  CHECK_FALSE(lex.out_of_scope.empty());
  CHECK_FALSE(lex.personal_case.empty());
}

TEST_CASE("bad word lists are reported with file and field") {
  Lexicon lex;
  std::vector<ContentProblem> problems;
  SECTION("an abbreviation with an empty expansion") {
    CHECK_FALSE(ParseLexicon(R"({"abbreviations": {"bhxh": ""}})", "a.json", R"({})", "l.json",
                             &lex, &problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].ToString() ==
          "a.json: field 'abbreviations.bhxh': must map a non-empty short form to a non-empty string");
  }
  SECTION("an unknown key in the lexicon") {
    CHECK_FALSE(ParseLexicon(R"({"abbreviations": {}})", "a.json", R"({"stopword": []})", "l.json",
                             &lex, &problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].ToString() == "l.json: field 'stopword': unknown key 'stopword'");
  }
  SECTION("not JSON") {
    CHECK_FALSE(ParseLexicon("{", "a.json", "[", "l.json", &lex, &problems));
    CHECK(problems.size() == 2);
  }
  SECTION("a synonym list that is not an array") {
    CHECK_FALSE(ParseLexicon(R"({"abbreviations": {}})", "a.json",
                             R"({"synonyms": {"sinh con": "đẻ"}})", "l.json", &lex, &problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].field == "synonyms.sinh con");
  }
}
