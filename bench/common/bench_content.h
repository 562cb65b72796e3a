// Loading the shipped content and the labelled question set for benchmarks.
#ifndef BHXH_BENCH_COMMON_BENCH_CONTENT_H_
#define BHXH_BENCH_COMMON_BENCH_CONTENT_H_

#include <memory>
#include <string>
#include <vector>

#include "content/faq_content.h"
#include "content/text_normalizer.h"

namespace bhxh::bench {

struct LabelledQuestion {
  std::string expected;  // FAQ id, or "" for out-of-scope (must not be answered)
  std::string kind;      // free label: "plain", "no-diacritics", "typo", "long", "oos", ...
  std::string text;
  int line = 0;
};

// Loads the normaliser and the FAQ of `content_dir` (or `faq_file` when not
// empty); exits with a message on any problem.
std::shared_ptr<const TextNormalizer> LoadNormalizer(const std::string& content_dir);
std::vector<FaqEntry> LoadFaq(const std::string& content_dir, const std::string& faq_file);

// questions.tsv: "expected_id<TAB>kind<TAB>question"; expected "-" = out of
// scope; lines starting with '#' and blank lines are skipped.
std::vector<LabelledQuestion> LoadQuestions(const std::string& path);

}  // namespace bhxh::bench

#endif  // BHXH_BENCH_COMMON_BENCH_CONTENT_H_
