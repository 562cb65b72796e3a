#include "storage/question_log.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "storage/database.h"
#include "storage/sqlite_statement.h"
#include "storage/unix_millis.h"

namespace bhxh {
namespace {

// The outcomes a handler can report. Checked on Record because a misspelt
// outcome ("answered") would silently land in the staff's unanswered list.
bool IsKnownOutcome(const std::string& outcome) {
  return outcome == "answer" || outcome == "clarify" || outcome == "unknown";
}

int64_t ClampLimit(size_t limit) {
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(static_cast<uint64_t>(limit) > kMax ? kMax : limit);
}

class SqliteQuestionLog final : public QuestionLog {
 public:
  explicit SqliteQuestionLog(Database& db) : db_(db) {}

  Status Record(const QuestionRecord& record) override {
    if (!IsKnownOutcome(record.outcome)) {
      return InvalidArgument("question log: unknown outcome \"" + record.outcome +
                             "\" (expected answer, clarify or unknown)");
    }
    // A single INSERT is atomic on its own; no explicit transaction needed.
    return db_.WithConnection([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db,
          "INSERT INTO question_log (at_ms, channel, user_id, text, outcome, reason, faq_id, "
          "score) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
      if (!stmt.ok()) return Annotate(stmt.status(), "question log: record");
      stmt->BindInt64(1, ToUnixMillis(record.at));
      stmt->BindText(2, record.channel);
      stmt->BindText(3, record.user);
      stmt->BindText(4, record.text);
      stmt->BindText(5, record.outcome);
      stmt->BindText(6, record.reason);
      stmt->BindText(7, record.faq_id);
      stmt->BindDouble(8, record.score);
      return Annotate(stmt->Run(), "question log: record");
    });
  }

  Result<std::vector<QuestionRecord>> Recent(size_t limit, bool unanswered_only) override {
    std::vector<QuestionRecord> records;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      // Ties on the instant go to the later insert (higher id).
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db,
          "SELECT id, at_ms, channel, user_id, text, outcome, reason, faq_id, score "
          "FROM question_log WHERE ?1 = 0 OR outcome <> 'answer' "
          "ORDER BY at_ms DESC, id DESC LIMIT ?2");
      if (!stmt.ok()) return Annotate(stmt.status(), "question log: recent");
      stmt->BindInt64(1, unanswered_only ? 1 : 0);
      stmt->BindInt64(2, ClampLimit(limit));
      for (;;) {
        Result<bool> row = stmt->Step();
        if (!row.ok()) return Annotate(row.status(), "question log: recent");
        if (!*row) return Status::Ok();
        QuestionRecord r;
        r.id = stmt->ColumnInt64(0);
        r.at = FromUnixMillis(stmt->ColumnInt64(1));
        r.channel = stmt->ColumnText(2);
        r.user = stmt->ColumnText(3);
        r.text = stmt->ColumnText(4);
        r.outcome = stmt->ColumnText(5);
        r.reason = stmt->ColumnText(6);
        r.faq_id = stmt->ColumnText(7);
        r.score = stmt->ColumnDouble(8);
        records.push_back(std::move(r));
      }
    });
    if (!s.ok()) return s;
    return records;
  }

  Result<size_t> PurgeOlderThan(std::chrono::system_clock::time_point cutoff) override {
    size_t purged = 0;
    Status s = db_.WithConnection([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt =
          SqliteStatement::Prepare(db, "DELETE FROM question_log WHERE at_ms < ?1");
      if (!stmt.ok()) return Annotate(stmt.status(), "question log: purge");
      stmt->BindInt64(1, ToUnixMillis(cutoff));
      Status run = stmt->Run();
      if (!run.ok()) return Annotate(run, "question log: purge");
      // Read under the connection lock, so it counts this DELETE only.
      purged = static_cast<size_t>(sqlite3_changes64(db));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return purged;
  }

 Result<size_t> DeleteUser(const std::string& channel, const std::string& user) override {
    size_t deleted = 0;
    Status s = db_.WithConnection([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "DELETE FROM question_log WHERE channel = ?1 AND user_id = ?2");
      if (!stmt.ok()) return Annotate(stmt.status(), "question log: delete user");
      stmt->BindText(1, channel);
      stmt->BindText(2, user);
      Status run = stmt->Run();
      if (!run.ok()) return Annotate(run, "question log: delete user");
      deleted = static_cast<size_t>(sqlite3_changes64(db));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return deleted;
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<QuestionLog> NewSqliteQuestionLog(Database& db) {
  return std::make_unique<SqliteQuestionLog>(db);
}

}  // namespace bhxh
