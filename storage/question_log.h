// Every citizen question with its outcome, for the staff's list of what the
// FAQ could not answer. Stores the question text (personal data: purged by
// the retention job later, never written to the process log).
#ifndef BHXH_STORAGE_QUESTION_LOG_H_
#define BHXH_STORAGE_QUESTION_LOG_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace bhxh {

class Database;

struct QuestionRecord {
  long long id = 0;  // assigned on insert
  std::chrono::system_clock::time_point at;
  std::string channel;  // "web", "messenger", "zalo", "cli"
  std::string user;     // channel-scoped user or session id
  std::string text;
  std::string outcome;  // "answer" | "clarify" | "unknown"
  std::string reason;   // decline reason or ""
  std::string faq_id;   // chosen entry or ""
  double score = 0;
};

// Implementations are thread-safe.
class QuestionLog {
 public:
  virtual ~QuestionLog() = default;
  // InvalidArgument for an outcome other than the three above.
  virtual Status Record(const QuestionRecord& record) = 0;
  // Newest first (by `at`, then by insertion), at most `limit`; only
  // outcomes other than "answer" when unanswered_only.
  virtual Result<std::vector<QuestionRecord>> Recent(size_t limit, bool unanswered_only) = 0;
  // Deletes the questions (whole rows) recorded strictly before `cutoff`;
  // returns how many.
  virtual Result<size_t> PurgeOlderThan(std::chrono::system_clock::time_point cutoff) = 0;
  // Deletes every question of one user (a privacy request); returns how many.
  virtual Result<size_t> DeleteUser(const std::string& channel, const std::string& user) = 0;
};

std::unique_ptr<QuestionLog> NewSqliteQuestionLog(Database& db);

}  // namespace bhxh

#endif  // BHXH_STORAGE_QUESTION_LOG_H_
