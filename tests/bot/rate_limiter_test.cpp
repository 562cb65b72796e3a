#include "bot/rate_limiter.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"

namespace bhxh {
namespace {

using std::chrono::seconds;

std::chrono::system_clock::time_point Start() {
  return std::chrono::system_clock::time_point(seconds(1'800'000'000));
}

// Takes tokens until refused; returns how many were granted (at most `cap`).
int Drain(RateLimiter& limiter, const std::string& key, int cap = 1000) {
  int granted = 0;
  while (granted < cap && limiter.Allow(key)) ++granted;
  return granted;
}

TEST_CASE("a new key may send a full burst and is then refused", "[rate_limiter]") {
  FakeClock clock(Start());
  RateLimiter limiter({/*per_minute=*/20, /*burst=*/10, /*max_keys=*/100}, clock);
  CHECK(Drain(limiter, "a") == 10);
  CHECK_FALSE(limiter.Allow("a"));
}

TEST_CASE("keys have separate buckets", "[rate_limiter]") {
  FakeClock clock(Start());
  RateLimiter limiter({20, 3, 100}, clock);
  CHECK(Drain(limiter, "a") == 3);
  CHECK(Drain(limiter, "b") == 3);
  CHECK(limiter.key_count() == 2);
}

TEST_CASE("tokens refill at the configured rate up to the burst", "[rate_limiter]") {
  FakeClock clock(Start());
  RateLimiter limiter({/*per_minute=*/20, /*burst=*/5, 100}, clock);  // one token per 3 s
  REQUIRE(Drain(limiter, "a") == 5);

  SECTION("nothing before a whole token has refilled") {
    clock.Advance(std::chrono::milliseconds(2999));
    CHECK_FALSE(limiter.Allow("a"));
  }
  SECTION("one token after 3 s") {
    clock.Advance(seconds(3));
    CHECK(limiter.Allow("a"));
    CHECK_FALSE(limiter.Allow("a"));
  }
  SECTION("partial refills add up") {
    clock.Advance(seconds(2));
    CHECK_FALSE(limiter.Allow("a"));
    clock.Advance(seconds(1));
    CHECK(limiter.Allow("a"));
  }
  SECTION("a long pause refills only up to the burst") {
    clock.Advance(std::chrono::hours(5));
    CHECK(Drain(limiter, "a") == 5);
  }
}

TEST_CASE("a refused request takes no token", "[rate_limiter]") {
  FakeClock clock(Start());
  RateLimiter limiter({60, 1, 100}, clock);  // one token per second
  REQUIRE(limiter.Allow("a"));
  for (int i = 0; i < 50; ++i) CHECK_FALSE(limiter.Allow("a"));
  clock.Advance(seconds(1));
  CHECK(limiter.Allow("a"));
}

TEST_CASE("RetryAfter says how long until the next token, rounded up", "[rate_limiter]") {
  FakeClock clock(Start());
  RateLimiter limiter({/*per_minute=*/20, /*burst=*/2, 100}, clock);  // one token per 3 s

  SECTION("0 for a key never seen") { CHECK(limiter.RetryAfter("new") == seconds(0)); }
  SECTION("0 while tokens remain") {
    REQUIRE(limiter.Allow("a"));
    CHECK(limiter.RetryAfter("a") == seconds(0));
  }
  SECTION("the whole refill period right after draining") {
    REQUIRE(Drain(limiter, "a") == 2);
    CHECK(limiter.RetryAfter("a") == seconds(3));
  }
  SECTION("the remaining time, rounded up, as time passes") {
    REQUIRE(Drain(limiter, "a") == 2);
    clock.Advance(std::chrono::milliseconds(500));
    CHECK(limiter.RetryAfter("a") == seconds(3));  // 2.5 s -> 3
    clock.Advance(std::chrono::milliseconds(1500));
    CHECK(limiter.RetryAfter("a") == seconds(1));  // exactly 1 s
    clock.Advance(std::chrono::milliseconds(900));
    CHECK(limiter.RetryAfter("a") == seconds(1));  // 0.1 s -> never 0 while refused
    clock.Advance(std::chrono::milliseconds(100));
    CHECK(limiter.RetryAfter("a") == seconds(0));
    CHECK(limiter.Allow("a"));
  }
  SECTION("does not create a bucket or take a token") {
    CHECK(limiter.RetryAfter("b") == seconds(0));
    CHECK(limiter.key_count() == 0);
    CHECK(Drain(limiter, "b") == 2);
  }
}

TEST_CASE("the number of keys is bounded by evicting the least recently seen",
          "[rate_limiter]") {
  FakeClock clock(Start());
  RateLimiter limiter({20, 2, /*max_keys=*/3}, clock);
  REQUIRE(Drain(limiter, "a") == 2);
  REQUIRE(Drain(limiter, "b") == 2);
  REQUIRE(Drain(limiter, "c") == 2);
  CHECK(limiter.key_count() == 3);

  SECTION("a new key evicts the idlest one, which then starts afresh") {
    clock.Advance(seconds(1));
    CHECK_FALSE(limiter.Allow("a"));  // "a" is now the most recently seen
    CHECK(limiter.Allow("d"));        // evicts "b"
    CHECK(limiter.key_count() == 3);
    CHECK_FALSE(limiter.Allow("a"));  // still remembered and empty
    CHECK_FALSE(limiter.Allow("c"));  // still remembered and empty
    CHECK(Drain(limiter, "b") == 2);  // forgotten: a fresh bucket
    CHECK(limiter.key_count() == 3);
  }
  SECTION("many one-off keys never grow the table past the bound") {
    for (int i = 0; i < 1000; ++i) CHECK(limiter.Allow("k" + std::to_string(i)));
    CHECK(limiter.key_count() == 3);
  }
}

TEST_CASE("out-of-range options are made safe", "[rate_limiter]") {
  FakeClock clock(Start());
  SECTION("burst below 1 still allows one message") {
    RateLimiter limiter({20, 0, 10}, clock);
    CHECK(Drain(limiter, "a") == 1);
  }
  SECTION("a zero rate refills slowly instead of never") {
    RateLimiter limiter({0, 1, 10}, clock);
    REQUIRE(limiter.Allow("a"));
    CHECK(limiter.RetryAfter("a") == seconds(3600));
    clock.Advance(seconds(3600));
    CHECK(limiter.Allow("a"));
  }
  SECTION("max_keys 0 keeps one key") {
    RateLimiter limiter({20, 1, 0}, clock);
    CHECK(limiter.Allow("a"));
    CHECK(limiter.Allow("b"));
    CHECK(limiter.key_count() == 1);
  }
}

TEST_CASE("a clock stepping backwards neither refills nor breaks the bucket",
          "[rate_limiter]") {
  FakeClock clock(Start());
  RateLimiter limiter({60, 2, 10}, clock);
  REQUIRE(Drain(limiter, "a") == 2);
  clock.Advance(-std::chrono::hours(1));
  CHECK_FALSE(limiter.Allow("a"));
  CHECK(limiter.RetryAfter("a") >= seconds(1));
  clock.Set(Start() + seconds(1));
  CHECK(limiter.Allow("a"));
}

TEST_CASE("concurrent callers never get more than the burst", "[rate_limiter]") {
  FakeClock clock(Start());
  RateLimiter limiter({20, 50, 1000}, clock);
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (limiter.Allow("shared")) ++granted;
        limiter.Allow("own" + std::to_string(i));
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(granted.load() == 50);
}

}  // namespace
}  // namespace bhxh
