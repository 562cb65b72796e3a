// Keeps the live content in step with its sources while the service runs:
// - the live FAQ in the database, which another process (`bhxh-bot
//   import-faq`, later the staff page) may replace: a new revision number
//   triggers a rebuilt index;
// - the content files staff edit on disk (variables.json, messages.vi.json,
//   abbreviations.json, lexicon.json): a changed modification time triggers
//   a reload; an invalid file is reported and the running content is kept.
// The new snapshot is swapped in atomically (LiveContent).
#ifndef BHXH_BOT_FAQ_RELOADER_H_
#define BHXH_BOT_FAQ_RELOADER_H_

#include <ctime>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "bot/content_loader.h"
#include "handlers/live_content.h"
#include "storage/faq_store.h"

namespace bhxh {

class FaqReloader {
 public:
  // `store` and `content` must outlive the reloader. `loaded_revision` is
  // the revision the current index was built from (0 = none). With an empty
  // `files.dir`, content files are not watched.
  FaqReloader(FaqStore& store, LiveContent& content, long long loaded_revision,
              ContentFiles files = {}, MatchThresholds thresholds = {});

  // Reloads what changed since the last check. `reloaded` (if given) tells
  // whether a new snapshot was swapped in. An invalid content file is an
  // InvalidArgument naming the problems (the running content stays).
  // Thread-safe.
  Status CheckNow(bool* reloaded = nullptr);

  long long loaded_revision() const;

 private:
  std::vector<std::timespec> FileTimes() const;

  FaqStore& store_;
  LiveContent& content_;
  ContentFiles files_;
  MatchThresholds thresholds_;
  mutable std::mutex mu_;
  long long loaded_revision_;
  std::vector<std::timespec> file_times_;
};

}  // namespace bhxh

#endif  // BHXH_BOT_FAQ_RELOADER_H_
