#include "bot/faq_reloader.h"

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "test_support/shipped_content.h"
#include "test_support/temp_dir.h"

using namespace bhxh;

namespace {

FaqEntry Entry(const std::string& id, const std::string& question) {
  FaqEntry e;
  e.id = id;
  e.questions = {question};
  e.answer = "Dạ.";
  return e;
}

}  // namespace

TEST_CASE("a FAQ imported by another connection is picked up by the running service") {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("bot.db"));
  REQUIRE(db.ok());
  auto store = NewSqliteFaqStore(**db);
  const auto t0 = std::chrono::system_clock::now();
  auto first = store->ReplaceAll({Entry("cu", "câu hỏi cũ về thẻ")}, "test", t0);
  REQUIRE(first.ok());
  LiveContent live(testing::ShippedSnapshot({Entry("cu", "câu hỏi cũ về thẻ")}));
  FaqReloader reloader(*store, live, first->number);

  bool reloaded = true;
  REQUIRE(reloader.CheckNow(&reloaded).ok());
  CHECK_FALSE(reloaded);  // nothing new

  // "import-faq" in another process: a second connection to the same file.
  auto other_db = Database::Open(dir.File("bot.db"));
  REQUIRE(other_db.ok());
  REQUIRE(NewSqliteFaqStore(**other_db)->ReplaceAll({Entry("moi", "câu hỏi mới")}, "import", t0).ok());

  REQUIRE(reloader.CheckNow(&reloaded).ok());
  CHECK(reloaded);
  CHECK(live.Current()->faq->Find("moi") != nullptr);
  CHECK(live.Current()->faq->Find("cu") == nullptr);
  CHECK(reloader.loaded_revision() == first->number + 1);
}

TEST_CASE("the background reloader starts and stops cleanly") {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("bot.db"));
  REQUIRE(db.ok());
  auto store = NewSqliteFaqStore(**db);
  LiveContent live(testing::ShippedSnapshot({Entry("a", "câu hỏi")}));
  FaqReloader reloader(*store, live, 0);
  reloader.Start(std::chrono::milliseconds(1));
  reloader.Stop();
  reloader.Stop();  // idempotent
  CHECK(reloader.loaded_revision() == 0);
}
