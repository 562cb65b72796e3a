#include "handlers/reminder_scheduler.h"

#include "storage/conversation_store.h"
#include "storage/meeting_store.h"
#include "storage/unit_of_work.h"

namespace bhxh {
namespace {

const char* MessageKeyFor(ReminderKind kind) {
  switch (kind) {
    case ReminderKind::kDayBefore: return "reminder_day_before";
    case ReminderKind::kMorningOf: return "reminder_morning_of";
    case ReminderKind::kMoved: return "reminder_moved";
    case ReminderKind::kCancelled: return "reminder_cancelled";
  }
  return "reminder_day_before";
}

}  // namespace

ReminderScheduler::ReminderScheduler(const LiveContent& content, MeetingStore& meetings,
                                     ConversationStore& conversations, UnitOfWork* unit,
                                     const Clock& clock,
                                     std::map<std::string, std::chrono::minutes> windows)
    : content_(content),
      meetings_(meetings),
      conversations_(conversations),
      unit_(unit),
      clock_(clock),
      windows_(std::move(windows)) {}

Result<size_t> ReminderScheduler::RunDue(const Deliver& deliver, size_t limit) {
  const auto now = clock_.Now();
  auto due = meetings_.DueJobs(now, limit);
  if (!due.ok()) return due.status();
  const auto snapshot = content_.Current();
  const Messages& m = *snapshot->messages;
  size_t ended = 0;
  for (const ReminderJob& job : *due) {
    ReminderJobStatus status = ReminderJobStatus::kSent;
    std::string detail;
    std::vector<Reply> replies;

    auto meeting = meetings_.Get(job.meeting_id);
    if (!meeting.ok()) return meeting.status();
    const auto window = windows_.find(job.channel);
    if (!meeting->has_value()) {
      status = ReminderJobStatus::kObsolete;
      detail = "meeting no longer in the schedule";
    } else if ((job.kind == ReminderKind::kDayBefore || job.kind == ReminderKind::kMorningOf) &&
               (meeting->value().status == MeetingStatus::kCancelled || meeting->value().start <= now)) {
      status = ReminderJobStatus::kObsolete;
      detail = meeting->value().start <= now ? "meeting already started" : "meeting cancelled";
    } else if (window == windows_.end()) {
      status = ReminderJobStatus::kUnsupported;
      detail = job.channel + " cannot message a citizen first";
    } else {
      auto conversation = conversations_.Load({job.channel, job.user});
      if (!conversation.ok()) return conversation.status();
      if (!conversation->has_value()) {
        status = ReminderJobStatus::kOutsideWindow;
        detail = "no message from the citizen on record";
      } else if (now - conversation->value().updated_at >= window->second) {
        status = ReminderJobStatus::kOutsideWindow;
        detail = job.channel + " window of " +
                 std::to_string(std::chrono::duration_cast<std::chrono::hours>(window->second).count()) +
                 " h since the citizen's last message has closed";
      } else {
        const Meeting& mt = meeting->value();
        const Commune* commune =
            snapshot->communes ? snapshot->communes->FindByCode(mt.commune_code) : nullptr;
        Reply r;
        r.text = m.Get(MessageKeyFor(job.kind),
                       {{"title", mt.title.empty() ? MeetingKindLabel(mt.kind) : mt.title},
                        {"when", FormatVietnameseDateTime(mt.start)},
                        {"venue", mt.venue},
                        {"commune", commune ? commune->name : mt.commune_code}});
        r.choices = {{m.Get("menu_meetings"), "MENU_MEETINGS"},
                     {m.Get("meet_choice_unsubscribe"), "MEET:UNSUB"}};
        replies.push_back(std::move(r));
      }
    }
    auto finish = [&]() -> Status {
      if (Status s = meetings_.FinishJob(job.id, status, detail, now); !s.ok()) return s;
      return replies.empty() ? Status::Ok() : deliver(job.channel, job.user, replies);
    };
    Status s = unit_ ? unit_->Run(finish) : finish();
    if (s.code() == StatusCode::kFailedPrecondition) continue;  // ended meanwhile by another run
    if (!s.ok()) return s;
    ++ended;
  }
  return ended;
}

}  // namespace bhxh
