// One problem found while validating a content file. Validation reports
// every problem it finds, never only the first, so staff can fix a file in
// one pass.
#ifndef BHXH_CONTENT_CONTENT_PROBLEM_H_
#define BHXH_CONTENT_CONTENT_PROBLEM_H_

#include <string>
#include <vector>

namespace bhxh {

struct ContentProblem {
  std::string file;      // as given by the caller, e.g. "content/faq.json"
  int line = 0;          // 1-based line in the file when known, else 0
  std::string entry_id;  // FAQ id (or "#3" = 3rd entry when it has no valid id); may be empty
  std::string field;     // e.g. "questions", "follow_up[1]"; may be empty
  std::string message;   // English, for developers and the CLI

  // "content/faq.json:12: entry 'bhxh-tn-muc-dong', field 'answer': is required"
  // (parts that are unknown are left out).
  std::string ToString() const;
};

std::string JoinProblems(const std::vector<ContentProblem>& problems);

}  // namespace bhxh

#endif  // BHXH_CONTENT_CONTENT_PROBLEM_H_
