#include "storage/meeting_store.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "base/civil_date.h"
#include "storage/database.h"
#include "storage/unit_of_work.h"
#include "tests/storage/scratch_dir.h"

namespace bhxh {
namespace {

using std::chrono::system_clock;

constexpr const char* kSonKy = "21325";
constexpr const char* kSonHa = "21310";

// hour:minute, Vietnam time, on `day` December 2026.
system_clock::time_point At(int day, int hour, int minute = 0) {
  return VietnamInstant(CivilDate{2026, 12, day}, hour, minute);
}

Meeting MakeMeeting(const std::string& id, const std::string& commune,
                    system_clock::time_point start,
                    MeetingStatus status = MeetingStatus::kPlanned) {
  Meeting m;
  m.id = id;
  m.commune_code = commune;
  m.kind = MeetingKind::kCustomer;
  m.title = "Hội nghị khách hàng BHXH tự nguyện, BHYT hộ gia đình";
  m.start = start;
  m.venue = "Hội trường UBND xã";
  m.expected_guests = 60;
  m.organiser = "BHXH cơ sở Sơn Hà và Bưu điện";
  m.status = status;
  return m;
}

// "12-04 08:00", Vietnam time.
std::string VietnamTime(system_clock::time_point t) {
  const CivilDate d = VietnamDateAt(t);
  const int minute = VietnamMinuteOfDay(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d-%02d %02d:%02d", d.month, d.day, minute / 60, minute % 60);
  return buf;
}

// "m1 day_before 12-04 08:00 pending": a job in one comparable line.
std::string Describe(const ReminderJob& j) {
  return j.meeting_id + " " + ReminderKindName(j.kind) + " " + VietnamTime(j.due) + " " +
         ReminderJobStatusName(j.status);
}

std::vector<std::string> JobLines(MeetingStore& store, const std::string& user,
                                  const std::string& channel = "zalo") {
  Result<std::vector<ReminderJob>> jobs = store.JobsOf(channel, user);
  INFO(jobs.status().message());
  REQUIRE(jobs.ok());
  std::vector<std::string> lines;
  for (const ReminderJob& j : *jobs) lines.push_back(Describe(j));
  return lines;
}

std::vector<ReminderJob> JobsOrFail(MeetingStore& store, const std::string& user,
                                    const std::string& channel = "zalo") {
  Result<std::vector<ReminderJob>> jobs = store.JobsOf(channel, user);
  INFO(jobs.status().message());
  REQUIRE(jobs.ok());
  return *jobs;
}

const char* WhatName(ScheduleChange::What what) {
  switch (what) {
    case ScheduleChange::What::kAdded:
      return "added";
    case ScheduleChange::What::kMoved:
      return "moved";
    case ScheduleChange::What::kCancelled:
      return "cancelled";
    case ScheduleChange::What::kUpdated:
      return "updated";
    case ScheduleChange::What::kRemoved:
      return "removed";
  }
  return "?";
}

std::vector<ScheduleChange> ReplaceOrFail(MeetingStore& store, const std::vector<Meeting>& schedule,
                                          system_clock::time_point now) {
  Result<std::vector<ScheduleChange>> changes = store.ReplaceSchedule(schedule, now);
  INFO(changes.status().message());
  REQUIRE(changes.ok());
  return *changes;
}

// "moved m1" ... in the order returned.
std::vector<std::string> ChangeLines(const std::vector<ScheduleChange>& changes) {
  std::vector<std::string> lines;
  for (const ScheduleChange& c : changes)
    lines.push_back(std::string(WhatName(c.what)) + " " + c.meeting_id);
  return lines;
}

std::vector<std::string> Ids(const std::vector<Meeting>& meetings) {
  std::vector<std::string> ids;
  for (const Meeting& m : meetings) ids.push_back(m.id);
  return ids;
}

std::vector<std::string> UpcomingIds(MeetingStore& store, const std::string& commune,
                                     system_clock::time_point from, size_t limit = 100) {
  Result<std::vector<Meeting>> meetings = store.Upcoming(commune, from, limit);
  INFO(meetings.status().message());
  REQUIRE(meetings.ok());
  return Ids(*meetings);
}

std::optional<Meeting> GetOrFail(MeetingStore& store, const std::string& id) {
  Result<std::optional<Meeting>> m = store.Get(id);
  INFO(m.status().message());
  REQUIRE(m.ok());
  return *m;
}

bool SubscribeOrFail(MeetingStore& store, const std::string& user, const std::string& commune,
                     system_clock::time_point now) {
  Result<bool> added = store.Subscribe("zalo", user, commune, now);
  INFO(added.status().message());
  REQUIRE(added.ok());
  return *added;
}

bool RsvpOrFail(MeetingStore& store, const std::string& meeting, const std::string& user,
                system_clock::time_point at, const std::string& channel = "zalo") {
  Result<bool> added = store.AddRsvp(meeting, channel, user, at);
  INFO(added.status().message());
  REQUIRE(added.ok());
  return *added;
}

size_t RsvpCountOrFail(MeetingStore& store, const std::string& meeting) {
  Result<size_t> n = store.RsvpCount(meeting);
  INFO(n.status().message());
  REQUIRE(n.ok());
  return *n;
}

std::vector<std::string> DueLines(MeetingStore& store, system_clock::time_point now,
                                  size_t limit = 100) {
  Result<std::vector<ReminderJob>> jobs = store.DueJobs(now, limit);
  INFO(jobs.status().message());
  REQUIRE(jobs.ok());
  std::vector<std::string> lines;
  for (const ReminderJob& j : *jobs) lines.push_back(j.user + " " + Describe(j));
  return lines;
}

void CheckSameMeeting(const Meeting& a, const Meeting& b) {
  CHECK(a.id == b.id);
  CHECK(a.commune_code == b.commune_code);
  CHECK(a.kind == b.kind);
  CHECK(a.title == b.title);
  CHECK(a.start == b.start);
  CHECK(a.venue == b.venue);
  CHECK(a.expected_guests == b.expected_guests);
  CHECK(a.organiser == b.organiser);
  CHECK(a.status == b.status);
  CHECK(a.notes == b.notes);
  CHECK(a.sample == b.sample);
}

TEST_CASE("The kind and status names are the ones stored in reminder_jobs") {
  CHECK(std::string(ReminderKindName(ReminderKind::kDayBefore)) == "day_before");
  CHECK(std::string(ReminderKindName(ReminderKind::kMorningOf)) == "morning_of");
  CHECK(std::string(ReminderKindName(ReminderKind::kMoved)) == "moved");
  CHECK(std::string(ReminderKindName(ReminderKind::kCancelled)) == "cancelled");
  CHECK(std::string(ReminderJobStatusName(ReminderJobStatus::kPending)) == "pending");
  CHECK(std::string(ReminderJobStatusName(ReminderJobStatus::kSent)) == "sent");
  CHECK(std::string(ReminderJobStatusName(ReminderJobStatus::kOutsideWindow)) == "outside_window");
  CHECK(std::string(ReminderJobStatusName(ReminderJobStatus::kUnsupported)) == "unsupported");
  CHECK(std::string(ReminderJobStatusName(ReminderJobStatus::kObsolete)) == "obsolete");
}

TEST_CASE("An imported meeting is stored with every field, whatever its kind and status") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteMeetingStore(*db);
  Meeting m = MakeMeeting("2026-12-son-ky-1", kSonKy, At(5, 8));
  m.kind = GENERATE(MeetingKind::kPropaganda, MeetingKind::kCustomer, MeetingKind::kSmallGroup);
  m.status = GENERATE(MeetingStatus::kPlanned, MeetingStatus::kConfirmed, MeetingStatus::kMoved,
                      MeetingStatus::kCancelled);
  m.notes = "Mang theo CCCD";
  m.sample = true;
  m.expected_guests = 25;

  CHECK(ChangeLines(ReplaceOrFail(*store, {m}, At(1, 10))) ==
        std::vector<std::string>{"added 2026-12-son-ky-1"});
  std::optional<Meeting> stored = GetOrFail(*store, m.id);
  REQUIRE(stored.has_value());
  CheckSameMeeting(*stored, m);
  CHECK_FALSE(GetOrFail(*store, "no-such-meeting").has_value());
}

TEST_CASE("A start is kept to the millisecond") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteMeetingStore(*db);
  Meeting m = MakeMeeting("m1", kSonKy, At(5, 8) + std::chrono::microseconds(1999));
  ReplaceOrFail(*store, {m}, At(1, 10));
  CHECK(GetOrFail(*store, "m1")->start == At(5, 8) + std::chrono::milliseconds(1));
  // The same file again is not a move: the comparison is at stored precision.
  CHECK(ReplaceOrFail(*store, {m}, At(1, 11)).empty());
}

TEST_CASE("A schedule with a meeting without id or commune, or an id twice, is refused whole") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteMeetingStore(*db);
  ReplaceOrFail(*store, {MakeMeeting("old", kSonKy, At(5, 8))}, At(1, 10));

  Meeting no_id = MakeMeeting("", kSonKy, At(6, 8));
  Meeting no_commune = MakeMeeting("m2", "", At(6, 8));
  Meeting twice = MakeMeeting("m1", kSonHa, At(7, 8));
  std::vector<Meeting> schedule;
  std::string message;
  std::tie(schedule, message) = GENERATE_COPY(table<std::vector<Meeting>, std::string>({
      {{MakeMeeting("m1", kSonKy, At(5, 8)), no_id},
       "meeting store: meeting 2 of the schedule has no id"},
      {{MakeMeeting("m1", kSonKy, At(5, 8)), no_commune},
       "meeting store: meeting 2 of the schedule (m2) has no commune"},
      {{MakeMeeting("m1", kSonKy, At(5, 8)), MakeMeeting("m2", kSonKy, At(5, 9)), twice},
       "meeting store: meeting 3 of the schedule: id \"m1\" appears twice"},
  }));
  CAPTURE(message);
  Result<std::vector<ScheduleChange>> changes = store->ReplaceSchedule(schedule, At(1, 11));
  REQUIRE_FALSE(changes.ok());
  CHECK(changes.status().code() == StatusCode::kInvalidArgument);
  CHECK(changes.status().message() == message);
  CHECK(Ids(store->AllInCommune(kSonKy).value()) == std::vector<std::string>{"old"});
}

TEST_CASE(
    "Reminders are due the day before at 8:00 and on the day at 6:00, or an hour before an "
    "earlier start") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteMeetingStore(*db);
  system_clock::time_point start;
  std::vector<std::string> expected;
  std::tie(start, expected) = GENERATE(table<system_clock::time_point, std::vector<std::string>>({
      {At(5, 8), {"m day_before 12-04 08:00 pending", "m morning_of 12-05 06:00 pending"}},
      {At(5, 14, 30), {"m day_before 12-04 08:00 pending", "m morning_of 12-05 06:00 pending"}},
      {At(5, 7), {"m day_before 12-04 08:00 pending", "m morning_of 12-05 06:00 pending"}},
      {At(5, 6, 30), {"m day_before 12-04 08:00 pending", "m morning_of 12-05 05:30 pending"}},
      // Just after midnight: the "morning" reminder is the evening before.
      {At(5, 0, 30), {"m day_before 12-04 08:00 pending", "m morning_of 12-04 23:30 pending"}},
      // 1 January: the day before is in the previous year (and month).
      {VietnamInstant(CivilDate{2027, 1, 1}, 9, 0),
       {"m day_before 12-31 08:00 pending", "m morning_of 01-01 06:00 pending"}},
  }));
  CAPTURE(VietnamTime(start));
  ReplaceOrFail(*store, {MakeMeeting("m", kSonKy, start)}, At(1, 10));
  REQUIRE(SubscribeOrFail(*store, "u1", kSonKy, At(1, 10)));
  CHECK(JobLines(*store, "u1") == expected);
}

TEST_CASE("A reminder whose time has passed, or that would come after the start, is not planned") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteMeetingStore(*db);
  ReplaceOrFail(*store, {MakeMeeting("m", kSonKy, At(5, 8))}, At(1, 10));
  system_clock::time_point now;
  std::vector<std::string> expected;
  std::tie(now, expected) = GENERATE(table<system_clock::time_point, std::vector<std::string>>({
      // Due exactly now is not past: it goes out at once.
      {At(4, 8), {"m day_before 12-04 08:00 pending", "m morning_of 12-05 06:00 pending"}},
      {At(4, 8) + std::chrono::milliseconds(1), {"m morning_of 12-05 06:00 pending"}},
      {At(5, 6), {"m morning_of 12-05 06:00 pending"}},
      {At(5, 6, 1), {}},
      {At(5, 8), {}},
      {At(6, 8), {}},
  }));
  CAPTURE(VietnamTime(now));
  REQUIRE(SubscribeOrFail(*store, "u1", kSonKy, now));
  CHECK(JobLines(*store, "u1") == expected);
}

TEST_CASE("Subscribe plans the commune's upcoming meetings once and is idempotent") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteMeetingStore(*db);
  ReplaceOrFail(*store,
                {MakeMeeting("past", kSonKy, At(1, 8)), MakeMeeting("b", kSonKy, At(10, 8)),
                 MakeMeeting("a", kSonKy, At(5, 8)),
                 MakeMeeting("off", kSonKy, At(6, 8), MeetingStatus::kCancelled),
                 MakeMeeting("elsewhere", kSonHa, At(7, 8))},
                At(1, 7));
  const std::vector<std::string> expected = {
      "a day_before 12-04 08:00 pending", "a morning_of 12-05 06:00 pending",
      "b day_before 12-09 08:00 pending", "b morning_of 12-10 06:00 pending"};

  CHECK(SubscribeOrFail(*store, "u1", kSonKy, At(1, 10)));
  CHECK(JobLines(*store, "u1") == expected);
  CHECK(store->Subscriptions("zalo", "u1").value() == std::vector<std::string>{kSonKy});

  SECTION("a second subscription to the same commune is not new and adds no job") {
    CHECK_FALSE(SubscribeOrFail(*store, "u1", kSonKy, At(2, 10)));
    CHECK(JobLines(*store, "u1") == expected);
  }
  SECTION("a subscription to another commune adds its meetings") {
    CHECK(SubscribeOrFail(*store, "u1", kSonHa, At(2, 10)));
    CHECK(JobLines(*store, "u1").size() == 6);
    CHECK(store->Subscriptions("zalo", "u1").value() == std::vector<std::string>{kSonHa, kSonKy});
  }
  SECTION("the same user id on another channel is another user") {
    CHECK(store->Subscribe("messenger", "u1", kSonKy, At(1, 10)).value());
    CHECK(JobLines(*store, "u1", "messenger") ==
          std::vector<std::string>{expected[0], expected[1], expected[2], expected[3]});
    CHECK(JobLines(*store, "u1") == expected);
  }
}

TEST_CASE("Subscribe and AddRsvp refuse a missing channel, user or commune") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteMeetingStore(*db);
  ReplaceOrFail(*store, {MakeMeeting("m", kSonKy, At(5, 8))}, At(1, 10));

  std::string channel, user, commune, message;
  std::tie(channel, user, commune, message) =
      GENERATE(table<std::string, std::string, std::string, std::string>({
          {"", "u1", kSonKy, "meeting store: subscribe: no channel"},
          {"zalo", "", kSonKy, "meeting store: subscribe: no user"},
          {"zalo", "u1", "", "meeting store: subscribe: no commune"},
      }));
  Result<bool> subscribed = store->Subscribe(channel, user, commune, At(1, 10));
  REQUIRE_FALSE(subscribed.ok());
  CHECK(subscribed.status().code() == StatusCode::kInvalidArgument);
  CHECK(subscribed.status().message() == message);

  Result<bool> rsvp = store->AddRsvp("m", "zalo", "", At(1, 10));
  REQUIRE_FALSE(rsvp.ok());
  CHECK(rsvp.status().code() == StatusCode::kInvalidArgument);
  CHECK(rsvp.status().message() == "meeting store: rsvp: no user");
  rsvp = store->AddRsvp("m", "", "u1", At(1, 10));
  CHECK(rsvp.status().message() == "meeting store: rsvp: no channel");
}

TEST_CASE("An RSVP is recorded once per user and counted") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteMeetingStore(*db);
  ReplaceOrFail(*store, {MakeMeeting("m1", kSonKy, At(5, 8)), MakeMeeting("m2", kSonKy, At(6, 8))},
                At(1, 10));

  CHECK(RsvpOrFail(*store, "m1", "u1", At(1, 11)));
  CHECK_FALSE(RsvpOrFail(*store, "m1", "u1", At(1, 12)));
  CHECK(RsvpOrFail(*store, "m1", "u2", At(1, 12)));
  CHECK(RsvpOrFail(*store, "m1", "u1", At(1, 12), "messenger"));
  CHECK(RsvpCountOrFail(*store, "m1") == 3);
  CHECK(RsvpCountOrFail(*store, "m2") == 0);
  CHECK(RsvpCountOrFail(*store, "unknown") == 0);
  CHECK(store->HasRsvp("m1", "zalo", "u1").value());
  CHECK_FALSE(store->HasRsvp("m2", "zalo", "u1").value());
  CHECK_FALSE(store->HasRsvp("m1", "zalo", "u3").value());
  // An RSVP plans no reminder: those are for subscribers.
  CHECK(JobLines(*store, "u1").empty());

  Result<bool> unknown = store->AddRsvp("m9", "zalo", "u1", At(1, 12));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == StatusCode::kNotFound);
  CHECK(unknown.status().message() == "meeting store: rsvp: meeting \"m9\" not found");
}

TEST_CASE("Upcoming lists a commune's meetings from an instant by start, cancelled ones included") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteMeetingStore(*db);
  ReplaceOrFail(
      *store,
      {MakeMeeting("late", kSonKy, At(20, 8)), MakeMeeting("b-same-start", kSonKy, At(10, 8)),
       MakeMeeting("a-same-start", kSonKy, At(10, 8)),
       MakeMeeting("off", kSonKy, At(8, 8), MeetingStatus::kCancelled),
       MakeMeeting("done", kSonKy, At(2, 8)), MakeMeeting("elsewhere", kSonHa, At(9, 8))},
      At(1, 10));

  CHECK(UpcomingIds(*store, kSonKy, At(3, 0)) ==
        std::vector<std::string>{"off", "a-same-start", "b-same-start", "late"});
  SECTION("at most the limit") {
    CHECK(UpcomingIds(*store, kSonKy, At(3, 0), 2) ==
          std::vector<std::string>{"off", "a-same-start"});
    CHECK(UpcomingIds(*store, kSonKy, At(3, 0), 0).empty());
  }
  SECTION("a meeting starting exactly at `from` is included") {
    CHECK(UpcomingIds(*store, kSonKy, At(10, 8)) ==
          std::vector<std::string>{"a-same-start", "b-same-start", "late"});
    CHECK(UpcomingIds(*store, kSonKy, At(10, 8) + std::chrono::milliseconds(1)) ==
          std::vector<std::string>{"late"});
  }
  SECTION("other communes and unknown codes") {
    CHECK(UpcomingIds(*store, kSonHa, At(3, 0)) == std::vector<std::string>{"elsewhere"});
    CHECK(UpcomingIds(*store, "99999", At(3, 0)).empty());
  }
  SECTION("AllInCommune includes the past") {
    CHECK(Ids(store->AllInCommune(kSonKy).value()) ==
          std::vector<std::string>{"done", "off", "a-same-start", "b-same-start", "late"});
  }
}

// The fixture of the schedule-change tests: three upcoming meetings in Sơn
// Kỳ, one in Sơn Hà; subscribers u-sub (Sơn Kỳ) and u-ha (Sơn Hà); RSVPs
// from u-rsvp and u-sub for every Sơn Kỳ meeting.
struct Office {
  Office() : db(OpenOrFail(":memory:")), store(NewSqliteMeetingStore(*db)) {
    schedule = {MakeMeeting("m1", kSonKy, At(5, 8)), MakeMeeting("m2", kSonKy, At(6, 8)),
                MakeMeeting("m3", kSonKy, At(7, 8)), MakeMeeting("h1", kSonHa, At(8, 8))};
    ReplaceOrFail(*store, schedule, At(1, 9));
    REQUIRE(SubscribeOrFail(*store, "u-sub", kSonKy, At(1, 10)));
    REQUIRE(SubscribeOrFail(*store, "u-ha", kSonHa, At(1, 10)));
    for (const char* id : {"m1", "m2", "m3"}) {
      REQUIRE(RsvpOrFail(*store, id, "u-rsvp", At(1, 11)));
      REQUIRE(RsvpOrFail(*store, id, "u-sub", At(1, 11)));
    }
  }
  std::unique_ptr<Database> db;
  std::unique_ptr<MeetingStore> store;
  std::vector<Meeting> schedule;
};

TEST_CASE("Importing the same schedule again changes nothing and plans no job twice") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  auto db = OpenOrFail(path);
  auto store = NewSqliteMeetingStore(*db);
  const std::vector<Meeting> schedule = {
      MakeMeeting("m1", kSonKy, At(5, 8)),
      MakeMeeting("m2", kSonKy, At(6, 8), MeetingStatus::kCancelled)};
  ReplaceOrFail(*store, schedule, At(1, 9));
  REQUIRE(SubscribeOrFail(*store, "u1", kSonKy, At(1, 10)));
  REQUIRE(RsvpOrFail(*store, "m1", "u2", At(1, 10)));
  const std::vector<std::string> jobs = JobLines(*store, "u1");
  REQUIRE(jobs.size() == 2);
  RawConnection raw(path);
  const std::string updated = raw.QueryText("SELECT group_concat(updated_ms) FROM meetings");

  CHECK(ReplaceOrFail(*store, schedule, At(2, 9)).empty());
  CHECK(ReplaceOrFail(*store, schedule, At(3, 9)).empty());
  CHECK(JobLines(*store, "u1") == jobs);
  CHECK(JobLines(*store, "u2").empty());
  CHECK(raw.QueryInt("SELECT count(*) FROM reminder_jobs") == 2);
  CHECK(raw.QueryText("SELECT group_concat(updated_ms) FROM meetings") == updated);
}

TEST_CASE(
    "A meeting whose start changed is moved: its jobs are replanned and RSVPs notified once") {
  Office office;
  MeetingStore& store = *office.store;
  std::vector<Meeting> moved = office.schedule;
  moved[0].start = At(9, 14);  // still "planned" in the file
  const system_clock::time_point now = At(2, 15, 30);

  std::vector<ScheduleChange> changes = ReplaceOrFail(store, moved, now);
  REQUIRE(ChangeLines(changes) == std::vector<std::string>{"moved m1"});
  REQUIRE(changes[0].old_start.has_value());
  CHECK(*changes[0].old_start == At(5, 8));
  CHECK(GetOrFail(store, "m1")->start == At(9, 14));
  CHECK(GetOrFail(store, "m1")->status == MeetingStatus::kPlanned);

  // The subscriber who also said they would come: old reminders obsolete,
  // one notice now, reminders at the new time.
  CHECK(JobLines(store, "u-sub") == std::vector<std::string>{
                                        "m1 day_before 12-04 08:00 obsolete",
                                        "m1 morning_of 12-05 06:00 obsolete",
                                        "m2 day_before 12-05 08:00 pending",
                                        "m2 morning_of 12-06 06:00 pending",
                                        "m3 day_before 12-06 08:00 pending",
                                        "m3 morning_of 12-07 06:00 pending",
                                        "m1 moved 12-02 15:30 pending",
                                        "m1 day_before 12-08 08:00 pending",
                                        "m1 morning_of 12-09 06:00 pending",
                                    });
  const std::vector<ReminderJob> jobs = JobsOrFail(store, "u-sub");
  CHECK(jobs[0].detail == "meeting moved");
  CHECK(jobs[6].due == now);
  CHECK(JobLines(store, "u-rsvp") == std::vector<std::string>{"m1 moved 12-02 15:30 pending"});
  CHECK(JobLines(store, "u-ha") == std::vector<std::string>{"h1 day_before 12-07 08:00 pending",
                                                            "h1 morning_of 12-08 06:00 pending"});
  CHECK(RsvpCountOrFail(store, "m1") == 2);  // an RSVP holds across a move

  SECTION("importing the moved schedule again notifies no one twice") {
    CHECK(ReplaceOrFail(store, moved, At(3, 9)).empty());
    CHECK(JobLines(store, "u-rsvp") == std::vector<std::string>{"m1 moved 12-02 15:30 pending"});
    CHECK(JobLines(store, "u-sub").size() == 9);
  }
  SECTION("a second move before the first notice went out replaces it") {
    moved[0].start = At(10, 14);
    CHECK(ChangeLines(ReplaceOrFail(store, moved, At(2, 16))) ==
          std::vector<std::string>{"moved m1"});
    CHECK(JobLines(store, "u-rsvp") == std::vector<std::string>{"m1 moved 12-02 15:30 obsolete",
                                                                "m1 moved 12-02 16:00 pending"});
  }
  SECTION("moving back brings the obsolete reminders back; what was sent stays sent") {
    // The notice went out, then the office changed its mind.
    RequireOk(store.FinishJob(jobs[6].id, ReminderJobStatus::kSent, "", At(2, 15, 31)));
    CHECK(ChangeLines(ReplaceOrFail(store, office.schedule, At(2, 17))) ==
          std::vector<std::string>{"moved m1"});
    CHECK(JobLines(store, "u-sub") == std::vector<std::string>{
                                          "m1 day_before 12-04 08:00 pending",
                                          "m1 morning_of 12-05 06:00 pending",
                                          "m2 day_before 12-05 08:00 pending",
                                          "m2 morning_of 12-06 06:00 pending",
                                          "m3 day_before 12-06 08:00 pending",
                                          "m3 morning_of 12-07 06:00 pending",
                                          "m1 moved 12-02 15:30 sent",
                                          "m1 day_before 12-08 08:00 obsolete",
                                          "m1 morning_of 12-09 06:00 obsolete",
                                          "m1 moved 12-02 17:00 pending",
                                      });
  }
}

TEST_CASE("A moved meeting gets no reminder already past, and a long-past meeting no notice") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteMeetingStore(*db);
  ReplaceOrFail(*store, {MakeMeeting("m", kSonKy, At(5, 8))}, At(1, 9));
  REQUIRE(SubscribeOrFail(*store, "u", kSonKy, At(1, 10)));
  REQUIRE(RsvpOrFail(*store, "m", "u", At(1, 10)));

  SECTION("moved to tomorrow after 8:00: only the morning reminder") {
    ReplaceOrFail(*store, {MakeMeeting("m", kSonKy, At(4, 9))}, At(3, 12));
    CHECK(JobLines(*store, "u") == std::vector<std::string>{
                                       "m day_before 12-04 08:00 obsolete",
                                       "m morning_of 12-05 06:00 obsolete",
                                       "m moved 12-03 12:00 pending",
                                       "m morning_of 12-04 06:00 pending",
                                   });
  }
  SECTION("a meeting that took place is corrected in the file: no notice, no reminder") {
    CHECK(ChangeLines(ReplaceOrFail(*store, {MakeMeeting("m", kSonKy, At(5, 9))}, At(10, 9))) ==
          std::vector<std::string>{"moved m"});
    CHECK(JobLines(*store, "u") == std::vector<std::string>{"m day_before 12-04 08:00 obsolete",
                                                            "m morning_of 12-05 06:00 obsolete"});
  }
}

TEST_CASE("A cancelled meeting: pending jobs obsolete, one notice per RSVP, no new reminder") {
  Office office;
  MeetingStore& store = *office.store;
  std::vector<Meeting> cancelled = office.schedule;
  cancelled[1].status = MeetingStatus::kCancelled;

  CHECK(ChangeLines(ReplaceOrFail(store, cancelled, At(2, 10))) ==
        std::vector<std::string>{"cancelled m2"});
  CHECK(GetOrFail(store, "m2")->status == MeetingStatus::kCancelled);
  CHECK(JobLines(store, "u-rsvp") == std::vector<std::string>{"m2 cancelled 12-02 10:00 pending"});
  CHECK(JobLines(store, "u-sub") == std::vector<std::string>{
                                        "m1 day_before 12-04 08:00 pending",
                                        "m1 morning_of 12-05 06:00 pending",
                                        "m2 day_before 12-05 08:00 obsolete",
                                        "m2 morning_of 12-06 06:00 obsolete",
                                        "m3 day_before 12-06 08:00 pending",
                                        "m3 morning_of 12-07 06:00 pending",
                                        "m2 cancelled 12-02 10:00 pending",
                                    });
  CHECK(JobsOrFail(store, "u-sub")[2].detail == "meeting cancelled");
  // The citizen should learn it was cancelled.
  CHECK(UpcomingIds(store, kSonKy, At(2, 10)) == std::vector<std::string>{"m1", "m2", "m3"});

  SECTION("importing it again changes nothing") {
    CHECK(ReplaceOrFail(store, cancelled, At(3, 10)).empty());
    CHECK(JobLines(store, "u-rsvp") ==
          std::vector<std::string>{"m2 cancelled 12-02 10:00 pending"});
  }
  SECTION("a new subscriber gets no reminder for it") {
    REQUIRE(SubscribeOrFail(store, "u-new", kSonKy, At(2, 11)));
    CHECK(JobLines(store, "u-new") == std::vector<std::string>{
                                          "m1 day_before 12-04 08:00 pending",
                                          "m1 morning_of 12-05 06:00 pending",
                                          "m3 day_before 12-06 08:00 pending",
                                          "m3 morning_of 12-07 06:00 pending",
                                      });
  }
  SECTION("reinstated, it is updated and its reminders are pending again") {
    std::vector<Meeting> reinstated = office.schedule;
    reinstated[1].status = MeetingStatus::kConfirmed;
    CHECK(ChangeLines(ReplaceOrFail(store, reinstated, At(3, 10))) ==
          std::vector<std::string>{"updated m2"});
    const std::vector<std::string> sub = JobLines(store, "u-sub");
    CHECK(sub[2] == "m2 day_before 12-05 08:00 pending");
    CHECK(sub[3] == "m2 morning_of 12-06 06:00 pending");
    CHECK(sub.size() == 7);
  }
}

TEST_CASE("A meeting cancelled and moved in one import is announced as cancelled only") {
  Office office;
  MeetingStore& store = *office.store;
  std::vector<Meeting> changed = office.schedule;
  changed[1].status = MeetingStatus::kCancelled;
  changed[1].start = At(9, 8);
  std::vector<ScheduleChange> changes = ReplaceOrFail(store, changed, At(2, 10));
  CHECK(ChangeLines(changes) == std::vector<std::string>{"cancelled m2"});
  CHECK_FALSE(changes[0].old_start.has_value());
  CHECK(JobLines(store, "u-rsvp") == std::vector<std::string>{"m2 cancelled 12-02 10:00 pending"});
  CHECK(JobLines(store, "u-sub").size() == 7);
  CHECK(GetOrFail(store, "m2")->start == At(9, 8));

  SECTION("moved again while cancelled: an update, nobody is told") {
    changed[1].start = At(10, 8);
    CHECK(ChangeLines(ReplaceOrFail(store, changed, At(2, 11))) ==
          std::vector<std::string>{"updated m2"});
    CHECK(JobLines(store, "u-rsvp").size() == 1);
    CHECK(JobLines(store, "u-sub").size() == 7);
  }
  SECTION("reinstated at another time: moved, with reminders at the new time") {
    changed[1].status = MeetingStatus::kConfirmed;
    changed[1].start = At(10, 8);
    CHECK(ChangeLines(ReplaceOrFail(store, changed, At(2, 11))) ==
          std::vector<std::string>{"moved m2"});
    // The cancellation notice not yet sent is superseded.
    CHECK(JobLines(store, "u-rsvp") == std::vector<std::string>{"m2 cancelled 12-02 10:00 obsolete",
                                                                "m2 moved 12-02 11:00 pending"});
    const std::vector<std::string> sub = JobLines(store, "u-sub");
    REQUIRE(sub.size() == 10);
    CHECK(sub[8] == "m2 day_before 12-09 08:00 pending");
    CHECK(sub[9] == "m2 morning_of 12-10 06:00 pending");
  }
}

TEST_CASE(
    "An upcoming meeting gone from the schedule stays as cancelled; RSVPs hear it is cancelled") {
  Office office;
  MeetingStore& store = *office.store;
  const std::vector<Meeting> without_m3 = {office.schedule[0], office.schedule[1],
                                           office.schedule[3]};

  CHECK(ChangeLines(ReplaceOrFail(store, without_m3, At(2, 10))) ==
        std::vector<std::string>{"removed m3"});
  // Kept (cancelled) so that the notice can name it and citizens see it.
  const std::optional<Meeting> kept = GetOrFail(store, "m3");
  REQUIRE(kept.has_value());
  CHECK(kept->status == MeetingStatus::kCancelled);
  CHECK(RsvpCountOrFail(store, "m3") == 2);
  CHECK(JobLines(store, "u-rsvp") == std::vector<std::string>{"m3 cancelled 12-02 10:00 pending"});
  const std::vector<ReminderJob> sub = JobsOrFail(store, "u-sub");
  REQUIRE(sub.size() == 7);
  CHECK(Describe(sub[4]) == "m3 day_before 12-06 08:00 obsolete");
  CHECK(sub[4].detail == "meeting removed from the schedule");
  CHECK(Describe(sub[6]) == "m3 cancelled 12-02 10:00 pending");

  SECTION("importing it again deletes the cancelled row with its RSVPs, with no second notice") {
    CHECK(ChangeLines(ReplaceOrFail(store, without_m3, At(3, 10))) ==
          std::vector<std::string>{"removed m3"});
    CHECK_FALSE(GetOrFail(store, "m3").has_value());
    CHECK(RsvpCountOrFail(store, "m3") == 0);
    CHECK_FALSE(store.HasRsvp("m3", "zalo", "u-rsvp").value());
    CHECK(JobLines(store, "u-rsvp").size() == 1);
  }
  SECTION("added back before the next import, it is reinstated with its reminders") {
    CHECK(ChangeLines(ReplaceOrFail(store, office.schedule, At(3, 10))) ==
          std::vector<std::string>{"updated m3"});
    CHECK(RsvpCountOrFail(store, "m3") == 2);
    CHECK(JobLines(store, "u-sub")[4] == "m3 day_before 12-06 08:00 pending");
  }
}

TEST_CASE("Past meetings dropped from the file, or already cancelled ones, notify no one") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteMeetingStore(*db);
  ReplaceOrFail(*store,
                {MakeMeeting("old", kSonKy, At(2, 8)),
                 MakeMeeting("off", kSonKy, At(9, 8), MeetingStatus::kCancelled)},
                At(1, 9));
  REQUIRE(RsvpOrFail(*store, "old", "u", At(1, 10)));
  REQUIRE(RsvpOrFail(*store, "off", "u", At(1, 10)));

  CHECK(ChangeLines(ReplaceOrFail(*store, {}, At(3, 9))) ==
        std::vector<std::string>{"removed off", "removed old"});
  CHECK(JobLines(*store, "u").empty());
  CHECK(store->AllInCommune(kSonKy).value().empty());
}

TEST_CASE("The office's first schedule replaces the sample schedule without notices") {
  auto db = OpenOrFail(":memory:");
  auto store = NewSqliteMeetingStore(*db);
  Meeting sample = MakeMeeting("mau-01", kSonKy, At(9, 8));
  sample.sample = true;
  ReplaceOrFail(*store, {sample}, At(1, 9));
  REQUIRE(RsvpOrFail(*store, "mau-01", "u", At(1, 10)));

  CHECK(ChangeLines(ReplaceOrFail(*store, {MakeMeeting("real-1", kSonKy, At(10, 8))}, At(2, 9))) ==
        std::vector<std::string>{"added real-1", "removed mau-01"});
  CHECK_FALSE(GetOrFail(*store, "mau-01").has_value());  // gone, not kept as cancelled
  CHECK(JobLines(*store, "u").empty());                  // and nobody is told
}

TEST_CASE("Other changes of a meeting are updates: reminders stay, unless its commune changed") {
  Office office;
  MeetingStore& store = *office.store;
  const std::vector<std::string> sub_before = JobLines(store, "u-sub");
  std::vector<Meeting> changed = office.schedule;

  SECTION("venue, title, status confirmed") {
    changed[0].venue = "Nhà văn hóa thôn 3";
    changed[1].title = "";
    changed[2].status = MeetingStatus::kConfirmed;
    changed[3].expected_guests = 80;
    CHECK(ChangeLines(ReplaceOrFail(store, changed, At(2, 10))) ==
          std::vector<std::string>{"updated m1", "updated m2", "updated m3", "updated h1"});
    CheckSameMeeting(*GetOrFail(store, "m1"), changed[0]);
    CheckSameMeeting(*GetOrFail(store, "m3"), changed[2]);
    CHECK(JobLines(store, "u-sub") == sub_before);
    CHECK(JobLines(store, "u-rsvp").empty());
  }
  SECTION("the file says \"moved\" without a new start") {
    changed[0].status = MeetingStatus::kMoved;
    CHECK(ChangeLines(ReplaceOrFail(store, changed, At(2, 10))) ==
          std::vector<std::string>{"updated m1"});
    CHECK(JobLines(store, "u-rsvp").empty());
  }
  SECTION("another commune: its subscribers get the reminders, the old commune's are obsolete") {
    changed[0].commune_code = kSonHa;
    CHECK(ChangeLines(ReplaceOrFail(store, changed, At(2, 10))) ==
          std::vector<std::string>{"updated m1"});
    const std::vector<ReminderJob> sub = JobsOrFail(store, "u-sub");
    CHECK(Describe(sub[0]) == "m1 day_before 12-04 08:00 obsolete");
    CHECK(sub[0].detail == "meeting changed commune");
    CHECK(JobLines(store, "u-ha") == std::vector<std::string>{
                                         "h1 day_before 12-07 08:00 pending",
                                         "h1 morning_of 12-08 06:00 pending",
                                         "m1 day_before 12-04 08:00 pending",
                                         "m1 morning_of 12-05 06:00 pending",
                                     });
  }
}

TEST_CASE("An import sees the subscribers of the day: new meetings get their reminders") {
  Office office;
  MeetingStore& store = *office.store;
  std::vector<Meeting> more = office.schedule;
  more.push_back(MakeMeeting("m4", kSonKy, At(12, 8)));
  more.push_back(MakeMeeting("m5", kSonKy, At(13, 8), MeetingStatus::kCancelled));
  CHECK(ChangeLines(ReplaceOrFail(store, more, At(2, 10))) ==
        std::vector<std::string>{"added m4", "added m5"});
  const std::vector<std::string> sub = JobLines(store, "u-sub");
  REQUIRE(sub.size() == 8);
  CHECK(sub[6] == "m4 day_before 12-11 08:00 pending");
  CHECK(sub[7] == "m4 morning_of 12-12 06:00 pending");
  CHECK(JobLines(store, "u-ha").size() == 2);
}

TEST_CASE("A failed import changes nothing: meetings, RSVPs and jobs stay as they were") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  auto db = OpenOrFail(path);
  auto store = NewSqliteMeetingStore(*db);
  ReplaceOrFail(*store, {MakeMeeting("m1", kSonKy, At(5, 8)), MakeMeeting("m2", kSonKy, At(6, 8))},
                At(1, 9));
  REQUIRE(SubscribeOrFail(*store, "u-sub", kSonKy, At(1, 10)));
  REQUIRE(RsvpOrFail(*store, "m1", "u-rsvp", At(1, 10)));
  REQUIRE(RsvpOrFail(*store, "m2", "u-rsvp", At(1, 10)));
  const std::vector<std::string> sub_before = JobLines(*store, "u-sub");

  // The new schedule moves m1, adds m3 and drops m2. A fault planted in the
  // file makes the last step (m2's cancellation notice) fail.
  const std::vector<Meeting> next = {MakeMeeting("m1", kSonKy, At(9, 8)),
                                     MakeMeeting("m3", kSonKy, At(10, 8))};

  SECTION("a failing statement") {
    RawConnection raw(path);
    raw.Exec(
        "CREATE TRIGGER fail_cancel BEFORE INSERT ON reminder_jobs WHEN NEW.kind = 'cancelled' "
        "BEGIN SELECT RAISE(ABORT, 'injected fault'); END");
    Result<std::vector<ScheduleChange>> changes = store->ReplaceSchedule(next, At(2, 10));
    REQUIRE_FALSE(changes.ok());
    CHECK(changes.status().message() == "meeting store: replace schedule: injected fault");
    raw.Exec("DROP TRIGGER fail_cancel");
  }
  SECTION("a unit of work that fails after the import") {
    auto unit = NewSqliteUnitOfWork(*db);
    Status s = unit->Run([&]() -> Status {
      REQUIRE(ChangeLines(ReplaceOrFail(*store, next, At(2, 10))) ==
              std::vector<std::string>{"moved m1", "added m3", "removed m2"});
      return Internal("the import log could not be written");
    });
    CHECK(s.message() == "the import log could not be written");
  }

  CHECK(Ids(store->AllInCommune(kSonKy).value()) == std::vector<std::string>{"m1", "m2"});
  CHECK(GetOrFail(*store, "m1")->start == At(5, 8));
  CHECK(RsvpCountOrFail(*store, "m2") == 1);
  CHECK(JobLines(*store, "u-sub") == sub_before);
  CHECK(JobLines(*store, "u-rsvp").empty());
  // And the same import then goes through.
  CHECK(ChangeLines(ReplaceOrFail(*store, next, At(2, 10))) ==
        std::vector<std::string>{"moved m1", "added m3", "removed m2"});
}

TEST_CASE("Unsubscribe ends every subscription and obsoletes the user's pending jobs") {
  Office office;
  MeetingStore& store = *office.store;
  REQUIRE(SubscribeOrFail(store, "u-sub", kSonHa, At(1, 12)));
  std::vector<Meeting> moved = office.schedule;
  moved[2].start = At(9, 9);
  ReplaceOrFail(store, moved, At(2, 10));  // a notice for u-sub
  const std::vector<ReminderJob> before = JobsOrFail(store, "u-sub");
  REQUIRE(before.size() == 11);
  RequireOk(store.FinishJob(before[0].id, ReminderJobStatus::kSent, "", At(2, 11)));

  Result<size_t> ended = store.Unsubscribe("zalo", "u-sub", At(3, 10));
  REQUIRE(ended.ok());
  CHECK(*ended == 2);
  CHECK(store.Subscriptions("zalo", "u-sub").value().empty());
  const std::vector<ReminderJob> after = JobsOrFail(store, "u-sub");
  REQUIRE(after.size() == before.size());
  CHECK(after[0].status == ReminderJobStatus::kSent);  // what was sent stays on record
  for (size_t i = 1; i < after.size(); ++i) {
    CAPTURE(Describe(after[i]));
    if (before[i].status == ReminderJobStatus::kPending) {
      CHECK(after[i].status == ReminderJobStatus::kObsolete);
      CHECK(after[i].detail == "user unsubscribed");
    } else {
      CHECK(after[i].status == before[i].status);
      CHECK(after[i].detail == before[i].detail);
    }
  }
  // Others keep theirs.
  CHECK(JobLines(store, "u-rsvp") == std::vector<std::string>{"m3 moved 12-02 10:00 pending"});
  CHECK(JobLines(store, "u-ha")[0] == "h1 day_before 12-07 08:00 pending");
  // RSVPs are not subscriptions.
  CHECK(store.HasRsvp("m1", "zalo", "u-sub").value());
  CHECK(store.Unsubscribe("zalo", "u-sub", At(3, 11)).value() == 0);

  SECTION("subscribing again brings the reminders back") {
    REQUIRE(SubscribeOrFail(store, "u-sub", kSonKy, At(3, 12)));
    CHECK(JobLines(store, "u-sub") == std::vector<std::string>{
                                          "m1 day_before 12-04 08:00 sent",
                                          "m1 morning_of 12-05 06:00 pending",
                                          "m2 day_before 12-05 08:00 pending",
                                          "m2 morning_of 12-06 06:00 pending",
                                          "m3 day_before 12-06 08:00 obsolete",
                                          "m3 morning_of 12-07 06:00 obsolete",
                                          "h1 day_before 12-07 08:00 obsolete",
                                          "h1 morning_of 12-08 06:00 obsolete",
                                          "m3 moved 12-02 10:00 obsolete",
                                          "m3 day_before 12-08 08:00 pending",
                                          "m3 morning_of 12-09 06:00 pending",
                                      });
  }
}

TEST_CASE("DueJobs gives pending jobs due by now, oldest first; FinishJob ends one for good") {
  Office office;
  MeetingStore& store = *office.store;

  CHECK(DueLines(store, At(4, 8) - std::chrono::milliseconds(1)).empty());
  CHECK(DueLines(store, At(4, 8)) ==
        std::vector<std::string>{"u-sub m1 day_before 12-04 08:00 pending"});
  CHECK(DueLines(store, At(5, 8)) == std::vector<std::string>{
                                         "u-sub m1 day_before 12-04 08:00 pending",
                                         "u-sub m1 morning_of 12-05 06:00 pending",
                                         "u-sub m2 day_before 12-05 08:00 pending",
                                     });
  CHECK(DueLines(store, At(5, 8), 2).size() == 2);
  CHECK(DueLines(store, At(5, 8), 0).empty());

  const ReminderJob first = store.DueJobs(At(4, 8), 1).value()[0];
  ReminderJobStatus status =
      GENERATE(ReminderJobStatus::kSent, ReminderJobStatus::kOutsideWindow,
               ReminderJobStatus::kUnsupported, ReminderJobStatus::kObsolete);
  CAPTURE(ReminderJobStatusName(status));
  RequireOk(store.FinishJob(first.id, status, "messenger 24 h window closed", At(4, 8, 1)));
  const ReminderJob finished = JobsOrFail(store, "u-sub")[0];
  CHECK(finished.id == first.id);
  CHECK(finished.status == status);
  CHECK(finished.detail == "messenger 24 h window closed");
  CHECK(DueLines(store, At(4, 9)).empty());

  Status again = store.FinishJob(first.id, ReminderJobStatus::kSent, "", At(4, 9));
  CHECK(again.code() == StatusCode::kFailedPrecondition);
  CHECK(again.message() == "meeting store: finish reminder job " + std::to_string(first.id) +
                               ": it is " + ReminderJobStatusName(status) + ", not pending");
  CHECK(JobsOrFail(store, "u-sub")[0].status == status);

  Status missing = store.FinishJob(first.id + 1000, ReminderJobStatus::kSent, "", At(4, 9));
  CHECK(missing.code() == StatusCode::kNotFound);
  CHECK(missing.message() ==
        "meeting store: finish reminder job " + std::to_string(first.id + 1000) + ": no such job");

  Status pending = store.FinishJob(first.id, ReminderJobStatus::kPending, "", At(4, 9));
  CHECK(pending.code() == StatusCode::kInvalidArgument);
  CHECK(pending.message() == "meeting store: finish reminder job " + std::to_string(first.id) +
                                 ": a job cannot finish as pending");
}

TEST_CASE("DueJobs orders by due time, not by when a job was planned") {
  Office office;
  MeetingStore& store = *office.store;
  std::vector<Meeting> moved = office.schedule;
  moved[2].start = At(9, 8);
  ReplaceOrFail(store, moved, At(3, 10));  // notices planned last, due first
  CHECK(DueLines(store, At(4, 8)) == std::vector<std::string>{
                                         "u-rsvp m3 moved 12-03 10:00 pending",
                                         "u-sub m3 moved 12-03 10:00 pending",
                                         "u-sub m1 day_before 12-04 08:00 pending",
                                     });
}

TEST_CASE("DeleteUser removes the user's RSVPs, subscriptions and jobs and counts them") {
  Office office;
  MeetingStore& store = *office.store;
  REQUIRE(RsvpOrFail(store, "m1", "u-sub", At(1, 12), "messenger"));

  Result<size_t> deleted = store.DeleteUser("zalo", "u-sub");
  REQUIRE(deleted.ok());
  CHECK(*deleted == 3 + 1 + 6);  // RSVPs, subscription, jobs
  CHECK(JobLines(store, "u-sub").empty());
  CHECK(store.Subscriptions("zalo", "u-sub").value().empty());
  CHECK_FALSE(store.HasRsvp("m1", "zalo", "u-sub").value());
  CHECK(store.HasRsvp("m1", "messenger", "u-sub").value());
  CHECK(RsvpCountOrFail(store, "m1") == 2);
  CHECK(JobLines(store, "u-ha").size() == 2);
  CHECK(store.DeleteUser("zalo", "u-sub").value() == 0);
  // No longer subscribed: a new meeting plans nothing for the user.
  std::vector<Meeting> more = office.schedule;
  more.push_back(MakeMeeting("m4", kSonKy, At(12, 8)));
  ReplaceOrFail(store, more, At(2, 10));
  CHECK(JobLines(store, "u-sub").empty());
}

TEST_CASE("The schedule, RSVPs, subscriptions and jobs survive closing and reopening the file") {
  ScratchDir dir;
  const std::string path = dir.File("bhxh-bot.db");
  Meeting m = MakeMeeting("m1", kSonKy, At(5, 8));
  m.notes = "Mang theo CCCD";
  {
    auto db = OpenOrFail(path);
    auto store = NewSqliteMeetingStore(*db);
    ReplaceOrFail(*store, {m}, At(1, 9));
    REQUIRE(SubscribeOrFail(*store, "u1", kSonKy, At(1, 10)));
    REQUIRE(RsvpOrFail(*store, "m1", "u2", At(1, 10)));
  }
  auto db = OpenOrFail(path);
  auto store = NewSqliteMeetingStore(*db);
  CheckSameMeeting(*GetOrFail(*store, "m1"), m);
  CHECK(store->HasRsvp("m1", "zalo", "u2").value());
  CHECK(store->Subscriptions("zalo", "u1").value() == std::vector<std::string>{kSonKy});
  CHECK(DueLines(*store, At(4, 8)) ==
        std::vector<std::string>{"u1 m1 day_before 12-04 08:00 pending"});
  CHECK(ReplaceOrFail(*store, {m}, At(2, 9)).empty());
}

}  // namespace
}  // namespace bhxh
