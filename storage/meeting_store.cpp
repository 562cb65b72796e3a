#include "storage/meeting_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/civil_date.h"
#include "storage/database.h"
#include "storage/sqlite_statement.h"
#include "storage/unix_millis.h"

namespace bhxh {

const char* ReminderKindName(ReminderKind kind) {
  switch (kind) {
    case ReminderKind::kDayBefore:
      return "day_before";
    case ReminderKind::kMorningOf:
      return "morning_of";
    case ReminderKind::kMoved:
      return "moved";
    case ReminderKind::kCancelled:
      return "cancelled";
  }
  return "day_before";
}

const char* ReminderJobStatusName(ReminderJobStatus status) {
  switch (status) {
    case ReminderJobStatus::kPending:
      return "pending";
    case ReminderJobStatus::kSent:
      return "sent";
    case ReminderJobStatus::kOutsideWindow:
      return "outside_window";
    case ReminderJobStatus::kUnsupported:
      return "unsupported";
    case ReminderJobStatus::kObsolete:
      return "obsolete";
  }
  return "pending";
}

namespace {

using std::chrono::system_clock;

// The stored names of meetings.kind and meetings.status. Kept here rather
// than taken from content/meeting_schedule.cpp so that what is on disk is
// fixed by storage alone: renaming a label there must not change the file.
const char* StoredKindName(MeetingKind kind) {
  switch (kind) {
    case MeetingKind::kPropaganda:
      return "hoi_nghi_tuyen_truyen";
    case MeetingKind::kCustomer:
      return "hoi_nghi_khach_hang";
    case MeetingKind::kSmallGroup:
      return "nhom_nho";
  }
  return "hoi_nghi_tuyen_truyen";
}

std::optional<MeetingKind> ParseStoredKind(const std::string& name) {
  for (MeetingKind k :
       {MeetingKind::kPropaganda, MeetingKind::kCustomer, MeetingKind::kSmallGroup}) {
    if (name == StoredKindName(k)) return k;
  }
  return std::nullopt;
}

const char* StoredStatusName(MeetingStatus status) {
  switch (status) {
    case MeetingStatus::kPlanned:
      return "planned";
    case MeetingStatus::kConfirmed:
      return "confirmed";
    case MeetingStatus::kMoved:
      return "moved";
    case MeetingStatus::kCancelled:
      return "cancelled";
  }
  return "planned";
}

std::optional<MeetingStatus> ParseStoredStatus(const std::string& name) {
  for (MeetingStatus s : {MeetingStatus::kPlanned, MeetingStatus::kConfirmed, MeetingStatus::kMoved,
                          MeetingStatus::kCancelled}) {
    if (name == StoredStatusName(s)) return s;
  }
  return std::nullopt;
}

std::optional<ReminderKind> ParseReminderKind(const std::string& name) {
  for (ReminderKind k : {ReminderKind::kDayBefore, ReminderKind::kMorningOf, ReminderKind::kMoved,
                         ReminderKind::kCancelled}) {
    if (name == ReminderKindName(k)) return k;
  }
  return std::nullopt;
}

std::optional<ReminderJobStatus> ParseJobStatus(const std::string& name) {
  for (ReminderJobStatus s :
       {ReminderJobStatus::kPending, ReminderJobStatus::kSent, ReminderJobStatus::kOutsideWindow,
        ReminderJobStatus::kUnsupported, ReminderJobStatus::kObsolete}) {
    if (name == ReminderJobStatusName(s)) return s;
  }
  return std::nullopt;
}

int64_t ClampLimit(size_t limit) {
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(static_cast<uint64_t>(limit) > kMax ? kMax : limit);
}

std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

// The columns ReadMeeting reads, in its order.
#define BHXH_MEETING_COLUMNS                                                                     \
  "id, commune_code, kind, title, starts_ms, venue, expected_guests, organiser, status, notes, " \
  "sample"

// Reads a row selected with BHXH_MEETING_COLUMNS. A kind or status this
// build does not know means the file was written by something else:
// Internal, rather than guessing.
Status ReadMeeting(const SqliteStatement& stmt, Meeting* out) {
  Meeting m;
  m.id = stmt.ColumnText(0);
  m.commune_code = stmt.ColumnText(1);
  const std::string kind = stmt.ColumnText(2);
  std::optional<MeetingKind> parsed_kind = ParseStoredKind(kind);
  if (!parsed_kind)
    return Internal("meeting " + Quoted(m.id) + " has unknown kind " + Quoted(kind));
  m.kind = *parsed_kind;
  m.title = stmt.ColumnText(3);
  m.start = FromUnixMillis(stmt.ColumnInt64(4));
  m.venue = stmt.ColumnText(5);
  m.expected_guests = static_cast<int>(stmt.ColumnInt64(6));
  m.organiser = stmt.ColumnText(7);
  const std::string status = stmt.ColumnText(8);
  std::optional<MeetingStatus> parsed_status = ParseStoredStatus(status);
  if (!parsed_status) {
    return Internal("meeting " + Quoted(m.id) + " has unknown status " + Quoted(status));
  }
  m.status = *parsed_status;
  m.notes = stmt.ColumnText(9);
  m.sample = stmt.ColumnInt64(10) != 0;
  *out = std::move(m);
  return Status::Ok();
}

// Runs a prepared SELECT of BHXH_MEETING_COLUMNS to the end.
Status ReadMeetings(SqliteStatement& stmt, std::vector<Meeting>* out) {
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    Meeting m;
    Status s = ReadMeeting(stmt, &m);
    if (!s.ok()) return s;
    out->push_back(std::move(m));
  }
}

#define BHXH_JOB_COLUMNS "id, meeting_id, channel, user_id, kind, due_ms, status, detail"

Status ReadJobs(SqliteStatement& stmt, std::vector<ReminderJob>* out) {
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    ReminderJob j;
    j.id = stmt.ColumnInt64(0);
    j.meeting_id = stmt.ColumnText(1);
    j.channel = stmt.ColumnText(2);
    j.user = stmt.ColumnText(3);
    const std::string kind = stmt.ColumnText(4);
    std::optional<ReminderKind> parsed_kind = ParseReminderKind(kind);
    if (!parsed_kind) {
      return Internal("reminder job " + std::to_string(j.id) + " has unknown kind " + Quoted(kind));
    }
    j.kind = *parsed_kind;
    j.due = FromUnixMillis(stmt.ColumnInt64(5));
    // The CHECK constraint holds status to the known names.
    j.status = ParseJobStatus(stmt.ColumnText(6)).value_or(ReminderJobStatus::kPending);
    j.detail = stmt.ColumnText(7);
    out->push_back(std::move(j));
  }
}

// Binds every column of `m` to ?1..?11 (BHXH_MEETING_COLUMNS order) and
// updated_ms to ?12.
void BindMeeting(SqliteStatement& stmt, const Meeting& m, system_clock::time_point now) {
  stmt.BindText(1, m.id);
  stmt.BindText(2, m.commune_code);
  stmt.BindText(3, StoredKindName(m.kind));
  stmt.BindText(4, m.title);
  stmt.BindInt64(5, ToUnixMillis(m.start));
  stmt.BindText(6, m.venue);
  stmt.BindInt64(7, m.expected_guests);
  stmt.BindText(8, m.organiser);
  stmt.BindText(9, StoredStatusName(m.status));
  stmt.BindText(10, m.notes);
  stmt.BindInt64(11, m.sample ? 1 : 0);
  stmt.BindInt64(12, ToUnixMillis(now));
}

// Equal as stored (the start at millisecond precision).
bool SameAsStored(const Meeting& a, const Meeting& b) {
  return a.id == b.id && a.commune_code == b.commune_code && a.kind == b.kind &&
         a.title == b.title && ToUnixMillis(a.start) == ToUnixMillis(b.start) &&
         a.venue == b.venue && a.expected_guests == b.expected_guests &&
         a.organiser == b.organiser && a.status == b.status && a.notes == b.notes &&
         a.sample == b.sample;
}

struct PlannedReminder {
  ReminderKind kind;
  system_clock::time_point due;
};

// The reminders of `m` still worth planning at `now` (see meeting_store.h):
// none for a cancelled meeting, none already past (due < now), none at or
// after the start.
std::vector<PlannedReminder> RemindersFor(const Meeting& m, system_clock::time_point now) {
  std::vector<PlannedReminder> planned;
  if (m.status == MeetingStatus::kCancelled) return planned;
  const CivilDate day = VietnamDateAt(m.start);
  const CivilDate before = CivilDate::FromDaysSinceEpoch(day.DaysSinceEpoch() - 1);
  const system_clock::time_point day_before = VietnamInstant(before, kDayBeforeHour, 0);
  const system_clock::time_point morning_of =
      std::min(VietnamInstant(day, kMorningOfHour, 0),
               system_clock::time_point(m.start - std::chrono::hours(1)));
  const int64_t now_ms = ToUnixMillis(now);
  const int64_t start_ms = ToUnixMillis(m.start);
  for (const PlannedReminder& r : {PlannedReminder{ReminderKind::kDayBefore, day_before},
                                   PlannedReminder{ReminderKind::kMorningOf, morning_of}}) {
    const int64_t due_ms = ToUnixMillis(r.due);
    if (due_ms < now_ms || due_ms >= start_ms) continue;
    planned.push_back(r);
  }
  return planned;
}

// Creates a pending job, idempotently. The UNIQUE key (meeting, user,
// kind, due) allows one row per reminder, so planning the same reminder
// again leaves an existing row alone -- a pending one stays, a sent one is
// not sent twice -- except an obsolete one, which is pending again: it was
// obsoleted by a move or an unsubscribe that has since been undone (moved
// back, subscribed again), and is wanted once more.
Status PlanJob(sqlite3* db, const std::string& meeting_id, const std::string& channel,
               const std::string& user, ReminderKind kind, system_clock::time_point due,
               system_clock::time_point now) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(
      db,
      "INSERT INTO reminder_jobs (meeting_id, channel, user_id, kind, due_ms, status, detail, "
      "created_ms) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', '', ?6) "
      "ON CONFLICT (meeting_id, channel, user_id, kind, due_ms) DO UPDATE SET "
      "status = 'pending', detail = '', created_ms = excluded.created_ms, done_ms = NULL "
      "WHERE status = 'obsolete'");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, meeting_id);
  stmt->BindText(2, channel);
  stmt->BindText(3, user);
  stmt->BindText(4, ReminderKindName(kind));
  stmt->BindInt64(5, ToUnixMillis(due));
  stmt->BindInt64(6, ToUnixMillis(now));
  return stmt->Run();
}

// Plans the reminders of `m` for every subscriber of its commune.
Status PlanForSubscribers(sqlite3* db, const Meeting& m, system_clock::time_point now) {
  const std::vector<PlannedReminder> reminders = RemindersFor(m, now);
  if (reminders.empty()) return Status::Ok();
  Result<SqliteStatement> subscribers = SqliteStatement::Prepare(
      db, "SELECT channel, user_id FROM reminder_subscriptions WHERE commune_code = ?1");
  if (!subscribers.ok()) return subscribers.status();
  subscribers->BindText(1, m.commune_code);
  for (;;) {
    Result<bool> row = subscribers->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    const std::string channel = subscribers->ColumnText(0);
    const std::string user = subscribers->ColumnText(1);
    for (const PlannedReminder& r : reminders) {
      Status s = PlanJob(db, m.id, channel, user, r.kind, r.due, now);
      if (!s.ok()) return s;
    }
  }
}

// One notice of `kind` due at `now` for each user with an RSVP for the
// meeting.
Status NotifyRsvps(sqlite3* db, const std::string& meeting_id, ReminderKind kind,
                   system_clock::time_point now) {
  Result<SqliteStatement> rsvps = SqliteStatement::Prepare(
      db, "SELECT channel, user_id FROM meeting_rsvps WHERE meeting_id = ?1");
  if (!rsvps.ok()) return rsvps.status();
  rsvps->BindText(1, meeting_id);
  for (;;) {
    Result<bool> row = rsvps->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    Status s = PlanJob(db, meeting_id, rsvps->ColumnText(0), rsvps->ColumnText(1), kind, now, now);
    if (!s.ok()) return s;
  }
}

// Ends the meeting's pending jobs as obsolete with `detail`: all of them,
// or (reminders_only) the day_before/morning_of ones, keeping change
// notices.
Status ObsoleteJobsOf(sqlite3* db, const std::string& meeting_id, bool reminders_only,
                      const std::string& detail, system_clock::time_point now) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(
      db,
      "UPDATE reminder_jobs SET status = 'obsolete', detail = ?2, done_ms = ?3 "
      "WHERE meeting_id = ?1 AND status = 'pending' "
      "AND (?4 = 0 OR kind IN ('day_before', 'morning_of'))");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, meeting_id);
  stmt->BindText(2, detail);
  stmt->BindInt64(3, ToUnixMillis(now));
  stmt->BindInt64(4, reminders_only ? 1 : 0);
  return stmt->Run();
}

// Checks what the schema cannot: ids present and unique, a commune.
Status ValidateSchedule(const std::vector<Meeting>& schedule) {
  std::set<std::string> ids;
  for (size_t i = 0; i < schedule.size(); ++i) {
    const Meeting& m = schedule[i];
    const std::string which =
        "meeting store: meeting " + std::to_string(i + 1) + " of the schedule";
    if (m.id.empty()) return InvalidArgument(which + " has no id");
    if (m.commune_code.empty()) return InvalidArgument(which + " (" + m.id + ") has no commune");
    if (!ids.insert(m.id).second) {
      return InvalidArgument(which + ": id " + Quoted(m.id) + " appears twice");
    }
  }
  return Status::Ok();
}

Status RequireUser(const std::string& channel, const std::string& user, const std::string& what) {
  if (channel.empty()) return InvalidArgument("meeting store: " + what + ": no channel");
  if (user.empty()) return InvalidArgument("meeting store: " + what + ": no user");
  return Status::Ok();
}

class SqliteMeetingStore final : public MeetingStore {
 public:
  explicit SqliteMeetingStore(Database& db) : db_(db) {}

  Result<std::vector<ScheduleChange>> ReplaceSchedule(const std::vector<Meeting>& schedule,
                                                      system_clock::time_point now) override {
    if (Status valid = ValidateSchedule(schedule); !valid.ok()) return valid;
    std::vector<ScheduleChange> changes;
    // One transaction: the meetings, the notices and the jobs change
    // together, so an import that fails half-way leaves the old schedule
    // and its jobs exactly as they were (and a retry does the same work).
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      std::map<std::string, Meeting> old;
      {
        Result<SqliteStatement> all =
            SqliteStatement::Prepare(db, "SELECT " BHXH_MEETING_COLUMNS " FROM meetings");
        if (!all.ok()) return all.status();
        std::vector<Meeting> rows;
        if (Status read = ReadMeetings(*all, &rows); !read.ok()) return read;
        for (Meeting& m : rows) old.emplace(m.id, std::move(m));
      }
      Result<SqliteStatement> insert = SqliteStatement::Prepare(
          db, "INSERT INTO meetings (" BHXH_MEETING_COLUMNS
              ", updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
      if (!insert.ok()) return insert.status();
      Result<SqliteStatement> update = SqliteStatement::Prepare(
          db,
          "UPDATE meetings SET commune_code = ?2, kind = ?3, title = ?4, starts_ms = ?5, "
          "venue = ?6, expected_guests = ?7, organiser = ?8, status = ?9, notes = ?10, "
          "sample = ?11, updated_ms = ?12 WHERE id = ?1");
      if (!update.ok()) return update.status();

      for (const Meeting& m : schedule) {
        const bool cancelled = m.status == MeetingStatus::kCancelled;
        auto found = old.find(m.id);
        if (found == old.end()) {
          insert->Reset();
          BindMeeting(*insert, m, now);
          if (Status run = insert->Run(); !run.ok()) return run;
          changes.push_back({m.id, ScheduleChange::What::kAdded, std::nullopt});
          if (Status plan = PlanForSubscribers(db, m, now); !plan.ok()) return plan;
          continue;
        }
        const Meeting before = std::move(found->second);
        old.erase(found);
        // Unchanged rows are not written: replaying a file touches nothing,
        // not even updated_ms.
        if (SameAsStored(before, m)) continue;
        update->Reset();
        BindMeeting(*update, m, now);
        if (Status run = update->Run(); !run.ok()) return run;

        const bool was_cancelled = before.status == MeetingStatus::kCancelled;
        const bool start_changed = ToUnixMillis(before.start) != ToUnixMillis(m.start);
        // Change notices only while they can matter: a meeting that took
        // place long ago and is corrected in the file tells no one.
        const bool before_upcoming = before.start > now;
        Status step;
        if (cancelled && !was_cancelled) {
          changes.push_back({m.id, ScheduleChange::What::kCancelled, std::nullopt});
          step = ObsoleteJobsOf(db, m.id, false, "meeting cancelled", now);
          if (step.ok() && before_upcoming) {
            step = NotifyRsvps(db, m.id, ReminderKind::kCancelled, now);
          }
        } else if (start_changed && !cancelled) {
          changes.push_back({m.id, ScheduleChange::What::kMoved, before.start});
          step = ObsoleteJobsOf(db, m.id, false, "meeting moved", now);
          if (step.ok() && (before_upcoming || m.start > now)) {
            step = NotifyRsvps(db, m.id, ReminderKind::kMoved, now);
          }
          if (step.ok()) step = PlanForSubscribers(db, m, now);
        } else {
          changes.push_back({m.id, ScheduleChange::What::kUpdated, std::nullopt});
          // A reinstated meeting (cancelled before, not now) has lost its
          // reminders; one in another commune has other subscribers. Both
          // are planned again; reminders of users still subscribed to the
          // meeting's commune come back as pending (PlanJob).
          if (!cancelled && (was_cancelled || before.commune_code != m.commune_code)) {
            step = ObsoleteJobsOf(db, m.id, true, "meeting changed commune", now);
            if (step.ok()) step = PlanForSubscribers(db, m, now);
          }
        }
        if (!step.ok()) return step;
      }

      // What is left in `old` is not in the new schedule (map order: by id).
      Result<SqliteStatement> remove =
          SqliteStatement::Prepare(db, "DELETE FROM meetings WHERE id = ?1");
      if (!remove.ok()) return remove.status();
      Result<SqliteStatement> cancel = SqliteStatement::Prepare(
          db, "UPDATE meetings SET status = 'cancelled', updated_ms = ?2 WHERE id = ?1");
      if (!cancel.ok()) return cancel.status();
      for (const auto& [id, before] : old) {
        changes.push_back({id, ScheduleChange::What::kRemoved, std::nullopt});
        Status step = ObsoleteJobsOf(db, id, false, "meeting removed from the schedule", now);
        // To the people who said they would come, a meeting gone from the
        // schedule is a cancelled one -- unless they were told already. The
        // row stays, cancelled, until it is past or the next import, so
        // the notice can name it and citizens see it was cancelled.
        // A sample meeting (the shipped demo schedule) was never real: it
        // goes without a notice when the office imports its own schedule.
        const bool tell = before.start > now && before.status != MeetingStatus::kCancelled &&
                          !before.sample;
        if (step.ok() && tell) step = NotifyRsvps(db, id, ReminderKind::kCancelled, now);
        if (!step.ok()) return step;
        SqliteStatement& change = tell ? *cancel : *remove;
        change.Reset();
        change.BindText(1, id);
        if (tell) change.BindInt64(2, ToUnixMillis(now));
        // A deleted meeting's RSVPs go with it (ON DELETE CASCADE); the jobs
        // stay, as the record of what was sent.
        if (Status run = change.Run(); !run.ok()) return run;
      }
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "meeting store: replace schedule");
    return changes;
  }

  Result<std::vector<Meeting>> Upcoming(const std::string& commune_code,
                                        system_clock::time_point from, size_t limit) override {
    std::vector<Meeting> meetings;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt =
          SqliteStatement::Prepare(db, "SELECT " BHXH_MEETING_COLUMNS
                                       " FROM meetings WHERE commune_code = ?1 AND starts_ms >= ?2 "
                                       "ORDER BY starts_ms, id LIMIT ?3");
      if (!stmt.ok()) return stmt.status();
      stmt->BindText(1, commune_code);
      stmt->BindInt64(2, ToUnixMillis(from));
      stmt->BindInt64(3, ClampLimit(limit));
      return ReadMeetings(*stmt, &meetings);
    });
    if (!s.ok()) return Annotate(s, "meeting store: upcoming");
    return meetings;
  }

  Result<std::vector<Meeting>> AllInCommune(const std::string& commune_code) override {
    std::vector<Meeting> meetings;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "SELECT " BHXH_MEETING_COLUMNS
              " FROM meetings WHERE commune_code = ?1 ORDER BY starts_ms, id");
      if (!stmt.ok()) return stmt.status();
      stmt->BindText(1, commune_code);
      return ReadMeetings(*stmt, &meetings);
    });
    if (!s.ok()) return Annotate(s, "meeting store: all in commune");
    return meetings;
  }

  Result<std::optional<Meeting>> Get(const std::string& meeting_id) override {
    std::vector<Meeting> meetings;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "SELECT " BHXH_MEETING_COLUMNS " FROM meetings WHERE id = ?1");
      if (!stmt.ok()) return stmt.status();
      stmt->BindText(1, meeting_id);
      return ReadMeetings(*stmt, &meetings);
    });
    if (!s.ok()) return Annotate(s, "meeting store: get");
    if (meetings.empty()) return std::optional<Meeting>();
    return std::optional<Meeting>(std::move(meetings.front()));
  }

  Result<bool> AddRsvp(const std::string& meeting_id, const std::string& channel,
                       const std::string& user, system_clock::time_point at) override {
    if (Status valid = RequireUser(channel, user, "rsvp"); !valid.ok()) return valid;
    bool added = false;
    // One transaction: the meeting cannot be removed between the check and
    // the insert.
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      Result<SqliteStatement> exists =
          SqliteStatement::Prepare(db, "SELECT 1 FROM meetings WHERE id = ?1");
      if (!exists.ok()) return exists.status();
      exists->BindText(1, meeting_id);
      Result<bool> row = exists->Step();
      if (!row.ok()) return row.status();
      if (!*row) return NotFound("meeting " + Quoted(meeting_id) + " not found");
      Result<SqliteStatement> insert = SqliteStatement::Prepare(
          db,
          "INSERT INTO meeting_rsvps (meeting_id, channel, user_id, at_ms) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (meeting_id, channel, user_id) DO NOTHING");
      if (!insert.ok()) return insert.status();
      insert->BindText(1, meeting_id);
      insert->BindText(2, channel);
      insert->BindText(3, user);
      insert->BindInt64(4, ToUnixMillis(at));
      if (Status run = insert->Run(); !run.ok()) return run;
      added = sqlite3_changes(db) == 1;
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "meeting store: rsvp");
    return added;
  }

  Result<size_t> RsvpCount(const std::string& meeting_id) override {
    size_t count = 0;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt =
          SqliteStatement::Prepare(db, "SELECT count(*) FROM meeting_rsvps WHERE meeting_id = ?1");
      if (!stmt.ok()) return stmt.status();
      stmt->BindText(1, meeting_id);
      Result<bool> row = stmt->Step();
      if (!row.ok()) return row.status();
      count = static_cast<size_t>(stmt->ColumnInt64(0));
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "meeting store: rsvp count");
    return count;
  }

  Result<bool> HasRsvp(const std::string& meeting_id, const std::string& channel,
                       const std::string& user) override {
    bool has = false;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db,
          "SELECT 1 FROM meeting_rsvps WHERE meeting_id = ?1 AND channel = ?2 AND user_id = ?3");
      if (!stmt.ok()) return stmt.status();
      stmt->BindText(1, meeting_id);
      stmt->BindText(2, channel);
      stmt->BindText(3, user);
      Result<bool> row = stmt->Step();
      if (!row.ok()) return row.status();
      has = *row;
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "meeting store: has rsvp");
    return has;
  }

  Result<bool> Subscribe(const std::string& channel, const std::string& user,
                         const std::string& commune_code, system_clock::time_point now) override {
    if (Status valid = RequireUser(channel, user, "subscribe"); !valid.ok()) return valid;
    if (commune_code.empty()) return InvalidArgument("meeting store: subscribe: no commune");
    bool added = false;
    // One transaction: the subscription and its jobs, or neither.
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      Result<SqliteStatement> insert = SqliteStatement::Prepare(
          db,
          "INSERT INTO reminder_subscriptions (channel, user_id, commune_code, at_ms) "
          "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (channel, user_id, commune_code) DO NOTHING");
      if (!insert.ok()) return insert.status();
      insert->BindText(1, channel);
      insert->BindText(2, user);
      insert->BindText(3, commune_code);
      insert->BindInt64(4, ToUnixMillis(now));
      if (Status run = insert->Run(); !run.ok()) return run;
      added = sqlite3_changes(db) == 1;
      // A repeated subscription changes nothing: its jobs were planned when
      // it was new, and the schedule imports have kept them up to date.
      if (!added) return Status::Ok();
      Result<SqliteStatement> meetings =
          SqliteStatement::Prepare(db, "SELECT " BHXH_MEETING_COLUMNS
                                       " FROM meetings WHERE commune_code = ?1 AND starts_ms > ?2 "
                                       "AND status <> 'cancelled' ORDER BY starts_ms, id");
      if (!meetings.ok()) return meetings.status();
      meetings->BindText(1, commune_code);
      meetings->BindInt64(2, ToUnixMillis(now));
      std::vector<Meeting> upcoming;
      if (Status read = ReadMeetings(*meetings, &upcoming); !read.ok()) return read;
      for (const Meeting& m : upcoming) {
        for (const PlannedReminder& r : RemindersFor(m, now)) {
          Status plan = PlanJob(db, m.id, channel, user, r.kind, r.due, now);
          if (!plan.ok()) return plan;
        }
      }
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "meeting store: subscribe");
    return added;
  }

  Result<size_t> Unsubscribe(const std::string& channel, const std::string& user,
                             system_clock::time_point now) override {
    size_t ended = 0;
    // One transaction: no job is left pending for a user who is no longer
    // subscribed.
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      Result<SqliteStatement> remove = SqliteStatement::Prepare(
          db, "DELETE FROM reminder_subscriptions WHERE channel = ?1 AND user_id = ?2");
      if (!remove.ok()) return remove.status();
      remove->BindText(1, channel);
      remove->BindText(2, user);
      if (Status run = remove->Run(); !run.ok()) return run;
      ended = static_cast<size_t>(sqlite3_changes(db));
      Result<SqliteStatement> obsolete = SqliteStatement::Prepare(
          db,
          "UPDATE reminder_jobs SET status = 'obsolete', detail = 'user unsubscribed', "
          "done_ms = ?3 WHERE channel = ?1 AND user_id = ?2 AND status = 'pending'");
      if (!obsolete.ok()) return obsolete.status();
      obsolete->BindText(1, channel);
      obsolete->BindText(2, user);
      obsolete->BindInt64(3, ToUnixMillis(now));
      return obsolete->Run();
    });
    if (!s.ok()) return Annotate(s, "meeting store: unsubscribe");
    return ended;
  }

  Result<std::vector<std::string>> Subscriptions(const std::string& channel,
                                                 const std::string& user) override {
    std::vector<std::string> communes;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db,
          "SELECT commune_code FROM reminder_subscriptions WHERE channel = ?1 AND user_id = ?2 "
          "ORDER BY commune_code");
      if (!stmt.ok()) return stmt.status();
      stmt->BindText(1, channel);
      stmt->BindText(2, user);
      for (;;) {
        Result<bool> row = stmt->Step();
        if (!row.ok()) return row.status();
        if (!*row) return Status::Ok();
        communes.push_back(stmt->ColumnText(0));
      }
    });
    if (!s.ok()) return Annotate(s, "meeting store: subscriptions");
    return communes;
  }

  Result<std::vector<ReminderJob>> DueJobs(system_clock::time_point now, size_t limit) override {
    std::vector<ReminderJob> jobs;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "SELECT " BHXH_JOB_COLUMNS
              " FROM reminder_jobs WHERE status = 'pending' AND due_ms <= ?1 "
              "ORDER BY due_ms, id LIMIT ?2");
      if (!stmt.ok()) return stmt.status();
      stmt->BindInt64(1, ToUnixMillis(now));
      stmt->BindInt64(2, ClampLimit(limit));
      return ReadJobs(*stmt, &jobs);
    });
    if (!s.ok()) return Annotate(s, "meeting store: due jobs");
    return jobs;
  }

  Status FinishJob(long long job_id, ReminderJobStatus status, const std::string& detail,
                   system_clock::time_point at) override {
    const std::string context = "meeting store: finish reminder job " + std::to_string(job_id);
    if (status == ReminderJobStatus::kPending) {
      return InvalidArgument(context + ": a job cannot finish as pending");
    }
    // One transaction, so that the reason given when nothing changed
    // matches the row the UPDATE saw.
    return db_.InTransaction([&](sqlite3* db) -> Status {
      Result<SqliteStatement> update = SqliteStatement::Prepare(
          db,
          "UPDATE reminder_jobs SET status = ?2, detail = ?3, done_ms = ?4 "
          "WHERE id = ?1 AND status = 'pending'");
      if (!update.ok()) return Annotate(update.status(), context);
      update->BindInt64(1, job_id);
      update->BindText(2, ReminderJobStatusName(status));
      update->BindText(3, detail);
      update->BindInt64(4, ToUnixMillis(at));
      if (Status run = update->Run(); !run.ok()) return Annotate(run, context);
      if (sqlite3_changes(db) == 1) return Status::Ok();
      Result<SqliteStatement> current =
          SqliteStatement::Prepare(db, "SELECT status FROM reminder_jobs WHERE id = ?1");
      if (!current.ok()) return Annotate(current.status(), context);
      current->BindInt64(1, job_id);
      Result<bool> row = current->Step();
      if (!row.ok()) return Annotate(row.status(), context);
      if (!*row) return NotFound(context + ": no such job");
      return FailedPrecondition(context + ": it is " + current->ColumnText(0) + ", not pending");
    });
  }

  Result<std::vector<ReminderJob>> JobsOf(const std::string& channel,
                                          const std::string& user) override {
    std::vector<ReminderJob> jobs;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "SELECT " BHXH_JOB_COLUMNS
              " FROM reminder_jobs WHERE channel = ?1 AND user_id = ?2 ORDER BY id");
      if (!stmt.ok()) return stmt.status();
      stmt->BindText(1, channel);
      stmt->BindText(2, user);
      return ReadJobs(*stmt, &jobs);
    });
    if (!s.ok()) return Annotate(s, "meeting store: jobs of user");
    return jobs;
  }

  Result<size_t> DeleteUser(const std::string& channel, const std::string& user) override {
    size_t deleted = 0;
    // One transaction: the user's data goes entirely or not at all.
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      for (const char* sql : {
               "DELETE FROM meeting_rsvps WHERE channel = ?1 AND user_id = ?2",
               "DELETE FROM reminder_subscriptions WHERE channel = ?1 AND user_id = ?2",
               "DELETE FROM reminder_jobs WHERE channel = ?1 AND user_id = ?2",
           }) {
        Result<SqliteStatement> stmt = SqliteStatement::Prepare(db, sql);
        if (!stmt.ok()) return stmt.status();
        stmt->BindText(1, channel);
        stmt->BindText(2, user);
        if (Status run = stmt->Run(); !run.ok()) return run;
        deleted += static_cast<size_t>(sqlite3_changes(db));
      }
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "meeting store: delete user");
    return deleted;
  }

 private:
  Database& db_;
};

#undef BHXH_MEETING_COLUMNS
#undef BHXH_JOB_COLUMNS

}  // namespace

std::unique_ptr<MeetingStore> NewSqliteMeetingStore(Database& db) {
  return std::make_unique<SqliteMeetingStore>(db);
}

}  // namespace bhxh
