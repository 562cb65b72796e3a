// The meeting schedule, "I will attend" answers, reminder opt-ins and the
// persisted reminder jobs (tables meetings, meeting_rsvps,
// reminder_subscriptions, reminder_jobs; docs/schema.md).
//
// Reminder jobs are rows written ahead of time, so reminders survive
// restarts: for every subscriber of a commune, each upcoming meeting there
// that is not cancelled gets a 'day_before' job (the day before at
// kDayBeforeHour) and a 'morning_of' job (at kMorningOfHour on the day, or
// one hour before the start when that is earlier). Jobs are (re)planned
// when a user subscribes, when the schedule is imported, and for a meeting
// that moves. A job whose time has already passed when it is planned is
// not created, nor one that would come at or after the start. Every job
// ends in a recorded status (never silently dropped): sent, outside_window,
// unsupported, obsolete. One row per (meeting, user, kind, due): planning a
// reminder that exists leaves it alone, except that an obsolete one is
// pending again (the move or opt-out that obsoleted it was undone).
#ifndef BHXH_STORAGE_MEETING_STORE_H_
#define BHXH_STORAGE_MEETING_STORE_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "content/meeting_schedule.h"

namespace bhxh {

class Database;

inline constexpr int kDayBeforeHour = 8;   // Vietnam time, the day before
inline constexpr int kMorningOfHour = 6;   // Vietnam time, the day itself

enum class ReminderKind { kDayBefore, kMorningOf, kMoved, kCancelled };
enum class ReminderJobStatus { kPending, kSent, kOutsideWindow, kUnsupported, kObsolete };
const char* ReminderKindName(ReminderKind kind);             // "day_before" ...
const char* ReminderJobStatusName(ReminderJobStatus status);  // "pending" ...

struct ReminderJob {
  long long id = 0;
  std::string meeting_id;
  std::string channel;
  std::string user;
  ReminderKind kind = ReminderKind::kDayBefore;
  std::chrono::system_clock::time_point due;
  ReminderJobStatus status = ReminderJobStatus::kPending;
  std::string detail;  // why it ended as it did ("messenger 24 h window closed")
};

// What an import changed, for notices to the people who said they would come.
struct ScheduleChange {
  std::string meeting_id;
  enum class What { kAdded, kMoved, kCancelled, kUpdated, kRemoved } what = What::kAdded;
  std::optional<std::chrono::system_clock::time_point> old_start;  // kMoved
};

struct MeetingSubscriber {
  std::string channel;
  std::string user;
};

// Implementations are thread-safe; every method is one transaction (or
// joins the caller's unit of work).
class MeetingStore {
 public:
  virtual ~MeetingStore() = default;

  // Replaces the whole schedule with `schedule` (all or nothing) and
  // returns what changed, compared by id: a meeting whose start changed is
  // kMoved (also when the file still says "planned"), one whose status
  // became cancelled is kCancelled, one absent from the new schedule is
  // kRemoved (deleted with its RSVPs; one still upcoming and not cancelled
  // is kept as a cancelled row instead, so that its notices can name it and
  // citizens see it was cancelled; the next import deletes it). For moved, cancelled and removed
  // meetings every pending job becomes obsolete, and each user with an
  // RSVP gets one job of kind kMoved / kCancelled due at `now`. Jobs for
  // subscribers are then planned for new and moved meetings (see above).
  // Details: a meeting both cancelled and moved is kCancelled only; other
  // differences are kUpdated (a reinstated meeting, or one in another
  // commune, also gets its reminders planned again); a removed meeting's
  // RSVPs get a kCancelled notice unless it was already cancelled; no
  // notice is created for a meeting that had already started (and, for a
  // move, whose new start is past too). Unchanged meetings are not written.
  // Changes come in schedule order, then the removed ones by id.
  // InvalidArgument (nothing changed) for a meeting without id or commune
  // or an id given twice; any other failure also changes nothing.
  virtual Result<std::vector<ScheduleChange>> ReplaceSchedule(
      const std::vector<Meeting>& schedule, std::chrono::system_clock::time_point now) = 0;

  // Meetings in one commune starting at or after `from`, by start time,
  // cancelled ones included (the citizen should learn it was cancelled),
  // at most `limit`.
  virtual Result<std::vector<Meeting>> Upcoming(const std::string& commune_code,
                                                std::chrono::system_clock::time_point from,
                                                size_t limit) = 0;
  // Every meeting of a commune (for the calendar feed), by start time.
  virtual Result<std::vector<Meeting>> AllInCommune(const std::string& commune_code) = 0;
  virtual Result<std::optional<Meeting>> Get(const std::string& meeting_id) = 0;

  // Records "I will attend". Returns true if new, false if the user had
  // already said so. NotFound for an unknown meeting; InvalidArgument for
  // an empty channel or user. Plans no reminder (those follow Subscribe).
  virtual Result<bool> AddRsvp(const std::string& meeting_id, const std::string& channel,
                               const std::string& user, std::chrono::system_clock::time_point at) = 0;
  virtual Result<size_t> RsvpCount(const std::string& meeting_id) = 0;
  virtual Result<bool> HasRsvp(const std::string& meeting_id, const std::string& channel,
                               const std::string& user) = 0;

  // Opt in to reminders of a commune's meetings and plan the jobs of its
  // upcoming meetings. Returns true if new; a repeated subscription
  // changes nothing. InvalidArgument for an empty channel, user or commune.
  virtual Result<bool> Subscribe(const std::string& channel, const std::string& user,
                                 const std::string& commune_code,
                                 std::chrono::system_clock::time_point now) = 0;
  // Opts out of every commune; the user's pending jobs become obsolete
  // (change notices for RSVPs included; notices of later changes are still
  // created for the user's RSVPs). Returns how many subscriptions ended.
  virtual Result<size_t> Unsubscribe(const std::string& channel, const std::string& user,
                                     std::chrono::system_clock::time_point now) = 0;
  // The communes a user is subscribed to (codes, sorted).
  virtual Result<std::vector<std::string>> Subscriptions(const std::string& channel,
                                                         const std::string& user) = 0;

  // Pending jobs due at `now` (due <= now), oldest first, at most `limit`.
  // A notice may name a meeting that is no longer stored (removed from
  // the schedule): Get then returns nullopt.
  virtual Result<std::vector<ReminderJob>> DueJobs(std::chrono::system_clock::time_point now,
                                                   size_t limit) = 0;
  // Ends a pending job with `status` and `detail`. FailedPrecondition if it
  // is not pending (the caller then sends nothing); NotFound for an
  // unknown id; InvalidArgument for status kPending.
  virtual Status FinishJob(long long job_id, ReminderJobStatus status, const std::string& detail,
                           std::chrono::system_clock::time_point at) = 0;
  // Jobs of one user (tests, the staff page), by id.
  virtual Result<std::vector<ReminderJob>> JobsOf(const std::string& channel,
                                                  const std::string& user) = 0;

  // Privacy: deletes the user's RSVPs, subscriptions and reminder jobs;
  // returns how many rows.
  virtual Result<size_t> DeleteUser(const std::string& channel, const std::string& user) = 0;
};

std::unique_ptr<MeetingStore> NewSqliteMeetingStore(Database& db);

}  // namespace bhxh

#endif  // BHXH_STORAGE_MEETING_STORE_H_
