// The command line, run in-process through RunCli (the same function the
// binary's main calls) with real files in a temporary directory.
#include "bot/cli.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/civil_date.h"
#include "content/meeting_schedule.h"
#include "storage/database.h"
#include "storage/lead_store.h"
#include "storage/meeting_store.h"
#include "test_support/temp_dir.h"

using namespace bhxh;
using json = nlohmann::json;

namespace {

struct Run {
  int code = -1;
  std::string out, err;
};

Run Cli(std::vector<std::string> args, const std::string& stdin_text = "") {
  std::vector<const char*> argv{"bhxh-bot"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  Run r;
  r.code = RunCli(static_cast<int>(argv.size()), argv.data(), in, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const std::string kContent = BHXH_TEST_CONTENT_DIR;

const char* kSmallFaq = R"({
  "faq": [
    {
      "id": "a",
      "topic": "Thẻ BHYT",
      "questions": [
        "Mất thẻ BHYT thì làm sao?"
      ],
      "answer": "Dạ, anh/chị dùng căn cước gắn chip."
    },
    {
      "id": "b",
      "questions": [
        "Mức đóng BHYT hộ gia đình là bao nhiêu?"
      ],
      "answer": "Dạ, người thứ nhất đóng {{bhyt_hgd_nguoi_1_nam}}.",
      "follow_up": [
        "a"
      ],
      "source": "Luật BHYT",
      "reviewed": "2026-11-26"
    }
  ]
}
)";

}  // namespace

TEST_CASE("usage errors exit 2 with a message") {
  auto [args, fragment] = GENERATE(table<std::vector<std::string>, std::string>({
      {std::vector<std::string>{}, "A subcommand is required"},
      {std::vector<std::string>{"frobnicate"}, "unknown command 'frobnicate'"},
      {std::vector<std::string>{"ask", "--no-such-flag"}, "--no-such-flag"},
      {std::vector<std::string>{"import-faq"}, "file is required"},
      {std::vector<std::string>{"serve", "--port", "99999"}, "99999"},
  }));
  CAPTURE(args);
  const Run r = Cli(args);
  CHECK(r.code == 2);
  CHECK(r.err.find(fragment) != std::string::npos);
}

TEST_CASE("ask --json prints one object per question with the documented fields") {
  const Run r = Cli({"ask", "--json", "--content-dir", kContent, "--date", "2026-11-26"},
                    "mức đóng bhyt hộ gia đình\nxin chào\n");
  REQUIRE(r.code == 0);
  std::istringstream lines(r.out);
  std::string line;
  std::vector<json> objects;
  while (std::getline(lines, line)) objects.push_back(json::parse(line));
  REQUIRE(objects.size() == 2);
  CHECK(objects[0]["query"] == "mức đóng bhyt hộ gia đình");
  CHECK(objects[0]["outcome"] == "answer");
  CHECK(objects[0]["faq_id"] == "bhyt-hgd-muc-dong");
  CHECK(objects[0]["score"].is_number());
  CHECK(objects[0]["alternatives"].is_array());
  CHECK(objects[1]["outcome"] == "unknown");
  CHECK(objects[1]["faq_id"].is_null());
}

TEST_CASE("ask --content answers from the given file and writes nothing") {
  testing::TempDir dir;
  dir.Write("faq.json", kSmallFaq);
  const Run r = Cli({"ask", "--json", "--content", dir.File("faq.json"), "--data-dir", dir.File("data"),
                     "mat the bao hiem y te"});
  REQUIRE(r.code == 0);
  CHECK(json::parse(r.out)["faq_id"] == "a");
  std::ifstream db(dir.File("data/bhxh-bot.db"));
  CHECK_FALSE(db.good());
}

TEST_CASE("ask without --json renders the answer with today's amounts") {
  testing::TempDir dir;
  dir.Write("faq.json", kSmallFaq);
  const Run r = Cli({"ask", "--content", dir.File("faq.json"), "--date", "2026-07-01",
                     "muc dong bhyt ho gia dinh"});
  REQUIRE(r.code == 0);
  CHECK(r.out.find("1.366.200 đồng") != std::string::npos);
}

TEST_CASE("missing and invalid files exit 1 naming the problem") {
  testing::TempDir dir;
  SECTION("a missing --content file") {
    const Run r = Cli({"ask", "--content", dir.File("nope.json"), "x"});
    CHECK(r.code == 1);
    CHECK(r.err.find("nope.json") != std::string::npos);
  }
  SECTION("an invalid FAQ names file, line, entry and field") {
    dir.Write("bad.json", "{\"faq\": [\n  {\"id\": \"x\", \"qestions\": [\"a\"], \"answer\": \"b\"}\n]}\n");
    const Run r = Cli({"ask", "--content", dir.File("bad.json"), "x"});
    CHECK(r.code == 1);
    CHECK(r.err.find(dir.File("bad.json") + ":2") != std::string::npos);
    CHECK(r.err.find("qestions") != std::string::npos);
  }
  SECTION("a bad --date") {
    const Run r = Cli({"ask", "--date", "2026-13-01", "x"});
    CHECK(r.code == 2);
    CHECK(r.err.find("--date") != std::string::npos);
  }
  SECTION("a config file with an unknown key") {
    dir.Write("c.json", R"({"prot": 8080})");
    const Run r = Cli({"--config", dir.File("c.json"), "ask", "x"});
    CHECK(r.code == 1);
    CHECK(r.err.find("prot") != std::string::npos);
  }
}

TEST_CASE("import-faq then export-faq round-trips the file unchanged") {
  testing::TempDir dir;
  dir.Write("faq.json", kSmallFaq);
  const Run imported = Cli({"--data-dir", dir.File("data"), "import-faq", dir.File("faq.json")});
  REQUIRE(imported.code == 0);
  CHECK(imported.out.find("imported 2 entries") != std::string::npos);
  const Run exported = Cli({"--data-dir", dir.File("data"), "export-faq", "-o", dir.File("out.json")});
  REQUIRE(exported.code == 0);
  CHECK(ReadFile(dir.File("out.json")) == kSmallFaq);
}

TEST_CASE("the shipped FAQ round-trips through import and export byte for byte") {
  testing::TempDir dir;
  REQUIRE(Cli({"--data-dir", dir.File("data"), "import-faq", kContent + "/faq.json"}).code == 0);
  const Run exported = Cli({"--data-dir", dir.File("data"), "export-faq"});
  REQUIRE(exported.code == 0);
  CHECK(exported.out == ReadFile(kContent + "/faq.json"));
}

TEST_CASE("an invalid import changes nothing already stored") {
  testing::TempDir dir;
  dir.Write("faq.json", kSmallFaq);
  REQUIRE(Cli({"--data-dir", dir.File("data"), "import-faq", dir.File("faq.json")}).code == 0);
  dir.Write("bad.json", R"({"faq": [{"id": "c", "questions": [], "answer": "x", "follow_up": ["zz"]}]})");
  const Run bad = Cli({"--data-dir", dir.File("data"), "import-faq", dir.File("bad.json")});
  CHECK(bad.code == 1);
  CHECK(bad.err.find("nothing was imported") != std::string::npos);
  CHECK(bad.err.find("questions") != std::string::npos);
  CHECK(bad.err.find("follow_up") != std::string::npos);
  const Run exported = Cli({"--data-dir", dir.File("data"), "export-faq"});
  CHECK(exported.out == kSmallFaq);
}

TEST_CASE("export-faq on a new database exports the shipped FAQ") {
  testing::TempDir dir;
  const Run r = Cli({"--data-dir", dir.File("data"), "--content-dir", kContent, "export-faq"});
  REQUIRE(r.code == 0);
  CHECK(r.out == ReadFile(kContent + "/faq.json"));
}

TEST_CASE("--help and --version exit 0") {
  CHECK(Cli({"--help"}).code == 0);
  const Run v = Cli({"--version"});
  CHECK(v.code == 0);
  CHECK_FALSE(v.out.empty());
}

// ---------------------------------------------------------------------------
// import-meetings and the sample schedule of a first start.

namespace {

// The meetings stored in `data_dir`, by id, across every shipped commune.
std::map<std::string, Meeting> StoredMeetings(const std::string& data_dir) {
  auto db = Database::Open(data_dir + "/bhxh-bot.db");
  REQUIRE(db.ok());
  auto store = NewSqliteMeetingStore(**db);
  std::map<std::string, Meeting> out;
  for (const char* code : {"21289", "21292", "21307", "21319", "21325", "21340", "21334", "21343"}) {
    auto in_commune = store->AllInCommune(code);
    REQUIRE(in_commune.ok());
    for (Meeting& m : *in_commune) out.emplace(m.id, std::move(m));
  }
  return out;
}

// 2027-01-15 08:00 and 2027-02-03 14:30 in Vietnam (UTC+7).
const auto kJan15At8 = std::chrono::system_clock::time_point(std::chrono::seconds(1799974800));
const auto kFeb3At1430 = std::chrono::system_clock::time_point(std::chrono::seconds(1801639800));

}  // namespace

TEST_CASE("import-meetings reads a spreadsheet's CSV with either separator and quoted fields") {
  auto [separator, file] = GENERATE(table<std::string, std::string>({
      {",",
       "id,commune,kind,title,start,venue,expected_guests,organiser,status,notes\r\n"
       "2027-01-son-ky,21325,hoi_nghi_khach_hang,\"Hội nghị khách hàng, BHYT hộ gia đình\","
       "2027-01-15 08:00,\"Hội trường UBND xã Sơn Kỳ\",60,\"BHXH cơ sở Sơn Hà, Bưu điện\",planned,"
       "\"Mang theo \"\"CCCD\"\"\"\r\n"
       "2027-02-son-ha,Sơn Hà,Hội nghị tuyên truyền,,03/02/2027 14:30,Nhà văn hóa thôn 1,,,"
       "đã xác nhận,\r\n"},
      {";",
       "\xEF\xBB\xBFid;commune;kind;title;start;venue;expected_guests;organiser;status;notes\n"
       "2027-01-son-ky;21325;hoi_nghi_khach_hang;\"Hội nghị khách hàng, BHYT hộ gia đình\";"
       "2027-01-15 08:00;Hội trường UBND xã Sơn Kỳ;60;BHXH cơ sở Sơn Hà, Bưu điện;planned;"
       "\"Mang theo \"\"CCCD\"\"\"\n"
       "2027-02-son-ha;Sơn Hà;Hội nghị tuyên truyền;;03/02/2027 14:30;Nhà văn hóa thôn 1;;;"
       "đã xác nhận;\n"},
  }));
  CAPTURE(separator);
  testing::TempDir dir;
  dir.Write("schedule.csv", file);
  const Run r = Cli({"--data-dir", dir.File("data"), "--content-dir", kContent, "import-meetings",
                     dir.File("schedule.csv")});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out == "2 meetings: 2 added, 0 updated, 0 moved, 0 cancelled, 0 removed\n");

  const auto meetings = StoredMeetings(dir.File("data"));
  REQUIRE(meetings.size() == 2);  // an import is the schedule: no sample meetings beside it
  const Meeting& son_ky = meetings.at("2027-01-son-ky");
  CHECK(son_ky.commune_code == "21325");
  CHECK(son_ky.kind == MeetingKind::kCustomer);
  CHECK(son_ky.title == "Hội nghị khách hàng, BHYT hộ gia đình");
  CHECK(son_ky.start == kJan15At8);
  CHECK(son_ky.venue == "Hội trường UBND xã Sơn Kỳ");
  CHECK(son_ky.expected_guests == 60);
  CHECK(son_ky.organiser == "BHXH cơ sở Sơn Hà, Bưu điện");
  CHECK(son_ky.status == MeetingStatus::kPlanned);
  CHECK(son_ky.notes == "Mang theo \"CCCD\"");
  CHECK_FALSE(son_ky.sample);
  const Meeting& son_ha = meetings.at("2027-02-son-ha");
  CHECK(son_ha.commune_code == "21289");  // a commune name is accepted
  CHECK(son_ha.kind == MeetingKind::kPropaganda);
  CHECK(son_ha.title.empty());
  CHECK(son_ha.start == kFeb3At1430);
  CHECK(son_ha.expected_guests == 0);
  CHECK(son_ha.status == MeetingStatus::kConfirmed);
}

TEST_CASE("import-meetings refuses a file with bad rows, names each, and keeps the old schedule") {
  testing::TempDir dir;
  const std::string data = dir.File("data");
  dir.Write("good.csv",
            "id,commune,kind,start,venue\n"
            "2027-01-son-ky,21325,nhom_nho,2027-01-15 08:00,Nhà văn hóa thôn 4\n");
  REQUIRE(Cli({"--data-dir", data, "--content-dir", kContent, "import-meetings", dir.File("good.csv")})
              .code == 0);

  // Row 3 has an unknown commune, row 5 a date that does not exist; rows 2
  // and 4 are fine but must not be imported either.
  dir.Write("bad.csv",
            "id,commune,kind,start,venue\n"
            "2027-01-son-ky,21325,nhom_nho,2027-01-16 08:00,Nhà văn hóa thôn 4\n"
            "2027-01-xyz,Sơn Xyz,nhom_nho,2027-01-20 08:00,Nhà văn hóa\n"
            "2027-02-son-ha,21289,nhom_nho,2027-02-03 14:30,Nhà văn hóa thôn 1\n"
            "2027-02-son-linh,21307,nhom_nho,2027-02-30 08:00,Nhà văn hóa thôn 2\n");
  const std::string bad = dir.File("bad.csv");
  const Run r = Cli({"--data-dir", data, "--content-dir", kContent, "import-meetings", bad});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("nothing imported"));
  CHECK_THAT(r.err, Catch::Contains(bad + ":3: entry '2027-01-xyz', field 'commune': unknown commune "
                                          "'Sơn Xyz'"));
  CHECK_THAT(r.err, Catch::Contains(bad + ":5: entry '2027-02-son-linh', field 'start': is not a "
                                          "real date and time: '2027-02-30 08:00'"));
  CHECK(r.err.find(":2:") == std::string::npos);
  CHECK(r.err.find(":4:") == std::string::npos);

  const auto meetings = StoredMeetings(data);
  REQUIRE(meetings.size() == 1);
  CHECK(meetings.at("2027-01-son-ky").start == kJan15At8);  // not moved to the 16th
}

TEST_CASE("import-meetings refuses relative starts outside a sample schedule") {
  testing::TempDir dir;
  dir.Write("schedule.json",
            "{\n"
            "  \"sample\": false,\n"
            "  \"meetings\": [\n"
            "    {\"id\": \"thu-son-ky\", \"commune\": \"21325\", \"kind\": \"nhom_nho\",\n"
            "     \"start\": \"+3 08:00\", \"venue\": \"Nhà văn hóa thôn 4\"}\n"
            "  ]\n"
            "}\n");
  const std::string file = dir.File("schedule.json");
  const Run r = Cli({"--data-dir", dir.File("data"), "--content-dir", kContent, "import-meetings", file});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains(file + ":5: entry 'thu-son-ky', field 'start': a relative start "
                                           "('+3 08:00') is only allowed in a sample schedule"));
  CHECK(StoredMeetings(dir.File("data")).empty());
}

TEST_CASE("the first start on a new data directory imports the sample schedule, dated from today") {
  testing::TempDir dir;
  const auto before = std::chrono::system_clock::now();
  const Run r = Cli({"--data-dir", dir.File("data"), "--content-dir", kContent, "chat"},
                    "lich hop son ky\n");
  const auto after = std::chrono::system_clock::now();
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("first start: sample meeting schedule from "));
  CHECK_THAT(r.err, Catch::Contains("/meetings.json: 12 meetings: 12 added, 0 updated"));
  // The console shows the commune's sample meetings right away.
  CHECK_THAT(r.out, Catch::Contains("Lịch hội nghị sắp tới ở xã Sơn Kỳ"));
  CHECK_THAT(r.out, Catch::Contains("Hội nghị khách hàng BHXH tự nguyện, BHYT hộ gia đình"));
  CHECK_THAT(r.out, Catch::Contains("lịch mẫu"));

  const auto meetings = StoredMeetings(dir.File("data"));
  REQUIRE(meetings.size() == 12);
  for (const auto& [id, m] : meetings) {
    CAPTURE(id);
    CHECK(m.sample);
  }
  // "+3 08:00": three days after the import day (Vietnam time), at 08:00.
  const auto three_days = std::chrono::hours(24 * 3);
  const Meeting& first = meetings.at("mau-01-son-ky");
  const bool dated_from_today = first.start == VietnamInstant(VietnamDateAt(before + three_days), 8, 0) ||
                                first.start == VietnamInstant(VietnamDateAt(after + three_days), 8, 0);
  CHECK(dated_from_today);

  // A second start leaves the schedule alone (no second import).
  const Run again = Cli({"--data-dir", dir.File("data"), "--content-dir", kContent, "chat"}, "");
  REQUIRE(again.code == 0);
  CHECK(again.err.find("first start") == std::string::npos);
  CHECK(StoredMeetings(dir.File("data")).size() == 12);
}

TEST_CASE("chat runs the registration form on the console without a share-phone button") {
  testing::TempDir dir;
  const Run r = Cli({"--data-dir", dir.File("data"), "--content-dir", kContent, "chat"},
                    "toi muon dang ky\n1\nbhxh tu nguyen\ntran thi binh\n1990\nson ky\nkhong ro\n"
                    "0912 345 678\nbo qua\nbuon ban\nbuoi chieu\nxac nhan\n");
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  // The phone question is asked with no choice under it: the next output
  // line is the prompt for the citizen's answer.
  const std::string ask_phone = "số điện thoại di động để cán bộ gọi tư vấn";
  const size_t asked = r.out.find(ask_phone);
  REQUIRE(asked != std::string::npos);
  const size_t line_end = r.out.find('\n', asked);
  REQUIRE(line_end != std::string::npos);
  CHECK(r.out.compare(line_end + 1, std::string("bạn> ").size(), "bạn> ") == 0);
  CHECK(r.out.find("Gửi số điện thoại") == std::string::npos);
  CHECK_THAT(r.out, Catch::Contains("em đã ghi nhận đăng ký"));

  auto db = Database::Open(dir.File("data/bhxh-bot.db"));
  REQUIRE(db.ok());
  auto leads = NewSqliteLeadStore(**db)->ByUser("cli", "console");
  REQUIRE(leads.ok());
  REQUIRE(leads->size() == 1);
  const Lead& lead = leads->front();
  CHECK(lead.interest == "bhxh_tu_nguyen");
  CHECK(lead.full_name == "Tran Thi Binh");
  CHECK(lead.birth_year == 1990);
  CHECK(lead.commune_code == "21325");
  CHECK(lead.village.empty());
  CHECK(lead.phone == "0912345678");
  CHECK(lead.occupation == "Buôn bán");
  CHECK(lead.call_time == "Buổi chiều");
}

TEST_CASE("a schedule the office emptied stays empty on the next start") {
  testing::TempDir dir;
  const std::string data = dir.File("data");
  REQUIRE(Cli({"--data-dir", data, "--content-dir", kContent, "chat"}, "").code == 0);
  REQUIRE(StoredMeetings(data).size() == 12);
  dir.Write("empty.csv", "id,commune,kind,start,venue\n");
  const Run cleared =
      Cli({"--data-dir", data, "--content-dir", kContent, "import-meetings", dir.File("empty.csv")});
  REQUIRE(cleared.code == 0);
  CHECK(cleared.out == "0 meetings: 0 added, 0 updated, 0 moved, 0 cancelled, 12 removed\n");

  const Run restarted = Cli({"--data-dir", data, "--content-dir", kContent, "chat"}, "");
  REQUIRE(restarted.code == 0);
  CHECK(restarted.err.find("sample meeting schedule") == std::string::npos);
  CHECK(StoredMeetings(data).empty());  // no demo meetings (nor reminders for them) come back
}
