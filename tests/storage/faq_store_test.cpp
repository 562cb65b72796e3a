#include "storage/faq_store.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "content/faq_content.h"
#include "storage/database.h"
#include "tests/storage/scratch_dir.h"

namespace bhxh {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// 2026-11-26T15:19:49.123Z, plus whole days.
system_clock::time_point Day(int n) {
  return system_clock::time_point(milliseconds(1795706389123LL) + std::chrono::hours(24 * n));
}

FaqEntry Entry(const std::string& id, const std::string& answer) {
  FaqEntry e;
  e.id = id;
  e.questions = {"Câu hỏi về " + id};
  e.answer = answer;
  return e;
}

// Field by field, so a failure names the field (and does not depend on
// content's FaqEntry::operator==).
void CheckSameEntries(const std::vector<FaqEntry>& actual, const std::vector<FaqEntry>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    CAPTURE(i, expected[i].id);
    CHECK(actual[i].id == expected[i].id);
    CHECK(actual[i].topic == expected[i].topic);
    CHECK(actual[i].questions == expected[i].questions);
    CHECK(actual[i].answer == expected[i].answer);
    CHECK(actual[i].follow_up == expected[i].follow_up);
    CHECK(actual[i].source == expected[i].source);
    CHECK(actual[i].reviewed == expected[i].reviewed);
  }
}

std::vector<FaqEntry> LoadLiveOrFail(FaqStore& store) {
  Result<std::vector<FaqEntry>> live = store.LoadLive();
  INFO(live.status().message());
  REQUIRE(live.ok());
  return *live;
}

FaqRevision ReplaceOrFail(FaqStore& store, const std::vector<FaqEntry>& entries,
                          const std::string& actor, system_clock::time_point at) {
  Result<FaqRevision> revision = store.ReplaceAll(entries, actor, at);
  INFO(revision.status().message());
  REQUIRE(revision.ok());
  return *revision;
}

std::vector<FaqRevision> RevisionsOrFail(FaqStore& store, size_t limit) {
  Result<std::vector<FaqRevision>> revisions = store.Revisions(limit);
  INFO(revisions.status().message());
  REQUIRE(revisions.ok());
  return *revisions;
}

// Not in alphabetical order, with every field set on one entry and every
// optional field empty on another.
std::vector<FaqEntry> SampleFaq() {
  FaqEntry full;
  full.id = "bhxh-tn-muc-dong";
  full.topic = "BHXH tự nguyện";
  full.questions = {"Mức đóng BHXH tự nguyện là bao nhiêu?", "dong bhxh tu nguyen bao nhieu"};
  full.answer = "Mức đóng bằng 22% mức thu nhập tháng, thấp nhất {{chuan_ngheo_nong_thon}}.";
  full.follow_up = {"bhyt-ho-gia-dinh", "a-first"};
  full.source = "Luật BHXH số 41/2024/QH15, Điều 36";
  full.reviewed = "2026-11-20";

  FaqEntry bare = Entry("bhyt-ho-gia-dinh", "Đóng theo hộ gia đình.");
  FaqEntry first = Entry("a-first", "Câu trả lời \"có ngoặc\"\nvà xuống dòng.");
  return {full, bare, first};
}

TEST_CASE("An empty database has no live FAQ and no revisions") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto store = NewSqliteFaqStore(*db);
  CHECK(LoadLiveOrFail(*store).empty());
  CHECK(RevisionsOrFail(*store, 10).empty());
  Result<std::vector<FaqEntry>> snapshot = store->Snapshot(1);
  REQUIRE_FALSE(snapshot.ok());
  CHECK(snapshot.status().code() == StatusCode::kNotFound);
  CHECK(snapshot.status().message() == "faq revision 1 not found");
}

TEST_CASE("ReplaceAll then LoadLive gives back every field of every entry in order") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto store = NewSqliteFaqStore(*db);
  const std::vector<FaqEntry> faq = SampleFaq();

  const FaqRevision revision = ReplaceOrFail(*store, faq, "import-faq content/faq.json", Day(0));
  CHECK(revision.number == 1);
  CHECK(revision.at == Day(0));
  CHECK(revision.actor == "import-faq content/faq.json");
  CHECK(revision.entry_count == 3);
  CHECK(revision.summary ==
        "added 3, changed 0, removed 0: added bhxh-tn-muc-dong, bhyt-ho-gia-dinh, a-first");

  CheckSameEntries(LoadLiveOrFail(*store), faq);
}

TEST_CASE("Each ReplaceAll records a numbered revision whose summary names what changed") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto store = NewSqliteFaqStore(*db);
  const std::vector<FaqEntry> v1 = {Entry("a", "A"), Entry("b", "B"), Entry("c", "C")};
  std::vector<FaqEntry> v2 = {Entry("d", "D"), Entry("a", "A"), Entry("b", "B2")};

  ReplaceOrFail(*store, v1, "import-faq content/faq.json", Day(0));
  const FaqRevision r2 = ReplaceOrFail(*store, v2, "staff:lan", Day(1));
  CHECK(r2.number == 2);
  CHECK(r2.summary == "added 1, changed 1, removed 1: added d; changed b; removed c");

  SECTION("replacing with the same entries still records a revision") {
    const FaqRevision r3 = ReplaceOrFail(*store, v2, "staff:minh", Day(2));
    CHECK(r3.number == 3);
    CHECK(r3.summary == "added 0, changed 0, removed 0");
  }
  SECTION("a change to any single field counts as changed") {
    auto field = GENERATE(as<std::string>{}, "topic", "questions", "answer", "follow_up",
                          "source", "reviewed");
    CAPTURE(field);
    std::vector<FaqEntry> v3 = v2;
    FaqEntry& d = v3[0];
    if (field == "topic") d.topic = "Mới";
    if (field == "questions") d.questions.push_back("thêm một cách hỏi");
    if (field == "answer") d.answer = "D2";
    if (field == "follow_up") d.follow_up = {"a"};
    if (field == "source") d.source = "Nghị định 115/2015/NĐ-CP";
    if (field == "reviewed") d.reviewed = "2026-12-01";
    CHECK(ReplaceOrFail(*store, v3, "staff:lan", Day(2)).summary ==
          "added 0, changed 1, removed 0: changed d");
  }
  SECTION("removing everything lists the removed ids in their old order") {
    CHECK(ReplaceOrFail(*store, {}, "staff:lan", Day(2)).summary ==
          "added 0, changed 0, removed 3: removed d, a, b");
    CHECK(LoadLiveOrFail(*store).empty());
  }
  SECTION("Revisions lists them newest first, at most `limit`") {
    ReplaceOrFail(*store, v2, "staff:minh", Day(2));
    const std::vector<FaqRevision> all = RevisionsOrFail(*store, 10);
    REQUIRE(all.size() == 3);
    CHECK(all[0].number == 3);
    CHECK(all[0].actor == "staff:minh");
    CHECK(all[0].at == Day(2));
    CHECK(all[1].number == 2);
    CHECK(all[1].actor == "staff:lan");
    CHECK(all[1].at == Day(1));
    CHECK(all[1].entry_count == 3);
    CHECK(all[1].summary == "added 1, changed 1, removed 1: added d; changed b; removed c");
    CHECK(all[2].number == 1);
    CHECK(all[2].summary == "added 3, changed 0, removed 0: added a, b, c");

    const std::vector<FaqRevision> two = RevisionsOrFail(*store, 2);
    REQUIRE(two.size() == 2);
    CHECK(two[0].number == 3);
    CHECK(two[1].number == 2);
    CHECK(RevisionsOrFail(*store, 0).empty());
  }
}

TEST_CASE("A summary names at most ten ids of each kind") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto store = NewSqliteFaqStore(*db);
  std::vector<FaqEntry> many;
  for (int i = 1; i <= 12; ++i) {
    many.push_back(Entry((i < 10 ? "e0" : "e") + std::to_string(i), "x"));
  }
  CHECK(ReplaceOrFail(*store, many, "import", Day(0)).summary ==
        "added 12, changed 0, removed 0: added e01, e02, e03, e04, e05, e06, e07, e08, e09, "
        "e10 and 2 more");
}

TEST_CASE("Snapshot returns the FAQ as it was after an older revision") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto store = NewSqliteFaqStore(*db);
  const std::vector<FaqEntry> v1 = SampleFaq();
  const std::vector<FaqEntry> v2 = {Entry("only", "Chỉ một mục.")};
  ReplaceOrFail(*store, v1, "import", Day(0));
  ReplaceOrFail(*store, v2, "staff:lan", Day(1));

  Result<std::vector<FaqEntry>> old = store->Snapshot(1);
  INFO(old.status().message());
  REQUIRE(old.ok());
  CheckSameEntries(*old, v1);

  Result<std::vector<FaqEntry>> latest = store->Snapshot(2);
  REQUIRE(latest.ok());
  CheckSameEntries(*latest, v2);

  auto missing = GENERATE(0LL, 3LL, -1LL);
  CAPTURE(missing);
  Result<std::vector<FaqEntry>> none = store->Snapshot(missing);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().code() == StatusCode::kNotFound);
  CHECK(none.status().message() == "faq revision " + std::to_string(missing) + " not found");
}

TEST_CASE("The snapshot is stored in the import format of faq.json") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  FaqEntry full = Entry("b", "Trả lời");
  full.topic = "Chủ đề";
  full.follow_up = {"a"};
  full.source = "Luật";
  full.reviewed = "2026-11-20";
  {
    auto db = OpenOrFail(path);
    auto store = NewSqliteFaqStore(*db);
    ReplaceOrFail(*store, {full, Entry("a", "A")}, "import", Day(0));
  }
  RawConnection raw(path);
  const std::string snapshot = raw.QueryText("SELECT snapshot FROM faq_revisions WHERE number = 1");
  // The same text content's own writer of the import format produces.
  CHECK(snapshot == SerializeFaqJson({full, Entry("a", "A")}));
  CHECK(snapshot ==
        "{\n"
        "  \"faq\": [\n"
        "    {\n"
        "      \"id\": \"b\",\n"
        "      \"topic\": \"Chủ đề\",\n"
        "      \"questions\": [\n"
        "        \"Câu hỏi về b\"\n"
        "      ],\n"
        "      \"answer\": \"Trả lời\",\n"
        "      \"follow_up\": [\n"
        "        \"a\"\n"
        "      ],\n"
        "      \"source\": \"Luật\",\n"
        "      \"reviewed\": \"2026-11-20\"\n"
        "    },\n"
        "    {\n"
        "      \"id\": \"a\",\n"
        "      \"questions\": [\n"
        "        \"Câu hỏi về a\"\n"
        "      ],\n"
        "      \"answer\": \"A\"\n"
        "    }\n"
        "  ]\n"
        "}\n");
}

TEST_CASE("A ReplaceAll that fails part-way changes nothing and records no revision") {
  ScratchDir dir;
  auto db = OpenOrFail(dir.File("bhxh-bot.db"));
  auto store = NewSqliteFaqStore(*db);
  const std::vector<FaqEntry> v1 = SampleFaq();
  ReplaceOrFail(*store, v1, "import", Day(0));

  SECTION("a duplicate id breaks the primary key after earlier rows were written") {
    Result<FaqRevision> failed = store->ReplaceAll(
        {Entry("x", "X"), Entry("y", "Y"), Entry("x", "X again")}, "staff:lan", Day(1));
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.status().code() == StatusCode::kInvalidArgument);
    CHECK(failed.status().message() ==
          "faq: cannot store entry 2 (id \"x\"): UNIQUE constraint failed: faq_entries.id");
  }
  SECTION("text that is not UTF-8 is refused before anything is written") {
    Result<FaqRevision> failed =
        store->ReplaceAll({Entry("x", "X"), Entry("y", "bad \xff byte")}, "staff:lan", Day(1));
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.status().code() == StatusCode::kInvalidArgument);
    CHECK(failed.status().message() == "faq: entry 1 is not valid UTF-8");
  }

  CheckSameEntries(LoadLiveOrFail(*store), v1);
  const std::vector<FaqRevision> revisions = RevisionsOrFail(*store, 10);
  REQUIRE(revisions.size() == 1);
  CHECK(revisions[0].number == 1);
  // The next successful change is numbered 2, with a summary against v1.
  CHECK(ReplaceOrFail(*store, {}, "staff:lan", Day(2)).number == 2);
}

TEST_CASE("The live FAQ and its history survive closing and reopening the database") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  const std::vector<FaqEntry> v1 = SampleFaq();
  const std::vector<FaqEntry> v2 = {Entry("only", "Chỉ một mục.")};
  {
    auto db = OpenOrFail(path);
    auto store = NewSqliteFaqStore(*db);
    ReplaceOrFail(*store, v1, "import", Day(0));
    ReplaceOrFail(*store, v2, "staff:lan", Day(1));
  }
  auto db = OpenOrFail(path);
  auto store = NewSqliteFaqStore(*db);
  CheckSameEntries(LoadLiveOrFail(*store), v2);
  const std::vector<FaqRevision> revisions = RevisionsOrFail(*store, 10);
  REQUIRE(revisions.size() == 2);
  CHECK(revisions[0].at == Day(1));
  CHECK(revisions[1].at == Day(0));
  Result<std::vector<FaqEntry>> old = store->Snapshot(1);
  REQUIRE(old.ok());
  CheckSameEntries(*old, v1);
  CHECK(ReplaceOrFail(*store, v1, "staff:lan", Day(2)).number == 3);
}

}  // namespace
}  // namespace bhxh
