#include "storage/lead_store.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "storage/database.h"
#include "storage/unit_of_work.h"
#include "tests/storage/scratch_dir.h"

namespace bhxh {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// 2026-11-26T15:19:49.123Z plus `s` seconds.
system_clock::time_point Second(int s) {
  return system_clock::time_point(milliseconds(1795706389123LL) + std::chrono::seconds(s));
}

Lead MakeLead(const std::string& user, const std::string& phone, const std::string& commune,
              int at_s = 0) {
  Lead l;
  l.channel = "zalo";
  l.user = user;
  l.interest = "bhyt_hgd";
  l.full_name = "Nguyễn Thị Hoa";
  l.birth_year = 1975;
  l.commune_code = commune;
  l.village = "Thôn 3";
  l.phone = phone;
  l.cccd = "051175000123";
  l.occupation = "Làm ruộng";
  l.call_time = "buổi sáng";
  l.meeting_id = "2026-12-son-ky-1";
  l.consent_version = "2026-11";
  l.consent_at = Second(at_s);
  l.created = Second(at_s);
  l.updated = Second(at_s);
  return l;
}

LeadSaveResult SaveOrFail(LeadStore& store, const Lead& lead) {
  Result<LeadSaveResult> saved = store.Save(lead);
  INFO(saved.status().message());
  REQUIRE(saved.ok());
  return *saved;
}

Lead GetOrFail(LeadStore& store, long long id) {
  Result<std::optional<Lead>> lead = store.Get(id);
  INFO(lead.status().message());
  REQUIRE(lead.ok());
  REQUIRE(lead->has_value());
  return **lead;
}

std::vector<long long> LeadIds(const Result<std::vector<Lead>>& leads) {
  INFO(leads.status().message());
  REQUIRE(leads.ok());
  std::vector<long long> ids;
  for (const Lead& l : *leads) ids.push_back(l.id);
  return ids;
}

void CheckSameFields(const Lead& a, const Lead& b) {
  CHECK(a.channel == b.channel);
  CHECK(a.user == b.user);
  CHECK(a.interest == b.interest);
  CHECK(a.full_name == b.full_name);
  CHECK(a.birth_year == b.birth_year);
  CHECK(a.commune_code == b.commune_code);
  CHECK(a.village == b.village);
  CHECK(a.phone == b.phone);
  CHECK(a.cccd == b.cccd);
  CHECK(a.occupation == b.occupation);
  CHECK(a.call_time == b.call_time);
  CHECK(a.meeting_id == b.meeting_id);
  CHECK(a.consent_version == b.consent_version);
  CHECK(a.consent_at == b.consent_at);
}

TEST_CASE("A first registration is inserted with every field and status new") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteLeadStore(*db);
  Lead lead = MakeLead("u1", "0912345678", "21325", 5);
  lead.status = "called";  // a save is new work for the agency, whatever the caller says
  lead.consent_at = Second(4) + std::chrono::microseconds(999);  // floored to the millisecond

  const LeadSaveResult saved = SaveOrFail(*store, lead);
  CHECK(saved.created);
  CHECK(saved.id > 0);
  const Lead stored = GetOrFail(*store, saved.id);
  CHECK(stored.id == saved.id);
  lead.consent_at = Second(4);
  CheckSameFields(stored, lead);
  CHECK(stored.status == "new");
  CHECK(stored.created == Second(5));
  CHECK(stored.updated == Second(5));

  SECTION("optional fields may be empty") {
    Lead minimal = MakeLead("u2", "0987654321", "21325");
    minimal.village = minimal.cccd = minimal.occupation = minimal.call_time = minimal.meeting_id =
        "";
    const LeadSaveResult second = SaveOrFail(*store, minimal);
    CHECK(second.created);
    CHECK(second.id > saved.id);
    CheckSameFields(GetOrFail(*store, second.id), minimal);
  }
  SECTION("an unknown id is absent") {
    Result<std::optional<Lead>> missing = store->Get(saved.id + 100);
    REQUIRE(missing.ok());
    CHECK_FALSE(missing->has_value());
  }
}

TEST_CASE("A second registration of the same phone and commune updates the lead") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteLeadStore(*db);
  const LeadSaveResult first = SaveOrFail(*store, MakeLead("u1", "0912345678", "21325", 0));

  Lead again = MakeLead("u9", "0912345678", "21325", 60);
  again.channel = "messenger";
  again.interest = "ca_hai";
  again.full_name = "Nguyễn Thị Hoa (mẹ)";
  again.birth_year = 1976;
  again.village = "Thôn 5";
  again.cccd = "";
  again.call_time = "sau 17 giờ";
  again.meeting_id = "";
  again.consent_version = "2026-12";
  again.created = Second(59);  // not taken over: the lead was created before

  const LeadSaveResult second = SaveOrFail(*store, again);
  CHECK_FALSE(second.created);
  CHECK(second.id == first.id);
  const Lead stored = GetOrFail(*store, first.id);
  CheckSameFields(stored, again);
  CHECK(stored.created == Second(0));
  CHECK(stored.updated == Second(60));
  CHECK(stored.status == "new");
  CHECK(LeadIds(store->ByCommune("21325")) == std::vector<long long>{first.id});
  // The lead now belongs to whoever registered last.
  CHECK(LeadIds(store->ByUser("zalo", "u1")).empty());
  CHECK(LeadIds(store->ByUser("messenger", "u9")) == std::vector<long long>{first.id});

  SECTION("an agency's status goes back to new") {
    {
      // Status write-back is not built yet (schema version 4); set it
      // behind the store's back.
      RequireOk(db->WithConnection([&](sqlite3* c) -> Status {
        return sqlite3_exec(c, "UPDATE leads SET status = 'called'", nullptr, nullptr, nullptr) ==
                       SQLITE_OK
                   ? Status::Ok()
                   : Internal(sqlite3_errmsg(c));
      }));
      REQUIRE(GetOrFail(*store, first.id).status == "called");
    }
    CHECK_FALSE(SaveOrFail(*store, MakeLead("u1", "0912345678", "21325", 120)).created);
    CHECK(GetOrFail(*store, first.id).status == "new");
  }
  SECTION("the same phone in another commune is another lead") {
    const LeadSaveResult other = SaveOrFail(*store, MakeLead("u1", "0912345678", "21310", 120));
    CHECK(other.created);
    CHECK(other.id != first.id);
  }
}

TEST_CASE("A lead without a required field is refused and nothing is stored") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteLeadStore(*db);
  using Edit = std::function<void(Lead&)>;
  Edit edit;
  std::string message;
  std::tie(edit, message) = GENERATE(table<Edit, std::string>({
      {[](Lead& l) { l.channel = ""; }, "lead store: save: no channel"},
      {[](Lead& l) { l.user = ""; }, "lead store: save: no user"},
      {[](Lead& l) { l.interest = ""; }, "lead store: save: no interest"},
      {[](Lead& l) { l.full_name = ""; }, "lead store: save: no full_name"},
      {[](Lead& l) { l.commune_code = ""; }, "lead store: save: no commune_code"},
      {[](Lead& l) { l.phone = ""; }, "lead store: save: no phone"},
      {[](Lead& l) { l.consent_version = ""; }, "lead store: save: no consent_version"},
      {[](Lead& l) { l.birth_year = 0; }, "lead store: save: no birth_year"},
  }));
  CAPTURE(message);
  Lead lead = MakeLead("u1", "0912345678", "21325");
  edit(lead);
  Result<LeadSaveResult> saved = store->Save(lead);
  REQUIRE_FALSE(saved.ok());
  CHECK(saved.status().code() == StatusCode::kInvalidArgument);
  CHECK(saved.status().message() == message);
  // The message names the field only: no personal data reaches a log.
  CHECK(saved.status().message().find("0912345678") == std::string::npos);
  CHECK(LeadIds(store->ByUser("zalo", "u1")).empty());
  CHECK(LeadIds(store->ByCommune("21325")).empty());
}

TEST_CASE("ByCommune lists a commune's leads, the latest update first") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteLeadStore(*db);
  const long long a = SaveOrFail(*store, MakeLead("u1", "0900000001", "21325", 10)).id;
  const long long b = SaveOrFail(*store, MakeLead("u2", "0900000002", "21325", 30)).id;
  const long long c = SaveOrFail(*store, MakeLead("u3", "0900000003", "21325", 20)).id;
  const long long same_time = SaveOrFail(*store, MakeLead("u4", "0900000004", "21325", 20)).id;
  const long long elsewhere = SaveOrFail(*store, MakeLead("u5", "0900000005", "21310", 40)).id;

  CHECK(LeadIds(store->ByCommune("21325")) == std::vector<long long>{b, same_time, c, a});
  CHECK(LeadIds(store->ByCommune("21310")) == std::vector<long long>{elsewhere});
  CHECK(LeadIds(store->ByCommune("99999")).empty());

  // Registering again moves the lead to the top.
  SaveOrFail(*store, MakeLead("u1", "0900000001", "21325", 50));
  CHECK(LeadIds(store->ByCommune("21325")) == std::vector<long long>{a, b, same_time, c});
}

TEST_CASE("ByUser and DeleteUser see only the leads of that user on that channel") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteLeadStore(*db);
  const long long a = SaveOrFail(*store, MakeLead("u1", "0900000001", "21325")).id;
  const long long b = SaveOrFail(*store, MakeLead("u1", "0900000002", "21310")).id;
  Lead other_channel = MakeLead("u1", "0900000003", "21325");
  other_channel.channel = "messenger";
  const long long c = SaveOrFail(*store, other_channel).id;
  const long long d = SaveOrFail(*store, MakeLead("u2", "0900000004", "21325")).id;

  CHECK(LeadIds(store->ByUser("zalo", "u1")) == std::vector<long long>{a, b});
  Result<size_t> deleted = store->DeleteUser("zalo", "u1");
  REQUIRE(deleted.ok());
  CHECK(*deleted == 2);
  CHECK(LeadIds(store->ByUser("zalo", "u1")).empty());
  CHECK_FALSE(store->Get(a).value().has_value());
  CHECK(LeadIds(store->ByUser("messenger", "u1")) == std::vector<long long>{c});
  CHECK(LeadIds(store->ByCommune("21325")) == std::vector<long long>{d, c});
  CHECK(store->DeleteUser("zalo", "u1").value() == 0);
  // A new registration after a deletion is a new lead with a new id.
  const LeadSaveResult again = SaveOrFail(*store, MakeLead("u1", "0900000001", "21325"));
  CHECK(again.created);
  CHECK(again.id > d);
}

TEST_CASE("A lead saved in a unit of work is kept or dropped with it") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteLeadStore(*db);
  auto unit = NewSqliteUnitOfWork(*db);

  SECTION("a unit that fails after the save leaves nothing") {
    Status s = unit->Run([&] {
      REQUIRE(store->Save(MakeLead("u1", "0912345678", "21325")).ok());
      return Internal("the conversation state could not be saved");
    });
    CHECK(s.message() == "the conversation state could not be saved");
    CHECK(LeadIds(store->ByUser("zalo", "u1")).empty());
  }
  SECTION("a unit that succeeds keeps it") {
    RequireOk(
        unit->Run([&] { return store->Save(MakeLead("u1", "0912345678", "21325")).status(); }));
    CHECK(LeadIds(store->ByUser("zalo", "u1")).size() == 1);
  }
}

TEST_CASE("Leads survive closing and reopening the database") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  const Lead lead = MakeLead("u1", "0912345678", "21325", 7);
  long long id = 0;
  {
    auto db = OpenOrFail(path);
    auto store = NewSqliteLeadStore(*db);
    id = SaveOrFail(*store, lead).id;
  }
  auto db = OpenOrFail(path);
  auto store = NewSqliteLeadStore(*db);
  const Lead stored = GetOrFail(*store, id);
  CheckSameFields(stored, lead);
  CHECK(stored.created == Second(7));
  CHECK(stored.status == "new");
  CHECK_FALSE(SaveOrFail(*store, lead).created);
}

}  // namespace
}  // namespace bhxh
