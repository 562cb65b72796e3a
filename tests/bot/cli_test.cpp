// The command line, run in-process through RunCli (the same function the
// binary's main calls) with real files in a temporary directory.
#include "bot/cli.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

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
