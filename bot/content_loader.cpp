#include "bot/content_loader.h"

#include <sys/stat.h>

#include "bot/build_info.h"
#include "content/lexicon.h"

namespace bhxh {
namespace {

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

std::string ResolveContentDir(const std::string& explicit_dir) {
  if (!explicit_dir.empty()) return explicit_dir;
  if (FileExists("content/faq.json")) return "content";
  return BHXH_SOURCE_CONTENT_DIR;
}

std::string ResolveWebDir(const std::string& explicit_dir) {
  if (!explicit_dir.empty()) return explicit_dir;
  if (FileExists("web/index.html")) return "web";
  return BHXH_SOURCE_WEB_DIR;
}

bool LoadSharedContent(const ContentFiles& files, SharedContent* out,
                       std::vector<ContentProblem>* problems) {
  const size_t before = problems->size();
  Lexicon lexicon;
  const bool lexicon_ok = LoadLexicon(files.abbreviations(), files.lexicon(), &lexicon, problems);
  std::shared_ptr<const VariableTable> variables = VariableTable::Load(files.variables(), problems);
  std::shared_ptr<const Messages> messages =
      Messages::Load(files.messages(), RequiredMessageKeys(), problems);
  std::shared_ptr<const CommuneDirectory> communes = CommuneDirectory::Load(files.communes(), problems);
  std::shared_ptr<const OfficeHours> office_hours = OfficeHours::Load(files.office_hours(), problems);
  if (!lexicon_ok || !variables || !messages || !communes || !office_hours ||
      problems->size() != before) {
    return false;
  }
  out->communes = std::move(communes);
  out->office_hours = std::move(office_hours);
  out->normalizer = std::make_shared<const TextNormalizer>(std::move(lexicon));
  out->variables = std::move(variables);
  out->messages = std::move(messages);
  return true;
}

FaqParseResult LoadFaqChecked(const std::string& path, const VariableTable& variables) {
  return LoadFaqFile(path, [&variables](std::string_view name) { return variables.Has(name); });
}

std::shared_ptr<const ContentSnapshot> MakeSnapshot(const SharedContent& shared,
                                                    std::vector<FaqEntry> faq,
                                                    const MatchThresholds& thresholds) {
  auto snapshot = std::make_shared<ContentSnapshot>();
  snapshot->normalizer = shared.normalizer;
  snapshot->faq = std::make_shared<const FaqIndex>(std::move(faq), shared.normalizer, thresholds);
  snapshot->variables = shared.variables;
  snapshot->messages = shared.messages;
  snapshot->communes = shared.communes;
  snapshot->office_hours = shared.office_hours;
  return snapshot;
}

}  // namespace bhxh
