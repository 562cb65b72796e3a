// The live FAQ and its revision history. The live FAQ is what the bot
// answers from; every change is one transaction that replaces it and appends
// a revision (when, who/which command, what changed, full snapshot).
#ifndef BHXH_STORAGE_FAQ_STORE_H_
#define BHXH_STORAGE_FAQ_STORE_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "content/faq_content.h"

namespace bhxh {

class Database;

struct FaqRevision {
  long long number = 0;                        // 1, 2, 3 ...
  std::chrono::system_clock::time_point at;
  std::string actor;                           // "import-faq content/faq.json", "staff:lan", ...
  std::string summary;                         // "added 2, changed 1, removed 0: added a, b; changed c"
  size_t entry_count = 0;
};

// Implementations are thread-safe.
class FaqStore {
 public:
  virtual ~FaqStore() = default;
  // The live entries in their stored order. Empty when nothing was imported.
  virtual Result<std::vector<FaqEntry>> LoadLive() = 0;
  // Replaces the live FAQ with `entries` and records a revision, atomically:
  // on any error nothing changes. The entries must already be validated.
  // Returns the new revision (a no-op replace still records one).
  // InvalidArgument for a duplicate id or text that is not valid UTF-8.
  virtual Result<FaqRevision> ReplaceAll(const std::vector<FaqEntry>& entries,
                                         const std::string& actor,
                                         std::chrono::system_clock::time_point at) = 0;
  // Newest first, at most `limit`.
  virtual Result<std::vector<FaqRevision>> Revisions(size_t limit) = 0;
  // The full FAQ as it was after revision `number`; NotFound if there is no
  // such revision.
  virtual Result<std::vector<FaqEntry>> Snapshot(long long number) = 0;
};

std::unique_ptr<FaqStore> NewSqliteFaqStore(Database& db);

}  // namespace bhxh

#endif  // BHXH_STORAGE_FAQ_STORE_H_
