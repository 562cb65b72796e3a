// Per-key token buckets (web chat: one bucket per session id).
//
// Each key starts with `burst` tokens; a message takes one; tokens refill at
// `per_minute / 60` per second up to `burst`. Time comes from the injected
// Clock, so tests move time instead of sleeping.
//
// Memory is bounded: at most `max_keys` buckets are kept. When a new key
// arrives and the table is full, the key seen least recently is forgotten.
// Forgetting a bucket that has refilled to full loses nothing; forgetting a
// partly empty one gives that key a fresh burst, which is the price of the
// bound (a client that invents session ids gets fresh buckets anyway).
//
// Thread-safe.
#ifndef BHXH_BOT_RATE_LIMITER_H_
#define BHXH_BOT_RATE_LIMITER_H_

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/clock.h"

namespace bhxh {

struct RateLimiterOptions {
  double per_minute = 20;  // refill rate; values <= 0 are treated as 1 per hour
  double burst = 10;       // bucket size; values < 1 are treated as 1
  size_t max_keys = 10000; // values < 1 are treated as 1
};

class RateLimiter {
 public:
  // `clock` must outlive the limiter.
  RateLimiter(RateLimiterOptions options, const Clock& clock);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes one token from `key`'s bucket. Returns true when a token was
  // available, false (taking nothing) when the key is over its rate.
  bool Allow(const std::string& key);

  // How long until `key` would be allowed again, rounded up to whole
  // seconds: 0 when a token is available now, otherwise at least 1.
  // Does not take a token, and does not create a bucket for an unknown key.
  std::chrono::seconds RetryAfter(const std::string& key) const;

  // Number of buckets currently kept (for tests and metrics).
  size_t key_count() const;

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::system_clock::time_point updated;
    std::list<std::string>::iterator lru_position;
  };

  // Tokens `b` holds at `now` (refilled, capped at burst), without storing.
  double TokensAt(const Bucket& b, std::chrono::system_clock::time_point now) const;

  const double seconds_per_token_;
  const double burst_;
  const size_t max_keys_;
  const Clock& clock_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
  std::list<std::string> lru_;  // most recently used first; guarded by mu_
};

}  // namespace bhxh

#endif  // BHXH_BOT_RATE_LIMITER_H_
