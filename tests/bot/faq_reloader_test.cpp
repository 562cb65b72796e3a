#include "bot/faq_reloader.h"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "storage/database.h"
#include "test_support/shipped_content.h"
#include "test_support/temp_dir.h"

using namespace bhxh;

using testing::OneQuestionEntry;

TEST_CASE("a FAQ imported by another connection is picked up by the running service") {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("bot.db"));
  REQUIRE(db.ok());
  auto store = NewSqliteFaqStore(**db);
  const auto t0 = std::chrono::system_clock::now();
  auto first = store->ReplaceAll({OneQuestionEntry("cu", "câu hỏi cũ về thẻ")}, "test", t0);
  REQUIRE(first.ok());
  LiveContent live(testing::ShippedSnapshot({OneQuestionEntry("cu", "câu hỏi cũ về thẻ")}));
  FaqReloader reloader(*store, live, first->number);

  bool reloaded = true;
  REQUIRE(reloader.CheckNow(&reloaded).ok());
  CHECK_FALSE(reloaded);  // nothing new

  // "import-faq" in another process: a second connection to the same file.
  auto other_db = Database::Open(dir.File("bot.db"));
  REQUIRE(other_db.ok());
  REQUIRE(NewSqliteFaqStore(**other_db)->ReplaceAll({OneQuestionEntry("moi", "câu hỏi mới")}, "import", t0).ok());

  REQUIRE(reloader.CheckNow(&reloaded).ok());
  CHECK(reloaded);
  CHECK(live.Current()->faq->Find("moi") != nullptr);
  CHECK(live.Current()->faq->Find("cu") == nullptr);
  CHECK(reloader.loaded_revision() == first->number + 1);
}

TEST_CASE("an edited content file is reloaded, and a broken one keeps the running content") {
  testing::TempDir dir;
  for (const char* f : {"variables.json", "messages.vi.json", "abbreviations.json", "lexicon.json",
                        "communes.json", "office_hours.json"}) {
    std::ifstream in(std::string(BHXH_TEST_CONTENT_DIR) + "/" + f, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    dir.Write(f, ss.str());
  }
  auto db = Database::Open(dir.File("bot.db"));
  REQUIRE(db.ok());
  auto store = NewSqliteFaqStore(**db);
  LiveContent live(testing::ShippedSnapshot({OneQuestionEntry("a", "câu hỏi")}));
  FaqReloader reloader(*store, live, 0, ContentFiles{dir.path()});
  const auto before = live.Current();

  // Staff change the hotline wording; the file's time moves on.
  std::ifstream in(dir.File("messages.vi.json"), std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.replace(text.find("\"hotline\": \"1900 9068\""), 22, "\"hotline\": \"1900 0000\"");
  dir.Write("messages.vi.json", text);
  struct timespec times[2] = {{0, UTIME_NOW}, {static_cast<time_t>(before->faq->entries().size() + 100000), 0}};
  REQUIRE(utimensat(AT_FDCWD, dir.File("messages.vi.json").c_str(), times, 0) == 0);
  bool reloaded = false;
  REQUIRE(reloader.CheckNow(&reloaded).ok());
  CHECK(reloaded);
  CHECK(live.Current()->messages->Get("hotline") == "1900 0000");
  CHECK(live.Current()->faq->Find("a") != nullptr);

  // A broken file is reported once and changes nothing.
  dir.Write("variables.json", "{ not json");
  times[1].tv_sec += 10;
  REQUIRE(utimensat(AT_FDCWD, dir.File("variables.json").c_str(), times, 0) == 0);
  const auto good = live.Current();
  const Status s = reloader.CheckNow(&reloaded);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message().find("variables.json") != std::string::npos);
  CHECK_FALSE(reloaded);
  CHECK(live.Current() == good);
  CHECK(reloader.CheckNow(&reloaded).ok());  // not reported again until it changes
}
