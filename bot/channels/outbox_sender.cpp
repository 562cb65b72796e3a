#include "bot/channels/outbox_sender.h"

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

void OutboxSender::Deliver(const OutboxMessage& m) {
  auto it = channels_.find(m.channel);
  if (it == channels_.end() || it->second.sender == nullptr) {
    // A row for a channel that is not configured now: keep it for later.
    (void)outbox_.MarkRetry(m.id, clock_.Now() + std::chrono::minutes(5), "channel_disabled");
    return;
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
  std::lock_guard<std::mutex> lock(mu_);
  if (v.outcome == SendOutcome::kSent) {
    ++stats_.sent;
  } else if (std::string(what) == "send_retry") {
    ++stats_.retried;
  } else {
    ++stats_.failed;
  }
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
  }
  wake_cv_.notify_all();
}

void OutboxSender::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (running_) {
    woken_ = false;
    finished_during_read_.clear();
    lock.unlock();
    auto heads = outbox_.DueHeads(clock_.Now(), 256);
    auto next = outbox_.NextDue();
    lock.lock();
    size_t queued = 0;
    if (heads.ok()) {
      for (auto& m : *heads) {
        if (finished_during_read_.count(m.id)) continue;  // a stale read of a finished row
        if (in_flight_.insert(UserKey(m)).second) {
          queue_.push_back(std::move(m));
          ++queued;
        }
      }
    }
    if (queued) work_cv_.notify_all();
    // Sleep until the next row is due, new rows arrive, or a send finishes
    // (which may free a user's next row); at most one second.
    auto wait = std::chrono::milliseconds(1000);
    if (next.ok() && next->has_value()) {
      const auto until = **next - clock_.Now();
      wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(until),
                        std::chrono::milliseconds(1), wait);
    }
    // Due rows that are all in flight already: nothing to do until a send
    // finishes (which wakes us) -- do not poll the database every millisecond.
    if (queued == 0 && heads.ok() && !heads->empty()) {
      wait = std::max(wait, std::chrono::milliseconds(50));
    }
    if (queued == 0 || !in_flight_.empty()) {
      wake_cv_.wait_for(lock, wait, [this] { return woken_ || !running_; });
    }
  }
}

void OutboxSender::Worker() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return !queue_.empty() || !running_; });
    if (!running_) return;
    OutboxMessage m = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Deliver(m);
    lock.lock();
    in_flight_.erase(UserKey(m));
    finished_during_read_.insert(m.id);
    woken_ = true;
    wake_cv_.notify_all();
  }
}

}  // namespace bhxh
