// The shipped content (content/), loaded once per test binary, for tests of
// the layers above content/. Aborts the test on any content problem.
#ifndef BHXH_TESTS_TEST_SUPPORT_SHIPPED_CONTENT_H_
#define BHXH_TESTS_TEST_SUPPORT_SHIPPED_CONTENT_H_

#include <memory>
#include <stdexcept>
#include <string>

#include "content/communes.h"
#include "content/faq_index.h"
#include "content/lexicon.h"
#include "content/messages.h"
#include "content/office_hours.h"
#include "content/variables.h"
#include "handlers/live_content.h"

namespace bhxh::testing {

// A minimal valid FAQ entry with one question.
inline FaqEntry OneQuestionEntry(const std::string& id, const std::string& question) {
  FaqEntry e;
  e.id = id;
  e.questions = {question};
  e.answer = "Dạ.";
  return e;
}

inline std::shared_ptr<const ContentSnapshot> ShippedSnapshot(
    std::vector<FaqEntry> faq_override = {}, MatchThresholds thresholds = {}) {
  const std::string dir = BHXH_TEST_CONTENT_DIR;
  std::vector<ContentProblem> problems;
  Lexicon lex;
  if (!LoadLexicon(dir + "/abbreviations.json", dir + "/lexicon.json", &lex, &problems)) {
    throw std::runtime_error(JoinProblems(problems));
  }
  std::shared_ptr<const VariableTable> vars = VariableTable::Load(dir + "/variables.json", &problems);
  std::shared_ptr<const Messages> msgs =
      Messages::Load(dir + "/messages.vi.json", RequiredMessageKeys(), &problems);
  std::shared_ptr<const CommuneDirectory> communes =
      CommuneDirectory::Load(dir + "/communes.json", &problems);
  std::shared_ptr<const OfficeHours> office_hours =
      OfficeHours::Load(dir + "/office_hours.json", &problems);
  if (!vars || !msgs || !communes || !office_hours) throw std::runtime_error(JoinProblems(problems));
  if (faq_override.empty()) {
    auto parsed = LoadFaqFile(dir + "/faq.json", [&](std::string_view n) { return vars->Has(n); });
    if (!parsed.ok()) throw std::runtime_error(JoinProblems(parsed.problems));
    faq_override = std::move(parsed.entries);
  }
  auto snap = std::make_shared<ContentSnapshot>();
  snap->normalizer = std::make_shared<const TextNormalizer>(std::move(lex));
  snap->faq = std::make_shared<const FaqIndex>(std::move(faq_override), snap->normalizer, thresholds);
  snap->variables = vars;
  snap->messages = msgs;
  snap->communes = communes;
  snap->office_hours = office_hours;
  return snap;
}

}  // namespace bhxh::testing

#endif  // BHXH_TESTS_TEST_SUPPORT_SHIPPED_CONTENT_H_
