#include "storage/question_log.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "storage/database.h"
#include "tests/storage/scratch_dir.h"

namespace bhxh {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// 2026-11-26T15:19:49.123Z plus `m` minutes.
system_clock::time_point Minute(int m) {
  return system_clock::time_point(milliseconds(1795706389123LL) + std::chrono::minutes(m));
}

QuestionRecord Question(int minute, const std::string& text, const std::string& outcome) {
  QuestionRecord r;
  r.at = Minute(minute);
  r.channel = "web";
  r.user = "session-" + std::to_string(minute);
  r.text = text;
  r.outcome = outcome;
  return r;
}

std::vector<QuestionRecord> RecentOrFail(QuestionLog& log, size_t limit, bool unanswered_only) {
  Result<std::vector<QuestionRecord>> recent = log.Recent(limit, unanswered_only);
  INFO(recent.status().message());
  REQUIRE(recent.ok());
  return *recent;
}

std::vector<std::string> Texts(const std::vector<QuestionRecord>& records) {
  std::vector<std::string> texts;
  for (const QuestionRecord& r : records) texts.push_back(r.text);
  return texts;
}

TEST_CASE("Recorded questions come back newest first with every field") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto log = NewSqliteQuestionLog(*db);
  CHECK(RecentOrFail(*log, 10, false).empty());

  QuestionRecord answered = Question(0, "Mức đóng BHXH tự nguyện?", "answer");
  answered.channel = "zalo";
  answered.user = "zalo-user-1";
  answered.faq_id = "bhxh-tn-muc-dong";
  answered.score = 0.875;
  QuestionRecord unclear = Question(2, "đóng bao nhiêu", "clarify");
  unclear.reason = "ambiguous";
  unclear.score = 0.41;
  QuestionRecord unknown = Question(1, "giá vàng hôm nay", "unknown");
  unknown.reason = "no-match";
  for (const QuestionRecord& r : {answered, unclear, unknown}) RequireOk(log->Record(r));

  const std::vector<QuestionRecord> recent = RecentOrFail(*log, 10, false);
  REQUIRE(recent.size() == 3);
  CHECK(Texts(recent) ==
        std::vector<std::string>{"đóng bao nhiêu", "giá vàng hôm nay", "Mức đóng BHXH tự nguyện?"});
  const QuestionRecord& a = recent[2];
  CHECK(a.id > 0);
  CHECK(a.at == answered.at);
  CHECK(a.channel == "zalo");
  CHECK(a.user == "zalo-user-1");
  CHECK(a.outcome == "answer");
  CHECK(a.reason == "");
  CHECK(a.faq_id == "bhxh-tn-muc-dong");
  CHECK(a.score == 0.875);
  CHECK(recent[0].reason == "ambiguous");
  CHECK(recent[0].faq_id == "");
  CHECK(recent[0].score == 0.41);
  CHECK(recent[0].id != a.id);
  CHECK(recent[1].id != a.id);
  CHECK(recent[0].id != recent[1].id);
}

TEST_CASE("Recent filters unanswered questions and honours the limit") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto log = NewSqliteQuestionLog(*db);
  RequireOk(log->Record(Question(0, "q0", "answer")));
  RequireOk(log->Record(Question(1, "q1", "unknown")));
  RequireOk(log->Record(Question(2, "q2", "answer")));
  RequireOk(log->Record(Question(3, "q3", "clarify")));
  // Same instant as q3: the later insert counts as newer.
  RequireOk(log->Record(Question(3, "q3-again", "unknown")));

  CHECK(Texts(RecentOrFail(*log, 10, true)) == std::vector<std::string>{"q3-again", "q3", "q1"});
  CHECK(Texts(RecentOrFail(*log, 2, true)) == std::vector<std::string>{"q3-again", "q3"});
  CHECK(Texts(RecentOrFail(*log, 10, false)) ==
        std::vector<std::string>{"q3-again", "q3", "q2", "q1", "q0"});
  CHECK(Texts(RecentOrFail(*log, 3, false)) == std::vector<std::string>{"q3-again", "q3", "q2"});
  CHECK(RecentOrFail(*log, 0, false).empty());
}

TEST_CASE("A question with an unknown outcome is refused and not recorded") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto log = NewSqliteQuestionLog(*db);
  auto outcome = GENERATE(as<std::string>{}, "answered", "", "Answer");
  CAPTURE(outcome);
  Status s = log->Record(Question(0, "q", outcome));
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == "question log: unknown outcome \"" + outcome +
                           "\" (expected answer, clarify or unknown)");
  CHECK(RecentOrFail(*log, 10, false).empty());
}

TEST_CASE("PurgeOlderThan deletes questions strictly older than the cutoff") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto log = NewSqliteQuestionLog(*db);
  for (int m = 0; m < 5; ++m) {
    RequireOk(log->Record(Question(m, "q" + std::to_string(m), m % 2 ? "unknown" : "answer")));
  }

  Result<size_t> purged = log->PurgeOlderThan(Minute(2));
  INFO(purged.status().message());
  REQUIRE(purged.ok());
  CHECK(*purged == 2);
  // The question at exactly the cutoff stays.
  CHECK(Texts(RecentOrFail(*log, 10, false)) == std::vector<std::string>{"q4", "q3", "q2"});

  Result<size_t> again = log->PurgeOlderThan(Minute(2));
  REQUIRE(again.ok());
  CHECK(*again == 0);

  Result<size_t> rest = log->PurgeOlderThan(Minute(60));
  REQUIRE(rest.ok());
  CHECK(*rest == 3);
  CHECK(RecentOrFail(*log, 10, false).empty());
}

TEST_CASE("Recorded questions survive closing and reopening the database") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  {
    auto db = OpenOrFail(path);
    auto log = NewSqliteQuestionLog(*db);
    RequireOk(log->Record(Question(0, "q0", "unknown")));
    RequireOk(log->Record(Question(1, "q1", "answer")));
  }
  auto db = OpenOrFail(path);
  auto log = NewSqliteQuestionLog(*db);
  const std::vector<QuestionRecord> recent = RecentOrFail(*log, 10, false);
  CHECK(Texts(recent) == std::vector<std::string>{"q1", "q0"});
  REQUIRE(recent.size() == 2);
  CHECK(recent[1].at == Minute(0));
  CHECK(Texts(RecentOrFail(*log, 10, true)) == std::vector<std::string>{"q0"});
}

}  // namespace
}  // namespace bhxh
