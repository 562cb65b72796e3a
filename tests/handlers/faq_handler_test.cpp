#include "handlers/faq_handler.h"

#include <catch2/catch.hpp>

#include "test_support/shipped_content.h"

using namespace bhxh;

TEST_CASE("every shipped answer renders completely, under the platforms' 2,000 characters") {
  auto snap = testing::ShippedSnapshot();
  const FaqHandler handler(*snap, CivilDate{2026, 11, 26});
  for (const auto& entry : snap->faq->entries()) {
    CAPTURE(entry.id);
    const auto replies = handler.Answer(entry);
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].text.find("{{") == std::string::npos);
    CHECK(NfcLength(replies[0].text) < 2000);
    CHECK(replies[0].text.rfind("Dạ", 0) == 0);
    for (const auto& c : replies[0].choices) CHECK_FALSE(c.payload.empty());
  }
}

TEST_CASE("a clarify lists the choices as numbered lines and as buttons") {
  auto snap = testing::ShippedSnapshot();
  const FaqHandler handler(*snap, CivilDate{2026, 11, 26});
  MatchResult m;
  m.outcome = MatchOutcome::kClarify;
  m.alternatives = {0, 1};
  m.ranked = {{0, 0.4}, {1, 0.38}};
  const auto replies = handler.ForMatch(m, 0);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].text.find("1) " + snap->faq->entries()[0].questions[0]) != std::string::npos);
  CHECK(replies[0].text.find("2) " + snap->faq->entries()[1].questions[0]) != std::string::npos);
  REQUIRE(replies[0].choices.size() == 3);
  CHECK(replies[0].choices[0].payload == "FAQ:" + snap->faq->entries()[0].id);
  CHECK(replies[0].choices[2].payload == "MENU_STAFF:not_in_choices");
}

TEST_CASE("unknown replies offer the menu first time and staff the second time") {
  auto snap = testing::ShippedSnapshot();
  const FaqHandler handler(*snap, CivilDate{2026, 11, 26});
  MatchResult m;
  m.outcome = MatchOutcome::kUnknown;
  m.reason = DeclineReason::kLowScore;
  CHECK(handler.ForMatch(m, 0)[0].choices[0].payload == "MENU_FAQ");
  CHECK(handler.ForMatch(m, 1)[0].choices[0].payload == "MENU_STAFF:unknown_twice");
  m.reason = DeclineReason::kOutOfScope;
  CHECK(handler.ForMatch(m, 0)[0].text.find("chỉ trả lời được") != std::string::npos);
}
