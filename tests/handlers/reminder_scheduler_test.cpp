// The reminder scheduler against a real SQLite file and a FakeClock:
// citizens opt in through the dialog engine (which also records when they
// last wrote), the clock is moved to when jobs fall due, and what RunDue
// delivers and records is checked.
#include "handlers/reminder_scheduler.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/civil_date.h"
#include "handlers/dialog_engine.h"
#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/handover_queue.h"
#include "storage/lead_store.h"
#include "storage/meeting_store.h"
#include "storage/question_log.h"
#include "storage/unit_of_work.h"
#include "storage/unix_millis.h"
#include "test_support/dialog_harness.h"

using namespace bhxh;
using namespace std::chrono;

namespace {

// 2026-11-26 10:00 Vietnam time, a Thursday.
const system_clock::time_point kNow = VietnamInstant(CivilDate{2026, 11, 26}, 10, 0);

constexpr const char* kSonLinh = "21307";
constexpr const char* kTitle = "Tuyên truyền chính sách BHXH tự nguyện";
constexpr const char* kVenue = "Hội trường UBND xã Sơn Linh";

system_clock::time_point At(int month, int day, int hour, int minute = 0) {
  return VietnamInstant(CivilDate{2026, month, day}, hour, minute);
}

// Saturday 28/11/2026 08:00 in Sơn Linh: its reminders fall due on Friday
// 27/11 at 08:00 and on Saturday at 06:00.
Meeting SonLinhMeeting() {
  Meeting m;
  m.id = "sl-1";
  m.commune_code = kSonLinh;
  m.kind = MeetingKind::kPropaganda;
  m.title = kTitle;
  m.start = At(11, 28, 8);
  m.venue = kVenue;
  return m;
}

using testing::Payloads;
using testing::Who;

struct Delivery {
  std::string channel;
  std::string user;
  std::vector<Reply> replies;
};

struct Harness : testing::DialogHarness {
  std::unique_ptr<ReminderScheduler> scheduler;

  // What Deliver received, and its fault switch: while set, Deliver fails
  // (the outbox write of a channel failing) after recording nothing.
  std::vector<Delivery> delivered;
  bool deliver_fails = false;

  Harness() : DialogHarness(kNow) {
    OpenScheduler();
    ReplaceSchedule({SonLinhMeeting()});
  }

  // A restart: a new connection, engine and scheduler on the same file.
  void Reopen() {
    scheduler.reset();
    DialogHarness::Reopen();
    OpenScheduler();
  }
  void OpenScheduler() {
    scheduler = std::make_unique<ReminderScheduler>(
        content, *meetings, *conversations, unit.get(), clock,
        std::map<std::string, minutes>{{"messenger", hours(24)}, {"zalo", hours(24 * 7)}});
  }

  // The citizen asks for Sơn Linh's schedule and taps "Nhắc tôi".
  void Subscribe(const Who& who) {
    Send(Message("lich hop son linh", "", who));
    const auto r = Send(Message("", std::string("MEET:REMIND:") + kSonLinh, who));
    REQUIRE(r[0].text == M().Get("meet_subscribed", {{"commune", "Sơn Linh"}}));
  }
  // The citizen says they will come.
  void Attend(const Who& who) {
    Send(Message("lich hop son linh", "", who));
    Send(Message("", "MEET:ATTEND:sl-1", who));
    auto has = meetings->HasRsvp("sl-1", who.channel, who.user);
    REQUIRE(has.ok());
    REQUIRE(*has);
  }

  // Runs the due jobs; returns how many ended.
  size_t Run(size_t limit = 500) {
    auto ended = RunStatus(limit);
    INFO(ended.status().message());
    REQUIRE(ended.ok());
    return *ended;
  }
  Result<size_t> RunStatus(size_t limit = 500) {
    return scheduler->RunDue(
        [this](const std::string& channel, const std::string& user,
               const std::vector<Reply>& replies) -> Status {
          if (deliver_fails) return Unavailable("outbox full");
          delivered.push_back({channel, user, replies});
          return Status::Ok();
        },
        limit);
  }

  // The newest job of that kind (a re-planned reminder is a new row).
  ReminderJob Job(const Who& who, ReminderKind kind) {
    const auto jobs = Jobs(who);
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
      if (it->kind == kind) return *it;
    }
    FAIL("no " << ReminderKindName(kind) << " job for " << who.user);
    return {};
  }

  std::string Expected(const char* key, system_clock::time_point start,
                       const std::string& title = kTitle) const {
    return M().Get(key, {{"title", title},
                         {"when", FormatVietnameseDateTime(start)},
                         {"venue", kVenue},
                         {"commune", "Sơn Linh"}});
  }
};

}  // namespace

TEST_CASE("reminders go out at 08:00 the day before and 06:00 on the day, once each") {
  Harness h;
  const Who who{"zalo", "z1"};
  h.Subscribe(who);
  REQUIRE(h.Jobs(who).size() == 2);
  CHECK(ToUnixMillis(h.Job(who, ReminderKind::kDayBefore).due) == ToUnixMillis(At(11, 27, 8)));
  CHECK(ToUnixMillis(h.Job(who, ReminderKind::kMorningOf).due) == ToUnixMillis(At(11, 28, 6)));

  h.clock.Set(At(11, 27, 7, 59));
  CHECK(h.Run() == 0);
  CHECK(h.delivered.empty());

  h.clock.Set(At(11, 27, 8));
  CHECK(h.Run() == 1);
  REQUIRE(h.delivered.size() == 1);
  CHECK(h.delivered[0].channel == "zalo");
  CHECK(h.delivered[0].user == "z1");
  REQUIRE(h.delivered[0].replies.size() == 1);
  const Reply& day_before = h.delivered[0].replies[0];
  CHECK(day_before.text == h.Expected("reminder_day_before", At(11, 28, 8)));
  CHECK(day_before.text.rfind("Nhắc lịch: ngày mai, Thứ Bảy, 28/11/2026, 8 giờ 00, có " +
                                  std::string(kTitle) + " tại " + kVenue + " (xã Sơn Linh).",
                              0) == 0);
  CHECK(Payloads(day_before) == std::vector<std::string>{"MENU_MEETINGS", "MEET:UNSUB"});
  CHECK(h.Job(who, ReminderKind::kDayBefore).status == ReminderJobStatus::kSent);
  CHECK(h.Job(who, ReminderKind::kMorningOf).status == ReminderJobStatus::kPending);

  // Running again sends nothing twice.
  h.clock.Set(At(11, 27, 20));
  CHECK(h.Run() == 0);
  h.clock.Set(At(11, 28, 5, 59));
  CHECK(h.Run() == 0);
  CHECK(h.delivered.size() == 1);

  h.clock.Set(At(11, 28, 6));
  CHECK(h.Run() == 1);
  REQUIRE(h.delivered.size() == 2);
  CHECK(h.delivered[1].replies[0].text == h.Expected("reminder_morning_of", At(11, 28, 8)));
  CHECK(h.delivered[1].replies[0].text.rfind("Nhắc lịch: hôm nay, Thứ Bảy, 28/11/2026, 8 giờ 00", 0) ==
        0);
  CHECK(h.Job(who, ReminderKind::kMorningOf).status == ReminderJobStatus::kSent);
  h.clock.Set(At(11, 28, 7));
  CHECK(h.Run() == 0);
  CHECK(h.delivered.size() == 2);
}

TEST_CASE("a meeting before 07:00 is recalled one hour before it starts") {
  Harness h;
  Meeting early = SonLinhMeeting();
  early.start = At(11, 28, 6, 30);
  REQUIRE(h.meetings->ReplaceSchedule({early}, h.clock.Now()).ok());
  const Who who{"zalo", "z1"};
  h.Subscribe(who);
  CHECK(ToUnixMillis(h.Job(who, ReminderKind::kMorningOf).due) == ToUnixMillis(At(11, 28, 5, 30)));
  h.clock.Set(At(11, 28, 5, 30));
  CHECK(h.Run() == 2);  // the day-before reminder, late, and this one
  CHECK(h.delivered.size() == 2);
}

TEST_CASE("a citizen silent for longer than the platform's window gets nothing") {
  Harness h;
  const Who messenger{"messenger", "p1"};
  const Who zalo{"zalo", "z1"};
  h.Subscribe(messenger);  // last message 26/11 10:00
  h.Subscribe(zalo);

  // 22 h after the last message: inside Messenger's 24 h.
  h.clock.Set(At(11, 27, 8));
  CHECK(h.Run() == 2);
  CHECK(h.delivered.size() == 2);
  CHECK(h.Job(messenger, ReminderKind::kDayBefore).status == ReminderJobStatus::kSent);

  // 44 h after: Messenger's window has closed, Zalo's 7 days have not.
  h.clock.Set(At(11, 28, 6));
  CHECK(h.Run() == 2);
  REQUIRE(h.delivered.size() == 3);
  CHECK(h.delivered[2].channel == "zalo");
  const ReminderJob late = h.Job(messenger, ReminderKind::kMorningOf);
  CHECK(late.status == ReminderJobStatus::kOutsideWindow);
  CHECK(late.detail == "messenger window of 24 h since the citizen's last message has closed");
  CHECK(h.Job(zalo, ReminderKind::kMorningOf).status == ReminderJobStatus::kSent);
}

TEST_CASE("the window counts from the citizen's latest message and ends exactly at its length") {
  Harness h;
  h.clock.Set(At(11, 26, 8));
  const Who at_edge{"messenger", "edge"};
  h.Subscribe(at_edge);  // 24 h before the day-before reminder, to the millisecond
  h.clock.Set(At(11, 26, 8) + milliseconds(1));
  const Who inside{"messenger", "inside"};
  h.Subscribe(inside);
  const Who wrote_again{"messenger", "again"};
  h.Subscribe(wrote_again);
  // A later message opens the window again.
  h.clock.Set(At(11, 27, 7));
  h.Send(h.Message("cảm ơn", "", wrote_again));

  h.clock.Set(At(11, 27, 8));
  CHECK(h.Run() == 3);
  CHECK(h.Job(at_edge, ReminderKind::kDayBefore).status == ReminderJobStatus::kOutsideWindow);
  CHECK(h.Job(inside, ReminderKind::kDayBefore).status == ReminderJobStatus::kSent);
  h.clock.Set(At(11, 28, 6));
  CHECK(h.Run() == 3);
  CHECK(h.Job(wrote_again, ReminderKind::kMorningOf).status == ReminderJobStatus::kSent);
  CHECK(h.Job(inside, ReminderKind::kMorningOf).status == ReminderJobStatus::kOutsideWindow);
  CHECK(h.delivered.size() == 3);  // inside's day-before, again's two
}

TEST_CASE("a Zalo citizen silent for more than 7 days gets nothing") {
  Harness h;
  Meeting later = SonLinhMeeting();
  later.start = At(12, 5, 8);  // the day-before reminder is 8 days away
  REQUIRE(h.meetings->ReplaceSchedule({later}, h.clock.Now()).ok());
  const Who who{"zalo", "z1"};
  h.Subscribe(who);
  h.clock.Set(At(12, 4, 8));
  CHECK(h.Run() == 1);
  CHECK(h.delivered.empty());
  CHECK(h.Job(who, ReminderKind::kDayBefore).status == ReminderJobStatus::kOutsideWindow);
  CHECK(h.Job(who, ReminderKind::kDayBefore).detail.find("zalo window of 168 h") == 0);
}

TEST_CASE("jobs of a channel that cannot message first end unsupported") {
  Harness h;
  const Who web{"web", "w1"};
  h.Attend(web);  // the web offers no reminders, but a change is still noticed
  REQUIRE(h.meetings->Subscribe("web", "w1", kSonLinh, h.clock.Now()).ok());
  Meeting moved = SonLinhMeeting();
  moved.start = At(11, 29, 14);
  REQUIRE(h.meetings->ReplaceSchedule({moved}, h.clock.Now()).ok());
  CHECK(h.Run() == 1);  // the notice of the move, due now
  CHECK(h.Job(web, ReminderKind::kMoved).status == ReminderJobStatus::kUnsupported);
  CHECK(h.Job(web, ReminderKind::kMoved).detail == "web cannot message a citizen first");
  h.clock.Set(At(11, 28, 8));
  CHECK(h.Run() == 1);
  CHECK(h.Job(web, ReminderKind::kDayBefore).status == ReminderJobStatus::kUnsupported);
  CHECK(h.delivered.empty());
}

TEST_CASE("a moved meeting tells those who said they would come the new time") {
  Harness h;
  const Who attendee{"zalo", "coming"};
  const Who subscriber{"zalo", "subscribed"};
  h.Attend(attendee);
  h.Subscribe(attendee);
  h.Subscribe(subscriber);
  h.clock.Advance(hours(1));

  Meeting moved = SonLinhMeeting();
  moved.start = At(11, 29, 14);  // Sunday afternoon
  moved.status = MeetingStatus::kMoved;
  auto changes = h.meetings->ReplaceSchedule({moved}, h.clock.Now());
  REQUIRE(changes.ok());
  REQUIRE(changes->size() == 1);
  CHECK(changes->front().what == ScheduleChange::What::kMoved);

  // The reminders of the old time are obsolete; new ones are planned.
  for (const ReminderJob& j : h.Jobs(attendee)) {
    if (ToUnixMillis(j.due) == ToUnixMillis(At(11, 27, 8)) ||
        ToUnixMillis(j.due) == ToUnixMillis(At(11, 28, 6))) {
      CHECK(j.status == ReminderJobStatus::kObsolete);
    }
  }
  CHECK(ToUnixMillis(h.Job(attendee, ReminderKind::kDayBefore).due) == ToUnixMillis(At(11, 28, 8)));
  CHECK(ToUnixMillis(h.Job(subscriber, ReminderKind::kMorningOf).due) ==
        ToUnixMillis(At(11, 29, 6)));

  CHECK(h.Run() == 1);  // only the notice: the subscriber did not say they would come
  REQUIRE(h.delivered.size() == 1);
  CHECK(h.delivered[0].user == "coming");
  const std::string& text = h.delivered[0].replies[0].text;
  CHECK(text == h.Expected("reminder_moved", At(11, 29, 14)));
  CHECK(text.find("nay tổ chức lúc Chủ Nhật, 29/11/2026, 14 giờ 00") != std::string::npos);

  // Nothing at the old times; the new reminders go to both.
  h.clock.Set(At(11, 27, 8));
  CHECK(h.Run() == 0);
  h.clock.Set(At(11, 28, 8));
  CHECK(h.Run() == 2);
  REQUIRE(h.delivered.size() == 3);
  CHECK(h.delivered[2].replies[0].text == h.Expected("reminder_day_before", At(11, 29, 14)));
}

TEST_CASE("a cancelled meeting sends a notice and no more reminders") {
  Harness h;
  const Who attendee{"messenger", "coming"};
  h.Attend(attendee);
  h.Subscribe(attendee);
  Meeting cancelled = SonLinhMeeting();
  cancelled.status = MeetingStatus::kCancelled;
  REQUIRE(h.meetings->ReplaceSchedule({cancelled}, h.clock.Now()).ok());
  CHECK(h.Run() == 1);
  REQUIRE(h.delivered.size() == 1);
  CHECK(h.delivered[0].replies[0].text == h.Expected("reminder_cancelled", At(11, 28, 8)));
  CHECK(h.Job(attendee, ReminderKind::kDayBefore).status == ReminderJobStatus::kObsolete);
  h.clock.Set(At(11, 28, 6));
  CHECK(h.Run() == 0);
  CHECK(h.delivered.size() == 1);
}

TEST_CASE("an upcoming meeting removed from the schedule is kept as cancelled and named in the notice") {
  Harness h;
  const Who attendee{"zalo", "coming"};
  h.Attend(attendee);
  auto changes = h.meetings->ReplaceSchedule({}, h.clock.Now());
  REQUIRE(changes.ok());
  REQUIRE(changes->size() == 1);
  CHECK(changes->front().what == ScheduleChange::What::kRemoved);
  auto kept = h.meetings->Get("sl-1");
  REQUIRE(kept.ok());
  REQUIRE(kept->has_value());
  CHECK((*kept)->status == MeetingStatus::kCancelled);

  CHECK(h.Run() == 1);
  REQUIRE(h.delivered.size() == 1);
  const std::string& text = h.delivered[0].replies[0].text;
  CHECK(text == h.Expected("reminder_cancelled", At(11, 28, 8)));
  CHECK(text.find(std::string(kTitle) + " ở xã Sơn Linh lúc Thứ Bảy, 28/11/2026, 8 giờ 00 đã hủy") !=
        std::string::npos);
  // The citizens see it cancelled in the list too.
  const auto list = h.Send(h.Message("lich hop son linh", "", attendee));
  CHECK(list[0].text.find("(ĐÃ HỦY)") != std::string::npos);
}

TEST_CASE("a reminder survives a restart") {
  Harness h;
  const Who who{"zalo", "z1"};
  h.Subscribe(who);
  h.Reopen();
  h.clock.Set(At(11, 27, 8));
  CHECK(h.Run() == 1);
  REQUIRE(h.delivered.size() == 1);
  CHECK(h.delivered[0].replies[0].text == h.Expected("reminder_day_before", At(11, 28, 8)));
  h.Reopen();
  CHECK(h.Run() == 0);  // sent before the restart: not again
}

TEST_CASE("a failing delivery leaves the job pending, and it is sent on the next run") {
  Harness h;
  const Who first{"zalo", "a"}, second{"zalo", "b"};
  h.Subscribe(first);
  h.Subscribe(second);
  h.clock.Set(At(11, 27, 8));
  h.deliver_fails = true;
  auto failed = h.RunStatus();
  CHECK(failed.status().code() == StatusCode::kUnavailable);
  CHECK(h.Job(first, ReminderKind::kDayBefore).status == ReminderJobStatus::kPending);
  CHECK(h.Job(second, ReminderKind::kDayBefore).status == ReminderJobStatus::kPending);
  CHECK(h.delivered.empty());

  h.deliver_fails = false;
  CHECK(h.Run() == 2);
  CHECK(h.delivered.size() == 2);
  CHECK(h.Job(first, ReminderKind::kDayBefore).status == ReminderJobStatus::kSent);
  CHECK(h.Run() == 0);
}

TEST_CASE("a run ends at most `limit` jobs, oldest first") {
  Harness h;
  const Who a{"zalo", "a"}, b{"zalo", "b"};
  h.Subscribe(a);
  h.Subscribe(b);
  h.clock.Set(At(11, 28, 6));
  CHECK(h.Run(1) == 1);
  REQUIRE(h.delivered.size() == 1);
  // The day-before reminders are older than the morning ones.
  CHECK(h.delivered[0].replies[0].text == h.Expected("reminder_day_before", At(11, 28, 8)));
  CHECK(h.Run(2) == 2);
  CHECK(h.Run() == 1);
  CHECK(h.delivered.size() == 4);
}

TEST_CASE("a reminder found only after the meeting started is not sent") {
  Harness h;
  const Who who{"zalo", "z1"};
  h.Subscribe(who);
  h.clock.Set(At(11, 28, 8));  // the scheduler did not run for two days
  CHECK(h.Run() == 2);
  CHECK(h.delivered.empty());
  CHECK(h.Job(who, ReminderKind::kDayBefore).status == ReminderJobStatus::kObsolete);
  CHECK(h.Job(who, ReminderKind::kDayBefore).detail == "meeting already started");
}

TEST_CASE("erasing a citizen's data ends their reminders") {
  Harness h;
  const Who who{"zalo", "z1"};
  h.Subscribe(who);
  REQUIRE(h.Send(h.Message("xóa thông tin của tôi", "", who))[0].text ==
          h.M().Get("privacy_confirm"));
  REQUIRE(h.Send(h.Message("", "PRIVACY:CONFIRM", who))[0].erase_user_data);
  CHECK(h.Jobs(who).empty());
  h.clock.Set(At(11, 27, 8));
  CHECK(h.Run() == 0);
  CHECK(h.delivered.empty());
}
