#include "bot/channels/event_processor.h"

#include <pthread.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

#include "bot/channels/reply_render.h"

namespace bhxh {
namespace {

std::string UserKey(const ChannelEvent& e) { return e.channel + '\x1f' + e.user; }

void LogEvent(const ChannelEvent& e, const char* what, const std::string& error = "") {
  // Event id, channel and type only: never the user id or the text.
  nlohmann::json line = {{"event", what}, {"inbox_id", e.id}, {"channel", e.channel},
                         {"type", e.raw_type}};
  if (!error.empty()) line["error"] = error;
  std::cerr << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace

EventProcessor::EventProcessor(EventProcessorDeps deps, int workers,
                               std::chrono::minutes human_pause, size_t max_queued)
    : deps_(deps),
      workers_count_(std::max(1, workers)),
      human_pause_(human_pause),
      max_queued_(std::max<size_t>(1, max_queued)) {}

EventProcessor::~EventProcessor() { Stop(); }

void EventProcessor::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  for (int i = 0; i < workers_count_; ++i) workers_.emplace_back([this] { Worker(); });
}

void EventProcessor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    running_ = false;
  }
  work_cv_.notify_all();
  pause_cv_.notify_all();
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
  workers_.clear();
}

void EventProcessor::Submit(ChannelEvent event) noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  if (!overflow_ && outstanding_ < max_queued_) {
    try {
      Queue(std::move(event));
      return;
    } catch (...) {
      // Out of memory: left in the inbox, below.
    }
  }
  LeaveInInboxLocked(event.id);
}

void EventProcessor::LeaveInInbox(long long id) noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  LeaveInInboxLocked(id);
}

void EventProcessor::LeaveInInboxLocked(long long id) {
  // A refill reads it back after the events before it, and every event
  // submitted after it goes the same way until the read-back has caught up,
  // so each user's events keep their order.
  if (!overflow_) {
    overflow_ = true;
    refill_after_ = id - 1;
  }
  max_dropped_ = std::max(max_dropped_, id);
  // An idle worker must learn of a read-back it can do now (a short queue).
  // Not on every event left while the queue is full: under a flood that is
  // thousands of wake-ups a second for workers with nothing to do yet.
  if (RefillDue()) work_cv_.notify_one();
}

void EventProcessor::Queue(ChannelEvent event) {
  // Either the event is queued, or (out of memory) nothing a worker would
  // see has changed: Submit then leaves it in the inbox, and it must not be
  // handled twice. Empty map entries left behind are harmless.
  const std::string key = UserKey(event);
  std::deque<ChannelEvent>& queue = per_user_[key];
  const bool wake = !busy_[key] && queue.empty();
  if (wake) ready_.push_back(key);
  try {
    queue.push_back(std::move(event));
  } catch (...) {
    if (wake) ready_.pop_back();
    throw;
  }
  ++outstanding_;
  if (wake) work_cv_.notify_one();
}

bool EventProcessor::RefillDue() const {
  return overflow_ && !refilling_ && outstanding_ <= max_queued_ / 2;
}

void EventProcessor::Refill(std::unique_lock<std::mutex>& lock) {
  refilling_ = true;
  const long long after = refill_after_;
  // Every event up to this id was committed before the read below starts,
  // so a short page means all of them were read (or are gone: erased users).
  const long long dropped_before_read = max_dropped_;
  const size_t page = std::min<size_t>(1000, max_queued_ - outstanding_);
  lock.unlock();
  auto events = deps_.inbox.Pending(page, after);
  lock.lock();
  refilling_ = false;
  if (!events.ok()) {
    const nlohmann::json line = {{"event", "inbox_refill_failed"},
                                 {"error", events.status().message()}};
    std::cerr << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    // Try again shortly rather than spin on a failing database.
    pause_cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return !running_; });
    return;
  }
  for (ChannelEvent& e : *events) {
    refill_after_ = e.id;
    Queue(std::move(e));
  }
  if (events->size() < page) {
    refill_after_ = std::max(refill_after_, dropped_before_read);
    if (max_dropped_ <= refill_after_) overflow_ = false;
  }
  if (outstanding_ == 0 && !overflow_) idle_cv_.notify_all();
  if (RefillDue()) work_cv_.notify_one();
}

Result<size_t> EventProcessor::Recover() {
  // Page through the pending events with an id cursor: workers may already
  // be marking the first ones done while later pages are read.
  size_t total = 0;
  long long after = 0;
  constexpr size_t kPage = 1000;
  while (true) {
    auto pending = deps_.inbox.Pending(kPage, after);
    if (!pending.ok()) return pending.status();
    for (const auto& e : *pending) {
      Submit(e);
      after = e.id;
    }
    total += pending->size();
    if (pending->size() < kPage) break;
  }
  return total;
}

void EventProcessor::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return outstanding_ == 0 && !overflow_; });
}

void EventProcessor::Worker() {
  pthread_setname_np(pthread_self(), "event-worker");  // for top -H and perf
  // Acknowledging webhooks within the platforms' deadlines comes first;
  // replies may lag under a burst (and catch up after it: the events are
  // committed). Linux applies nice per thread. 19 rather than SCHED_IDLE,
  // which would stop replies altogether while anything else on the machine
  // keeps the CPU busy. The CPU is not all they share with intake (the
  // database writer, the disk): deps_.priority paces them during a flood.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return !ready_.empty() || !running_ || RefillDue(); });
    if (!running_) return;
    if (ready_.empty()) {
      Refill(lock);
      continue;
    }
    const std::string key = ready_.front();
    ready_.pop_front();
    busy_[key] = true;
    while (running_ && !per_user_[key].empty()) {
      if (deps_.priority) {
        lock.unlock();
        const auto pause = deps_.priority->BackgroundPause();
        lock.lock();
        if (pause.count() > 0) pause_cv_.wait_for(lock, pause, [this] { return !running_; });
        if (!running_) break;
      }
      ChannelEvent e = per_user_[key].front();
      lock.unlock();
      Status s = Process(e);
      // A storage failure leaves the event pending: try again shortly, then
      // leave it for the next start rather than block this user forever.
      for (int attempt = 1; !s.ok() && attempt <= 3; ++attempt) {
        LogEvent(e, "event_failed", s.message());
        std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
        s = Process(e);
      }
      lock.lock();
      per_user_[key].pop_front();
      --outstanding_;
      if (RefillDue()) work_cv_.notify_one();
    }
    busy_[key] = false;
    if (per_user_[key].empty()) {
      per_user_.erase(key);
      busy_.erase(key);
    } else {
      ready_.push_back(key);  // stopped while events remained: they stay pending in the inbox
    }
    if (outstanding_ == 0 && !overflow_) idle_cv_.notify_all();
  }
}

Status EventProcessor::Process(const ChannelEvent& e) {
  const auto now = deps_.clock.Now();
  auto mark_done = [&]() -> Status {
    Status s = deps_.inbox.MarkDone(e.id, now);
    // An erasure handled just before ("xóa thông tin của tôi", a Zalo
    // withdraw) deletes all the user's inbox rows, also events of theirs
    // already queued here. Such a message came after the erasure: answer it
    // like any other rather than fail its turn (and drop it after retries).
    if (s.code() == StatusCode::kNotFound) return Status::Ok();
    return s;
  };
  switch (e.kind) {
    case ChannelEventKind::kEcho:
    case ChannelEventKind::kUnfollow:
    case ChannelEventKind::kStandby:
      // Stored for the record; no reply.
      return deps_.unit.Run(mark_done);
    case ChannelEventKind::kHumanReply:
      // A staff member answered from the Page Inbox / OA chat: the bot keeps
      // quiet for this user for a while.
      return deps_.unit.Run([&]() -> Status {
        if (Status s = deps_.channel_state.PauseUser(e.channel, e.user, now + human_pause_,
                                                     "staff replied");
            !s.ok()) {
          return s;
        }
        return mark_done();
      });
    case ChannelEventKind::kThreadReturned:
      // Staff marked the conversation done in the Page Inbox: the bot
      // answers this user again.
      return deps_.unit.Run([&]() -> Status {
        if (Status s = deps_.engine.ReleaseToBot(e.channel, e.user); !s.ok()) return s;
        if (Status s = deps_.channel_state.ResumeUser(e.channel, e.user); !s.ok()) return s;
        return mark_done();
      });
    case ChannelEventKind::kWithdraw:
      // The user asked the platform to delete their data.
      return deps_.unit.Run([&]() -> Status {
        if (Status s = deps_.engine.EraseUser(e.channel, e.user); !s.ok()) return s;
        if (auto r = deps_.outbox.DeleteUser(e.channel, e.user); !r.ok()) return r.status();
        if (Status s = deps_.channel_state.ResumeUser(e.channel, e.user); !s.ok()) return s;
        if (auto r = deps_.inbox.DeleteUser(e.channel, e.user); !r.ok()) return r.status();
        return Status::Ok();
      });
    default:
      break;
  }

  Inbound in;
  in.channel = e.channel;
  in.user = e.user;
  in.at = now;
  switch (e.kind) {
    case ChannelEventKind::kText: in.text = e.text; break;
    case ChannelEventKind::kPayload: in.payload = e.payload; break;
    case ChannelEventKind::kMedia: in.payload = "MEDIA"; break;
    case ChannelEventKind::kFollow: in.payload = "GET_STARTED"; break;
    case ChannelEventKind::kUserInfo: {
      // The fields the citizen shared through Zalo's form (JSON, see
      // webhook_parse.h).
      in.payload = "USER_INFO";
      const nlohmann::json info = nlohmann::json::parse(e.text, nullptr, false);
      if (info.is_object()) {
        in.shared_name = info.value("name", "");
        in.shared_phone = info.value("phone", "");
      }
      break;
    }
    default: return deps_.unit.Run(mark_done);
  }
  if (in.text.empty() && in.payload.empty()) return deps_.unit.Run(mark_done);

  // Staff are handling this user: the bot stays silent, except for a
  // request to erase one's data.
  auto paused = deps_.channel_state.PausedUntil(e.channel, e.user, now);
  if (!paused.ok()) return paused.status();
  if (paused->has_value()) {
    auto allowed = deps_.engine.AllowedWhilePaused(in);
    if (!allowed.ok()) return allowed.status();
    if (!*allowed) return deps_.unit.Run(mark_done);
  }

  auto replies = deps_.engine.Handle(in, [&](const std::vector<Reply>& out) -> std::function<Status()> {
    const bool erase = std::any_of(out.begin(), out.end(), [](const Reply& r) { return r.erase_user_data; });
    // Rendered here, on this worker, before the turn's transaction.
    OutboxRenderOptions render = deps_.render;
    render.wording = WordingFrom(*deps_.engine.content().Current()->messages);
    auto rows = OutboxRowsFor(e.channel, e.user, e.id, out, now, render);
    return [&, erase, rows = std::move(rows)]() -> Status {
      if (Status s = mark_done(); !s.ok()) return s;
      if (erase) {
        // "Xóa thông tin của tôi": the engine erased its data; the channel's
        // copies (events with the citizen's words, unsent replies) go too.
        if (auto r = deps_.inbox.DeleteUser(e.channel, e.user); !r.ok()) return r.status();
        if (auto r = deps_.outbox.DeleteUser(e.channel, e.user); !r.ok()) return r.status();
      }
      if (rows.empty()) return Status::Ok();
      auto ids = deps_.outbox.Enqueue(rows);
      return ids.ok() ? Status::Ok() : ids.status();
    };
  });
  if (!replies.ok()) return replies.status();
  if (deps_.sender) deps_.sender->Notify(e.channel, e.user);
  return Status::Ok();
}

}  // namespace bhxh
