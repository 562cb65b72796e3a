#include "bot/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace bhxh {

namespace {

double SecondsPerToken(double per_minute) {
  // A zero or negative rate would mean "never again"; a slow refill keeps
  // RetryAfter finite and the arithmetic free of division by zero.
  if (!(per_minute > 0)) return 3600.0;
  // Seconds per token rather than tokens per second: 20/min gives exactly 3 s,
  // so whole-second waits stay whole after the floating-point arithmetic.
  return 60.0 / per_minute;
}

}  // namespace

RateLimiter::RateLimiter(RateLimiterOptions options, const Clock& clock)
    : seconds_per_token_(SecondsPerToken(options.per_minute)),
      burst_(options.burst >= 1 ? options.burst : 1),
      max_keys_(options.max_keys >= 1 ? options.max_keys : 1),
      clock_(clock) {}

double RateLimiter::TokensAt(const Bucket& b, std::chrono::system_clock::time_point now) const {
  // A wall clock may step backwards (NTP); never refill a negative amount.
  const double elapsed =
      std::max(0.0, std::chrono::duration<double>(now - b.updated).count());
  return std::min(burst_, b.tokens + elapsed / seconds_per_token_);
}

bool RateLimiter::Allow(const std::string& key) {
  const auto now = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      buckets_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    Bucket fresh;
    fresh.tokens = burst_;
    fresh.updated = now;
    fresh.lru_position = lru_.begin();
    it = buckets_.emplace(key, fresh).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru_position);
    it->second.tokens = TokensAt(it->second, now);
    it->second.updated = std::max(now, it->second.updated);
  }
  Bucket& b = it->second;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  return false;
}

std::chrono::seconds RateLimiter::RetryAfter(const std::string& key) const {
  const auto now = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return std::chrono::seconds(0);
  const double tokens = TokensAt(it->second, now);
  if (tokens >= 1.0) return std::chrono::seconds(0);
  const double wait = (1.0 - tokens) * seconds_per_token_;
  // The epsilon keeps an exact 3.0000000001 from becoming 4 s.
  return std::chrono::seconds(
      std::max<long long>(1, static_cast<long long>(std::ceil(wait - 1e-6))));
}

size_t RateLimiter::key_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

}  // namespace bhxh
