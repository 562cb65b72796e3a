#include "storage/unit_of_work.h"

#include <catch2/catch.hpp>

#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/question_log.h"
#include "scratch_dir.h"

using namespace bhxh;

namespace {

QuestionRecord Question() {
  QuestionRecord q;
  q.at = std::chrono::system_clock::time_point(std::chrono::seconds(1795662000));
  q.channel = "web";
  q.user = "u";
  q.text = "mất thẻ";
  q.outcome = "answer";
  q.faq_id = "bhyt-mat-the";
  return q;
}

}  // namespace

TEST_CASE("writes of several stores in a unit of work commit together or not at all") {
  ScratchDir dir;
  auto opened = Database::Open(dir.File("bot.db"));
  REQUIRE(opened.ok());
  Database& db = **opened;
  auto unit = NewSqliteUnitOfWork(db);
  auto conversations = NewSqliteConversationStore(db);
  auto questions = NewSqliteQuestionLog(db);
  const ConversationKey key{"web", "u"};
  const auto at = Question().at;

  SECTION("success commits both") {
    REQUIRE(unit->Run([&] {
                  Status s = questions->Record(Question());
                  return s.ok() ? conversations->Save(key, "state", at) : s;
                })
                .ok());
    CHECK(questions->Recent(10, false)->size() == 1);
    CHECK(conversations->Load(key)->has_value());
  }
  SECTION("a failure after the first write rolls the first write back") {
    const Status s = unit->Run([&] {
      Status logged = questions->Record(Question());
      REQUIRE(logged.ok());
      return Status(StatusCode::kUnavailable, "state could not be saved");
    });
    CHECK(s.message() == "state could not be saved");
    CHECK(questions->Recent(10, false)->empty());
    CHECK_FALSE(conversations->Load(key)->has_value());
  }
}
