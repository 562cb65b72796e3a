// Loads the shipped content files of a content directory (faq.json,
// variables.json, messages.vi.json, abbreviations.json, lexicon.json,
// communes.json, office_hours.json) and
// builds the snapshot the dialog engine answers from.
#ifndef BHXH_BOT_CONTENT_LOADER_H_
#define BHXH_BOT_CONTENT_LOADER_H_

#include <memory>
#include <string>
#include <vector>

#include "content/content_problem.h"
#include "content/faq_content.h"
#include "content/faq_index.h"
#include "handlers/live_content.h"

namespace bhxh {

struct ContentFiles {
  std::string dir;
  std::string faq() const { return dir + "/faq.json"; }
  std::string variables() const { return dir + "/variables.json"; }
  std::string messages() const { return dir + "/messages.vi.json"; }
  std::string abbreviations() const { return dir + "/abbreviations.json"; }
  std::string lexicon() const { return dir + "/lexicon.json"; }
  std::string communes() const { return dir + "/communes.json"; }
  std::string office_hours() const { return dir + "/office_hours.json"; }
  std::string meetings() const { return dir + "/meetings.json"; }
};

// Everything but the FAQ: shared by the shipped FAQ, the live FAQ in the
// database and a --content file.
struct SharedContent {
  std::shared_ptr<const TextNormalizer> normalizer;
  std::shared_ptr<const VariableTable> variables;
  std::shared_ptr<const Messages> messages;
  std::shared_ptr<const CommuneDirectory> communes;
  std::shared_ptr<const OfficeHours> office_hours;
};

// `explicit_dir` if not empty; else ./content when it holds faq.json; else
// the source tree's content/ this binary was built from.
std::string ResolveContentDir(const std::string& explicit_dir);
// Same for web pages (index.html).
std::string ResolveWebDir(const std::string& explicit_dir);

// Loads variables, wording and word lists. Returns false and appends every
// problem (file, field, message) when any file is missing or invalid.
bool LoadSharedContent(const ContentFiles& files, SharedContent* out,
                       std::vector<ContentProblem>* problems);

// Loads and validates a FAQ file, checking placeholders against `variables`.
FaqParseResult LoadFaqChecked(const std::string& path, const VariableTable& variables);

std::shared_ptr<const ContentSnapshot> MakeSnapshot(const SharedContent& shared,
                                                    std::vector<FaqEntry> faq,
                                                    const MatchThresholds& thresholds);

}  // namespace bhxh

#endif  // BHXH_BOT_CONTENT_LOADER_H_
