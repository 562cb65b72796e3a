#include "bot/channels/outbox_sender.h"

#include <pthread.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

namespace bhxh {
namespace {

std::string UserKey(const OutboxMessage& m) { return m.channel + '\x1f' + m.user; }

void LogSend(const OutboxMessage& m, const SendVerdict& v, const char* what) {
  // Row id, channel and reason only: never the user id or the text.
  nlohmann::json line = {{"event", what}, {"outbox_id", m.id}, {"channel", m.channel},
                         {"attempt", m.attempts + 1}, {"reason", v.reason}};
  if (!v.detail.empty()) line["detail"] = v.detail;
  std::cerr << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace

OutboxSender::OutboxSender(Outbox& outbox, const SendingConfig& config, const Clock& clock,
                           std::function<double()> random01)
    : outbox_(outbox), config_(config), clock_(clock), random01_(std::move(random01)) {
  if (!random01_) {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    auto mu = std::make_shared<std::mutex>();
    random01_ = [engine, mu] {
      std::lock_guard<std::mutex> lock(*mu);
      return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
    };
  }
}

OutboxSender::~OutboxSender() { Stop(); }

void OutboxSender::Register(const std::string& channel, PlatformSender* sender, double per_second) {
  channels_[channel] = Channel{sender, per_second, std::chrono::steady_clock::now()};
}

std::chrono::milliseconds OutboxSender::Backoff(int attempt) {
  // "Equal jitter": half of the exponential delay is fixed, half random, so
  // retries of many rows spread out but never come back immediately.
  const double exp = config_.base_backoff_ms * std::pow(2.0, std::max(0, attempt - 1));
  const double capped = std::min(config_.max_backoff_ms, exp);
  return std::chrono::milliseconds(static_cast<long long>(capped / 2 + random01_() * capped / 2));
}

OutboxSenderStats OutboxSender::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

bool OutboxSender::Deliver(const OutboxMessage& m) {
  auto it = channels_.find(m.channel);
  if (it == channels_.end() || it->second.sender == nullptr) {
    // A row for a channel that is not configured now: keep it for later.
    (void)outbox_.MarkRetry(m.id, clock_.Now() + std::chrono::minutes(5), "channel_disabled");
    return false;
  }
  Channel& ch = it->second;
  {
    // Pace the channel: reserve the next send slot, then wait for it.
    std::unique_lock<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    const auto slot = std::max(now, ch.next_slot);
    ch.next_slot = slot + std::chrono::microseconds(static_cast<long long>(1e6 / ch.per_second));
    lock.unlock();
    if (slot > now) std::this_thread::sleep_until(slot);
  }
  const SendVerdict v = ch.sender->Send(m);
  Status s;
  const char* what = "send_ok";
  switch (v.outcome) {
    case SendOutcome::kSent:
      s = outbox_.MarkSent(m.id, clock_.Now());
      break;
    case SendOutcome::kRetry:
    case SendOutcome::kRefreshToken:
      if (m.attempts + 1 >= config_.max_attempts) {
        what = "send_gave_up";
        s = outbox_.MarkFailed(m.id, "gave_up: " + v.reason + (v.detail.empty() ? "" : ": " + v.detail));
      } else {
        what = "send_retry";
        s = outbox_.MarkRetry(m.id, clock_.Now() + Backoff(m.attempts + 1),
                              v.reason + (v.detail.empty() ? "" : ": " + v.detail));
      }
      break;
    case SendOutcome::kPermanent:
      what = "send_failed";
      s = outbox_.MarkFailed(m.id, v.reason + (v.detail.empty() ? "" : ": " + v.detail));
      break;
  }
  if (v.outcome != SendOutcome::kSent) LogSend(m, v, what);
  if (!s.ok()) {
    std::cerr << nlohmann::json{{"event", "outbox_update_failed"}, {"outbox_id", m.id},
                                {"error", s.message()}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  }
  const bool retry = std::string(what) == "send_retry";
  std::lock_guard<std::mutex> lock(mu_);
  if (v.outcome == SendOutcome::kSent) {
    ++stats_.sent;
  } else if (retry) {
    ++stats_.retried;
  } else {
    ++stats_.failed;
  }
  return s.ok() && !retry;
}

size_t OutboxSender::RunOnce() {
  auto heads = outbox_.DueHeads(clock_.Now(), 1000);
  if (!heads.ok()) return 0;
  for (const auto& m : *heads) Deliver(m);
  return heads->size();
}

void OutboxSender::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  loop_ = std::thread([this] { Loop(); });
  for (int i = 0; i < std::max(1, config_.workers); ++i) workers_.emplace_back([this] { Worker(); });
}

void OutboxSender::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    running_ = false;
  }
  wake_cv_.notify_all();
  work_cv_.notify_all();
  pause_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
  workers_.clear();
  queue_.clear();
  in_flight_.clear();
}

void OutboxSender::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
    scan_requested_ = true;
  }
  wake_cv_.notify_all();
}

void OutboxSender::Notify(const std::string& channel, const std::string& user) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    notified_.emplace(channel, user);
    woken_ = true;
  }
  wake_cv_.notify_all();
}

void OutboxSender::Loop() {
  pthread_setname_np(pthread_self(), "outbox-loop");  // for top -H and perf
  // Two ways rows are found: a notified user's head (an index lookup), and
  // a scan of every due head, which is O(pending rows) and so runs only
  // when asked (start, Wake) or once a second for retries that came due.
  std::unique_lock<std::mutex> lock(mu_);
  auto next_scan = std::chrono::steady_clock::now();
  while (running_) {
    woken_ = false;
    const bool scan = scan_requested_ || std::chrono::steady_clock::now() >= next_scan;
    scan_requested_ = false;
    std::set<std::pair<std::string, std::string>> notified;
    notified.swap(notified_);
    finished_during_read_.clear();
    lock.unlock();
    std::vector<OutboxMessage> found;
    std::optional<std::chrono::system_clock::time_point> next_due;
    const auto now = clock_.Now();
    if (scan) {
      auto heads = outbox_.DueHeads(now, 256);
      if (heads.ok()) found = std::move(heads).value();
      auto next = outbox_.NextDue();
      if (next.ok()) next_due = *next;
    }
    for (const auto& [channel, user] : notified) {
      auto head = outbox_.DueHeadOf(channel, user, now);
      if (head.ok() && head->has_value()) found.push_back(std::move(**head));
    }
    lock.lock();
    size_t queued = 0;
    for (auto& m : found) {
      if (finished_during_read_.count(m.id)) continue;  // a stale read of a finished row
      if (in_flight_.insert(UserKey(m)).second) {
        queue_.push_back(std::move(m));
        ++queued;
      }
    }
    if (queued) work_cv_.notify_all();
    if (scan) {
      // Next scan in a second, or when the earliest retry comes due.
      auto wait = std::chrono::milliseconds(1000);
      if (next_due && *next_due > clock_.Now()) {
        wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(
                                  *next_due - clock_.Now() + std::chrono::milliseconds(1)));
      }
      next_scan = std::chrono::steady_clock::now() + wait;
    }
    if (!woken_) {
      wake_cv_.wait_until(lock, next_scan, [this] { return woken_ || !running_; });
    }
  }
}

void OutboxSender::Worker() {
  pthread_setname_np(pthread_self(), "outbox-sender");  // for top -H and perf
  // Below the webhook threads, like the event processor (see there).
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return !queue_.empty() || !running_; });
    if (!running_) return;
    OutboxMessage m = std::move(queue_.front());
    queue_.pop_front();
    const std::string key = UserKey(m);
    lock.unlock();
    // Keep serving this user while their next row is due: one index lookup
    // per row instead of a scan of the whole outbox.
    std::optional<OutboxMessage> current = std::move(m);
    long long last_id = 0;
    while (current && running_) {
      if (priority_) {
        const auto pause = priority_->BackgroundPause();
        if (pause.count() > 0) {
          std::unique_lock<std::mutex> paused(mu_);
          pause_cv_.wait_for(paused, pause, [this] { return !running_; });
          if (!running_) break;  // the row stays pending for the next start
        }
      }
      last_id = current->id;
      const bool done = Deliver(*current);
      {
        std::lock_guard<std::mutex> guard(mu_);
        finished_during_read_.insert(last_id);
      }
      if (!done) break;
      auto next = outbox_.DueHeadOf(current->channel, current->user, clock_.Now());
      if (!next.ok() || !next->has_value()) break;
      current = std::move(**next);
    }
    lock.lock();
    in_flight_.erase(key);
    woken_ = true;
    wake_cv_.notify_all();
  }
}

}  // namespace bhxh
