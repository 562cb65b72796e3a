// bench_crash: kill -9 in the middle of a webhook stream, restart, and count
// what every acknowledged event got back at the (fake) Graph API.
//
//   bench_crash [--events N] [--connections C] [--repeats R] [--seed S]
//               [--after-kill-ms MS] [--timeout S] [--send-rate R] [--no-resend]
//               [--text T] [--binary PATH] [--keep]
//
// Each repeat: a fresh data dir and fake Graph API; bhxh-bot serve started;
// N signed Messenger events "xin chào", each from its own sender id, sent
// on C keep-alive connections as fast as they are answered; when a random
// 30-70 % of them have been sent the server gets SIGKILL; sending goes on
// for --after-kill-ms (those requests fail: refused or reset, no 200); the
// server is restarted on the same data dir; unless --no-resend, every event
// that did not get a 200 is delivered again (as Meta redelivers); then the
// bench waits until the inbox and the outbox have nothing pending (bounded
// by --timeout) and classifies every event by the replies its sender got.
// Exit code 1 if an acknowledged event was never (or only partly) answered.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/webhook/bench_support.h"

#ifndef BHXH_BOT_BINARY
#define BHXH_BOT_BINARY "bhxh-bot"
#endif

using namespace bhxh::bench;

namespace {

struct Options {
  size_t events = 3000;
  int connections = 8;
  int repeats = 3;
  unsigned long long seed = 0;  // 0: from the clock
  double after_kill_ms = 300;
  double timeout_s = 60;
  double send_rate = 300;
  bool resend = true;
  std::string binary = BHXH_BOT_BINARY;
  bool keep = false;
  std::string text = "xin chào";
};

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(stderr,
               "%s\nusage: bench_crash [--events N] [--connections C] [--repeats R] [--seed S] "
               "[--after-kill-ms MS] [--timeout S] [--send-rate R] [--no-resend] [--text T] "
               "[--binary PATH] [--keep]\n",
               why.c_str());
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage("missing value for " + a);
      return argv[++i];
    };
    if (a == "--events") o.events = static_cast<size_t>(std::atoll(value().c_str()));
    else if (a == "--connections") o.connections = std::atoi(value().c_str());
    else if (a == "--repeats") o.repeats = std::atoi(value().c_str());
    else if (a == "--seed") o.seed = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--after-kill-ms") o.after_kill_ms = std::atof(value().c_str());
    else if (a == "--timeout") o.timeout_s = std::atof(value().c_str());
    else if (a == "--send-rate") o.send_rate = std::atof(value().c_str());
    else if (a == "--no-resend") o.resend = false;
    else if (a == "--binary") o.binary = value();
    else if (a == "--keep") o.keep = true;
    else if (a == "--text") o.text = value();
    else if (a == "--help" || a == "-h") Usage("");
    else Usage("unknown option " + a);
  }
  if (o.events < 10 || o.events > 200000) Usage("--events must be in [10, 200000]");
  if (o.connections < 1 || o.connections > 256) Usage("--connections must be in [1, 256]");
  if (o.repeats < 1 || o.repeats > 100) Usage("--repeats must be in [1, 100]");
  if (o.after_kill_ms < 0 || o.after_kill_ms > 10000) Usage("--after-kill-ms must be in [0, 10000]");
  if (o.timeout_s <= 0 || o.timeout_s > 3600) Usage("--timeout must be in (0, 3600]");
  if (o.send_rate < 0.1 || o.send_rate > 300) Usage("--send-rate must be in [0.1, 300]");
  return o;
}

// What one event's request got.
enum class Ack : int {
  kUnsent = 0,      // never sent (after the stream stopped)
  kAcked,           // 200 before the kill
  kLost200,         // sent, no answer: in flight when the server died
  kRefused,         // connection refused (server down)
  kOtherError,      // any other answer (HTTP status != 200)
  kAckedOnResend,   // 200 from the restarted server, on redelivery
};

const char* AckName(Ack a) {
  switch (a) {
    case Ack::kUnsent: return "not sent";
    case Ack::kAcked: return "200 before the kill";
    case Ack::kLost200: return "sent, no answer (in flight at the kill)";
    case Ack::kRefused: return "connection refused (server down)";
    case Ack::kOtherError: return "other error";
    case Ack::kAckedOnResend: return "200 on redelivery after restart";
  }
  return "?";
}

struct RepeatResult {
  bool ok = true;
  size_t lost = 0;  // acknowledged, never (or only partly) answered
};

std::string Psid(size_t repeat, size_t i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "9%02zu%08zu", repeat, i);
  return buf;
}

RepeatResult RunRepeat(const Options& opt, size_t repeat, double kill_fraction, const std::string& root) {
  RepeatResult result;
  const std::string dir = root + "/repeat-" + std::to_string(repeat);
  std::filesystem::create_directories(dir);
  FakeGraph graph;
  {
    std::ofstream(dir + "/config.json") << BotConfigJson(graph.base_url(), opt.send_rate, 4);
  }
  BotProcess bot(opt.binary, dir + "/config.json", dir + "/data", dir);
  if (std::string err = bot.Start(); !err.empty()) {
    std::fprintf(stderr, "bhxh-bot: %s\n", err.c_str());
    result.ok = false;
    return result;
  }

  // Requests, built before the clock starts.
  const long long ms = NowUnixMs();
  std::vector<std::string> reqs(opt.events);
  for (size_t i = 0; i < opt.events; ++i) {
    reqs[i] = SignedMessengerRequest(MessengerBody(
        Psid(repeat, i), "m_CRASH" + std::to_string(ms) + "-" + std::to_string(repeat) + "-" + std::to_string(i),
        opt.text, ms));
  }
  std::vector<std::atomic<int>> ack(opt.events);
  for (auto& a : ack) a = static_cast<int>(Ack::kUnsent);
  std::vector<Clock::time_point> ack_at(opt.events);

  const size_t kill_at = std::clamp<size_t>(static_cast<size_t>(kill_fraction * static_cast<double>(opt.events)), 1, opt.events - 1);
  std::atomic<size_t> next{0};
  std::atomic<bool> killed{false};
  std::atomic<long long> kill_ns{0};
  const pid_t victim = bot.pid();
  const auto start = Clock::now();
  // Bounds for phase 1: the stream must not outlast this.
  const auto hard_stop = start + std::chrono::seconds(60);
  const auto after_kill = std::chrono::microseconds(static_cast<long long>(opt.after_kill_ms * 1000));

  std::vector<std::thread> threads;
  for (int t = 0; t < opt.connections; ++t) {
    threads.emplace_back([&] {
      RawConnection c(bot.port(), std::chrono::seconds(5));
      (void)c.Open();
      for (;;) {
        const auto now = Clock::now();
        if (now > hard_stop) break;
        if (killed.load() &&
            now > Clock::time_point(Clock::duration(kill_ns.load())) + after_kill) {
          break;
        }
        const size_t i = next.fetch_add(1);
        if (i >= opt.events) break;
        if (i == kill_at) {
          // The kill happens now, between two sends of the stream.
          kill_ns = Clock::now().time_since_epoch().count();
          ::kill(victim, SIGKILL);
          killed = true;
        }
        const auto r = c.RoundTrip(reqs[i]);
        ack_at[i] = Clock::now();
        if (r.status == 200) {
          ack[i] = static_cast<int>(Ack::kAcked);
        } else if (r.connect_failed) {
          ack[i] = static_cast<int>(Ack::kRefused);
          std::this_thread::sleep_for(std::chrono::milliseconds(10));  // refused: do not spin
        } else if (r.status == 0) {
          ack[i] = static_cast<int>(Ack::kLost200);
        } else {
          ack[i] = static_cast<int>(Ack::kOtherError);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  threads.clear();
  const Clock::time_point kill_time(Clock::duration(kill_ns.load()));
  if (!killed) {
    std::fprintf(stderr, "repeat %zu: the stream ended before the kill point\n", repeat);
    bot.KillHard();
  }
  bot.KillHard();  // reaps the killed child

  // Phase 2: restart on the same data dir (and port, as a real restart).
  size_t acked_before = 0, lost200 = 0, refused = 0, other = 0, unsent = 0, acked_after_kill = 0;
  for (size_t i = 0; i < opt.events; ++i) {
    switch (static_cast<Ack>(ack[i].load())) {
      case Ack::kAcked:
        ++acked_before;
        if (ack_at[i] > kill_time) ++acked_after_kill;
        break;
      case Ack::kLost200: ++lost200; break;
      case Ack::kRefused: ++refused; break;
      case Ack::kOtherError: ++other; break;
      case Ack::kUnsent: ++unsent; break;
      default: break;
    }
  }
  const long long committed_at_kill = QueryInt(bot.db_path(), "SELECT count(*) FROM inbox_events");
  const long long pending_at_kill = QueryInt(bot.db_path(), "SELECT count(*) FROM inbox_events WHERE status = 'pending'");
  const long long outbox_pending_at_kill = QueryInt(bot.db_path(), "SELECT count(*) FROM outbox WHERE status = 'pending'");
  const auto restart_begin = Clock::now();
  std::string err = bot.Start(bot.port());
  if (!err.empty()) err = bot.Start(0);  // the old port may still be held
  if (!err.empty()) {
    std::fprintf(stderr, "bhxh-bot restart: %s\n", err.c_str());
    result.ok = false;
    return result;
  }
  const auto restarted = Clock::now();

  size_t resent_ok = 0, resent_failed = 0;
  if (opt.resend) {
    std::vector<size_t> todo;
    for (size_t i = 0; i < opt.events; ++i) {
      if (ack[i].load() != static_cast<int>(Ack::kAcked)) todo.push_back(i);
    }
    std::atomic<size_t> k{0};
    std::atomic<size_t> ok_n{0}, fail_n{0};
    for (int t = 0; t < opt.connections; ++t) {
      threads.emplace_back([&] {
        RawConnection c(bot.port(), std::chrono::seconds(5));
        for (;;) {
          const size_t j = k.fetch_add(1);
          if (j >= todo.size() || Clock::now() > restarted + std::chrono::seconds(60)) break;
          const size_t i = todo[j];
          bool done = false;
          for (int attempt = 0; attempt < 3 && !done; ++attempt) {
            const auto r = c.RoundTrip(reqs[i]);
            if (r.status == 200) {
              ack[i] = static_cast<int>(Ack::kAckedOnResend);
              ack_at[i] = Clock::now();
              done = true;
            }
          }
          ++(done ? ok_n : fail_n);
        }
      });
    }
    for (auto& th : threads) th.join();
    threads.clear();
    resent_ok = ok_n;
    resent_failed = fail_n;
  }

  // Wait for every reply: nothing pending in the inbox nor the outbox.
  const auto wait_begin = Clock::now();
  double ms_processed = -1, ms_drained = -1;
  long long left_inbox = -1, left_outbox = -1;
  const auto deadline = wait_begin + std::chrono::milliseconds(static_cast<long long>(opt.timeout_s * 1000));
  for (;;) {
    left_inbox = QueryInt(bot.db_path(), "SELECT count(*) FROM inbox_events WHERE status = 'pending'");
    left_outbox = QueryInt(bot.db_path(), "SELECT count(*) FROM outbox WHERE status = 'pending'");
    if (left_inbox == 0 && ms_processed < 0) ms_processed = MsSince(restarted, Clock::now());
    if (left_inbox == 0 && left_outbox == 0) {
      ms_drained = MsSince(restarted, Clock::now());
      break;
    }
    if (Clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // late repeats show up by now
  const auto deliveries = graph.ByRecipient();
  const std::string db = bot.db_path();
  bot.Stop();
  const long long committed = QueryInt(db, "SELECT count(*) FROM inbox_events");
  const long long out_failed = QueryInt(db, "SELECT count(*) FROM outbox WHERE status = 'failed'");
  std::map<std::string, long long> expected;  // outbox rows per user
  for (const auto& [user, n] : QueryTextInt(db, "SELECT user_id, count(*) FROM outbox GROUP BY user_id")) {
    expected[user] = n;
  }
  std::set<std::string> in_inbox;
  for (const auto& [user, n] : QueryTextInt(db, "SELECT user_id, count(*) FROM inbox_events GROUP BY user_id")) {
    in_inbox.insert(user);
  }

  // ---------------------------------------------------- classification
  size_t acked = 0, once = 0, repeated = 0, never = 0, partly = 0;
  size_t unacked_answered = 0, unacked_silent = 0;
  size_t repeat_across_kill = 0, repeat_same_process = 0;
  std::vector<double> window_ms;  // kill - first copy, for repeats across the kill
  struct Example {
    std::string psid;
    std::string text;
  };
  std::vector<Example> repeat_examples, lost_examples;
  double last_single_before_kill_ms = -1;  // latest non-repeated delivery before the kill
  for (size_t i = 0; i < opt.events; ++i) {
    const std::string psid = Psid(repeat, i);
    const Ack a = static_cast<Ack>(ack[i].load());
    const bool is_acked = a == Ack::kAcked || a == Ack::kAckedOnResend;
    auto it = deliveries.find(psid);
    const std::vector<FakeGraph::Delivery> none;
    const auto& got = it == deliveries.end() ? none : it->second;
    std::map<uint64_t, std::vector<Clock::time_point>> by_body;
    for (const auto& d : got) by_body[d.body_hash].push_back(d.at);
    const long long want = expected.count(psid) ? expected[psid] : 0;
    if (!is_acked) {
      (got.empty() ? unacked_silent : unacked_answered)++;
      continue;
    }
    ++acked;
    if (got.empty()) {
      ++never;
      if (lost_examples.size() < 10) {
        lost_examples.push_back({psid, std::string(AckName(a)) + ", inbox row " +
                                           (in_inbox.count(psid) ? "present" : "MISSING") +
                                           ", outbox rows " + std::to_string(want)});
      }
      continue;
    }
    if (static_cast<long long>(by_body.size()) < want) {
      ++partly;
      if (lost_examples.size() < 10) {
        lost_examples.push_back({psid, "got " + std::to_string(by_body.size()) + " of " +
                                           std::to_string(want) + " replies"});
      }
    }
    bool rep = false;
    for (const auto& [h, times] : by_body) {
      if (times.size() < 2) {
        if (killed && times[0] < kill_time) {
          last_single_before_kill_ms = last_single_before_kill_ms < 0
                                           ? MsSince(times[0], kill_time)
                                           : std::min(last_single_before_kill_ms, MsSince(times[0], kill_time));
        }
        continue;
      }
      rep = true;
      // The old process is reaped before the restart begins: a copy after
      // that came from the new one (its sender starts before /healthz answers).
      const bool across = killed && times.front() < kill_time && times.back() >= restart_begin;
      (across ? repeat_across_kill : repeat_same_process)++;
      if (across) window_ms.push_back(MsSince(times.front(), kill_time));
      if (repeat_examples.size() < 20) {
        std::string text = std::to_string(times.size()) + " copies at";
        for (const auto& t : times) {
          text += t < kill_time ? " kill-" + Fixed(MsSince(t, kill_time), 1) + "ms"
                                : " restart+" + Fixed(MsSince(restart_begin, t), 0) + "ms";
        }
        repeat_examples.push_back({psid, text});
      }
    }
    (rep ? repeated : once)++;
  }
  result.lost = never + partly;
  result.ok = result.lost == 0;

  // ---------------------------------------------------- report
  std::printf("\n--- repeat %zu: kill after %zu of %zu events (%.0f %%) ---\n", repeat, kill_at,
              opt.events, 100 * kill_fraction);
  std::printf("stream: %zu x 200 before the kill (%zu of them answered after the SIGKILL was sent), "
              "%zu in flight (no answer), %zu refused, %zu other errors, %zu not sent\n",
              acked_before, acked_after_kill, lost200, refused, other, unsent);
  std::printf("at the kill: %lld events committed, %lld not yet processed, %lld replies not yet sent\n",
              committed_at_kill, pending_at_kill, outbox_pending_at_kill);
  std::printf("restart: healthy %.0f ms after start (restart+ times below count from the start); ",
              MsSince(restart_begin, restarted));
  if (opt.resend) {
    std::printf("redelivered %zu unacknowledged events: %zu got 200, %zu failed\n", resent_ok + resent_failed,
                resent_ok, resent_failed);
  } else {
    std::printf("no redelivery (--no-resend)\n");
  }
  if (ms_drained >= 0) {
    std::printf("after restart: all events processed at +%.0f ms, outbox drained at +%.0f ms\n",
                ms_processed, ms_drained);
  } else {
    std::printf("after restart: NOT drained within --timeout: %lld events and %lld replies still pending\n",
                left_inbox, left_outbox);
  }
  std::printf("inbox rows %lld, outbox rows failed %lld, fake Graph API: %zu messages, %zu typing\n",
              committed, out_failed, graph.messages(), graph.actions());
  std::printf("%-48s %8zu\n", "events acknowledged (200)", acked);
  std::printf("%-48s %8zu\n", "  answered exactly once", once);
  std::printf("%-48s %8zu\n", "  answered more than once", repeated);
  std::printf("%-48s %8zu\n", "    a reply repeated across the kill", repeat_across_kill);
  std::printf("%-48s %8zu\n", "    a reply repeated within one process", repeat_same_process);
  std::printf("%-48s %8zu%s\n", "  answered never", never, never ? "   <-- LOST" : "");
  std::printf("%-48s %8zu%s\n", "  answered only partly", partly, partly ? "   <-- LOST" : "");
  std::printf("%-48s %8zu\n", "not acknowledged, answered anyway", unacked_answered);
  std::printf("%-48s %8zu\n", "not acknowledged, not answered", unacked_silent);
  if (!window_ms.empty()) {
    std::sort(window_ms.begin(), window_ms.end());
    std::printf("repeat window (first copy delivered before the kill, again after restart): "
                "%zu replies, first copies %.1f .. %.1f ms before the SIGKILL\n",
                window_ms.size(), window_ms.front(), window_ms.back());
  } else {
    std::printf("repeat window: no reply was delivered both before the kill and after the restart\n");
  }
  if (last_single_before_kill_ms >= 0) {
    std::printf("  (closest delivery before the kill that was NOT repeated: %.1f ms before it)\n",
                last_single_before_kill_ms);
  }
  for (const auto& e : repeat_examples) std::printf("  repeated: psid %s: %s\n", e.psid.c_str(), e.text.c_str());
  for (const auto& e : lost_examples) std::printf("  LOST: psid %s: %s\n", e.psid.c_str(), e.text.c_str());
  std::fflush(stdout);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  Options opt = ParseOptions(argc, argv);
  if (access(opt.binary.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "bhxh-bot binary not found or not executable: %s (use --binary)\n",
                 opt.binary.c_str());
    return 2;
  }
  if (opt.seed == 0) opt.seed = static_cast<unsigned long long>(NowUnixMs());
  std::mt19937_64 rng(opt.seed);
  std::printf("bench_crash: %zu events x %d repeats, %d connections, seed %llu, send pacing %.0f/s, %s\n",
              opt.events, opt.repeats, opt.connections, opt.seed, opt.send_rate,
              opt.resend ? "unacknowledged events redelivered after restart" : "no redelivery");
  TempDir root("bhxh-bench-crash");
  if (opt.keep) root.keep();
  const auto t0 = Clock::now();
  size_t lost_total = 0;
  bool all_ok = true;
  for (int r = 0; r < opt.repeats; ++r) {
    // Spread the kill points over 30-70 %, one band per repeat, jittered.
    const double band = 0.4 / opt.repeats;
    const double f = 0.3 + band * r + std::uniform_real_distribution<double>(0, band)(rng);
    const RepeatResult res = RunRepeat(opt, static_cast<size_t>(r + 1), f, root.path());
    lost_total += res.lost;
    all_ok = all_ok && res.ok;
  }
  std::printf("\n%s: %zu acknowledged events lost over %d repeats (%.1f s)\n",
              all_ok ? "PASS" : "FAIL", lost_total, opt.repeats, MsSince(t0, Clock::now()) / 1000.0);
  if (opt.keep) std::printf("files kept in %s\n", root.path().c_str());
  return all_ok ? 0 : 1;
}
