// bench_webhook: webhook intake of bhxh-bot against a bare cpprestsdk
// listener, with the same load generator on the same machine.
//
//   bench_webhook [--duration S] [--open-duration S] [--connections N] [--rate R]
//                 [--binary PATH] [--send-rate R] [--drain-timeout S] [--pool N]
//                 [--only bare|bhxh] [--keep]
// Defaults: closed loop 5 s, open loop 10 s at 1000/s, 32 connections, the
// bot's sends paced at 300/s (its maximum), drain wait up to 40 s.
//
// Targets (each a child process on 127.0.0.1):
//   bare  this binary in --serve-bare mode: an http_listener that reads the
//         body and answers 200 {"ok":true} to every POST.
//   bhxh  `bhxh-bot serve` on a fresh data dir, Messenger enabled, replies
//         going to an in-process fake Graph API.
// Modes, per target (bhxh gets a fresh instance and data dir per mode, so
// the closed loop's backlog cannot weigh on the open loop):
//   open    R events/s for --open-duration seconds over N connections; latency measured
//           from each request's scheduled send time (no coordinated omission).
//   closed  N connections, each sends its next request when the previous
//           answer arrived, for --duration seconds: the maximum throughput.
// Every bhxh request is a signed Messenger webhook (~400 bytes) carrying
// one text message with a unique mid from a distinct sender id, so each is
// a real insert into inbox_events and a real turn with a reply.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cpprest/http_listener.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/webhook/bench_support.h"

#ifndef BHXH_BOT_BINARY
#define BHXH_BOT_BINARY "bhxh-bot"
#endif

using namespace bhxh::bench;
using json = nlohmann::json;

namespace {

struct Options {
  double duration_s = 5;        // closed loop, per round
  int rounds = 3;               // closed-loop rounds, each bare then a fresh bhxh
  double open_duration_s = 10;  // open loop
  int connections = 32;
  double rate = 1000;
  std::string binary = BHXH_BOT_BINARY;
  double send_rate = 300;  // messenger_per_second of the bot (the config allows 0.1..300)
  double drain_timeout_s = 40;
  size_t pool = 0;       // unique events to pre-build; 0 = derived
  bool keep = false;
  std::string only;  // "bare" | "bhxh" | ""
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "%s\nusage: bench_webhook [--duration S] [--open-duration S] [--connections N] [--rate R] "
               "[--rounds N] [--binary PATH] [--send-rate R] [--drain-timeout S] [--pool N] [--only bare|bhxh] "
               "[--keep]\n",
               why);
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--duration") o.duration_s = std::atof(value().c_str());
    else if (a == "--open-duration") o.open_duration_s = std::atof(value().c_str());
    else if (a == "--connections") o.connections = std::atoi(value().c_str());
    else if (a == "--rounds") o.rounds = std::atoi(value().c_str());
    else if (a == "--rate") o.rate = std::atof(value().c_str());
    else if (a == "--binary") o.binary = value();
    else if (a == "--send-rate") o.send_rate = std::atof(value().c_str());
    else if (a == "--drain-timeout") o.drain_timeout_s = std::atof(value().c_str());
    else if (a == "--pool") o.pool = static_cast<size_t>(std::atoll(value().c_str()));
    else if (a == "--only") o.only = value();
    else if (a == "--keep") o.keep = true;
    else if (a == "--help" || a == "-h") Usage("");
    else Usage(("unknown option " + a).c_str());
  }
  if (o.duration_s <= 0 || o.duration_s > 120) Usage("--duration must be in (0, 120]");
  if (o.open_duration_s <= 0 || o.open_duration_s > 120) Usage("--open-duration must be in (0, 120]");
  if (o.connections < 1 || o.connections > 512) Usage("--connections must be in [1, 512]");
  if (o.rounds < 1 || o.rounds > 20) Usage("--rounds must be in [1, 20]");
  if (o.rate <= 0 || o.rate > 50000) Usage("--rate must be in (0, 50000]");
  if (o.send_rate < 0.1 || o.send_rate > 300) Usage("--send-rate must be in [0.1, 300] (bhxh-bot's limit)");
  if (o.drain_timeout_s < 0 || o.drain_timeout_s > 3600) Usage("--drain-timeout must be in [0, 3600]");
  return o;
}

// ------------------------------------------------------------- bare server

int ServeBare(int port) {
  using namespace web::http;
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  experimental::listener::http_listener_config config;
  config.set_timeout(std::chrono::seconds(30));  // as bhxh-bot's listener
  experimental::listener::http_listener listener(
      web::uri("http://127.0.0.1:" + std::to_string(port) + "/"), config);
  listener.support([](http_request req) {
    if (req.method() != methods::POST) {
      req.reply(status_codes::MethodNotAllowed).then([](pplx::task<void> t) {
        try { t.get(); } catch (...) {}
      });
      return;
    }
    // Read the body, as the bot does, then answer.
    req.extract_vector().then([req](pplx::task<std::vector<unsigned char>> t) {
      try {
        (void)t.get();
      } catch (...) {
      }
      http_response r(status_codes::OK);
      r.set_body(std::string(R"({"ok":true})"), "application/json; charset=utf-8");
      req.reply(r).then([](pplx::task<void> s) {
        try { s.get(); } catch (...) {}
      });
    });
  });
  try {
    listener.open().wait();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bare: cannot listen on %d: %s\n", port, e.what());
    return 1;
  }
  int sig = 0;
  sigwait(&stop, &sig);
  listener.close().wait();
  return 0;
}

std::string SelfExe() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  buf[n] = '\0';
  return buf;
}

// ------------------------------------------------------------- load

struct LoadResult {
  std::string target, mode;
  size_t ok = 0;
  size_t errors = 0;
  std::map<std::string, size_t> error_kinds;
  std::vector<uint32_t> lat_us;
  std::vector<uint32_t> at_ms;  // per sample: its start (closed) or due time (open) from the phase start
  double elapsed_s = 0;
  bool pool_exhausted = false;
  Clock::time_point end;
  // CPU seconds (user + system) the target process and this process (load
  // generator, and the fake Graph API for bhxh) used over the phase; -1 when
  // not measured. Per event they do not drift with the machine's speed the
  // way events/s does.
  double server_cpu_s = -1, client_cpu_s = -1;
};

// User + system CPU seconds `pid` has used so far (its /proc/<pid>/stat),
// or -1 when unreadable. Resolution: one clock tick (10 ms).
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return -1;
  // Fields after the command name, which is in parentheses and may hold spaces.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct ThreadStats {
  size_t ok = 0, errors = 0;
  std::map<std::string, size_t> kinds;
  std::vector<uint32_t> lat, at;
  void Error(const std::string& k) {
    ++errors;
    ++kinds[k];
  }
};

std::string ErrorKind(const RawConnection::Result& r) {
  if (r.status != 0) return "HTTP " + std::to_string(r.status);
  std::string e = r.error;
  if (e.empty()) e = "no answer";
  return e;
}

void Merge(LoadResult* out, std::vector<ThreadStats>& stats) {
  for (auto& s : stats) {
    out->ok += s.ok;
    out->errors += s.errors;
    for (auto& [k, v] : s.kinds) out->error_kinds[k] += v;
    out->lat_us.insert(out->lat_us.end(), s.lat.begin(), s.lat.end());
    out->at_ms.insert(out->at_ms.end(), s.at.begin(), s.at.end());
  }
}

uint32_t Us(Clock::time_point a, Clock::time_point b) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(b - a).count();
  return static_cast<uint32_t>(std::clamp<long long>(us, 0, 4'000'000'000LL));
}

// Closed loop: every connection sends its next request as soon as the
// previous one is answered, until `seconds` have passed. Requests are taken
// from `reqs` through `next`; without `wrap` the run ends early when they
// run out (each bhxh event must be unique).
LoadResult ClosedLoop(int port, pid_t server, const std::vector<std::string>& reqs,
                      std::atomic<size_t>& next, bool wrap, int conns, double seconds) {
  LoadResult res;
  res.mode = "closed " + std::to_string(conns) + " conn";
  std::vector<ThreadStats> stats(static_cast<size_t>(conns));
  std::atomic<int> ready{0};
  std::atomic<bool> go{false}, exhausted{false};
  Clock::time_point start, deadline;
  std::vector<std::thread> threads;
  for (int t = 0; t < conns; ++t) {
    threads.emplace_back([&, t] {
      ThreadStats& st = stats[static_cast<size_t>(t)];
      st.lat.reserve(1 << 16);
      RawConnection c(port);
      (void)c.Open();
      ++ready;
      while (!go.load()) std::this_thread::yield();
      while (Clock::now() < deadline) {
        size_t i = next.fetch_add(1);
        if (i >= reqs.size()) {
          if (!wrap) {
            exhausted = true;
            break;
          }
          i %= reqs.size();
        }
        const auto t0 = Clock::now();
        const auto r = c.RoundTrip(reqs[i]);
        const auto t1 = Clock::now();
        if (r.status == 200) {
          ++st.ok;
          st.lat.push_back(Us(t0, t1));
          st.at.push_back(Us(start, t0) / 1000);
        } else {
          st.Error(ErrorKind(r));
          if (r.connect_failed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
    });
  }
  WaitUntil([&] { return ready.load() == conns; }, std::chrono::seconds(10));
  const double server_cpu0 = ProcessCpuSeconds(server), client_cpu0 = ProcessCpuSeconds(getpid());
  start = Clock::now();
  deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  go = true;
  for (auto& th : threads) th.join();
  res.end = Clock::now();
  const double server_cpu1 = ProcessCpuSeconds(server), client_cpu1 = ProcessCpuSeconds(getpid());
  if (server_cpu0 >= 0 && server_cpu1 >= 0) res.server_cpu_s = server_cpu1 - server_cpu0;
  if (client_cpu0 >= 0 && client_cpu1 >= 0) res.client_cpu_s = client_cpu1 - client_cpu0;
  res.elapsed_s = MsSince(start, res.end) / 1000.0;
  res.pool_exhausted = exhausted.load();
  Merge(&res, stats);
  return res;
}

// Open loop: request k is due at start + k/rate; connection t sends the
// requests k ≡ t (mod conns) in order. Latency runs from the due time, so
// a stall also counts against every request that should have gone out
// during it (no coordinated omission).
LoadResult OpenLoop(int port, const std::vector<std::string>& reqs, std::atomic<size_t>& next,
                    bool wrap, int conns, double rate, double seconds) {
  LoadResult res;
  res.mode = "open " + Fixed(rate, 0) + "/s";
  const size_t total = static_cast<size_t>(rate * seconds);
  const size_t base = next.fetch_add(total);
  if (!wrap && base + total > reqs.size()) {
    res.pool_exhausted = true;
    return res;
  }
  std::vector<ThreadStats> stats(static_cast<size_t>(conns));
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  Clock::time_point start;
  // A stalled target must not hold the run: give up 10 s after the end.
  Clock::time_point give_up;
  const double period_ns = 1e9 / rate;
  std::vector<std::thread> threads;
  for (int t = 0; t < conns; ++t) {
    threads.emplace_back([&, t] {
      ThreadStats& st = stats[static_cast<size_t>(t)];
      st.lat.reserve(total / static_cast<size_t>(conns) + 16);
      RawConnection c(port);
      (void)c.Open();
      ++ready;
      while (!go.load()) std::this_thread::yield();
      for (size_t k = static_cast<size_t>(t); k < total; k += static_cast<size_t>(conns)) {
        const auto due = start + std::chrono::nanoseconds(static_cast<long long>(period_ns * static_cast<double>(k)));
        if (Clock::now() > give_up) {
          st.Error("not sent (target stalled)");
          continue;
        }
        std::this_thread::sleep_until(due);
        const auto r = c.RoundTrip(reqs[(base + k) % reqs.size()]);
        const auto t1 = Clock::now();
        if (r.status == 200) {
          ++st.ok;
          st.lat.push_back(Us(due, t1));
          st.at.push_back(Us(start, due) / 1000);
        } else {
          st.Error(ErrorKind(r));
        }
      }
    });
  }
  WaitUntil([&] { return ready.load() == conns; }, std::chrono::seconds(10));
  start = Clock::now() + std::chrono::milliseconds(5);
  give_up = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds + 10));
  go = true;
  for (auto& th : threads) th.join();
  res.end = Clock::now();
  res.elapsed_s = MsSince(start, res.end) / 1000.0;
  Merge(&res, stats);
  return res;
}

// ------------------------------------------------------------- bot figures

// "ms" of the bot's request log lines for the webhook route: the time the
// server itself measured per request (ms resolution).
struct ServerLog {
  std::vector<uint32_t> webhook_ms_us;
  std::map<std::string, size_t> events;  // "event" field counts (send_retry, event_failed...)
  std::map<int, size_t> statuses;
  std::vector<std::string> samples;      // first lines of unexpected kinds
};

ServerLog ReadServerLog(const std::string& path) {
  ServerLog log;
  std::istringstream in(ReadFile(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '{') continue;
    json j = json::parse(line, nullptr, false);
    if (!j.is_object()) continue;
    if (j.contains("route") && j["route"] == "/webhook/messenger") {
      if (j["ms"].is_number()) log.webhook_ms_us.push_back(static_cast<uint32_t>(j["ms"].get<double>() * 1000));
      if (j["status"].is_number()) ++log.statuses[j["status"].get<int>()];
      if (j["status"] != 200 && log.samples.size() < 5) log.samples.push_back(line);
    } else if (j.contains("event") && j["event"].is_string()) {
      const std::string e = j["event"];
      ++log.events[e];
      if (e != "channel_enabled" && e != "channel_disabled" && log.samples.size() < 5) {
        log.samples.push_back(line.substr(0, 300));
      }
    }
  }
  return log;
}

// The backlog after a load phase, polled from the SQLite file.
struct Drain {
  bool processed = false;          // no inbox event pending any more
  double ms_processed = 0;         // load end -> that
  bool drained = false;            // ... and no outbox row pending either
  double ms_drained = 0;           // load end -> that
  double ms_last_reply = 0;        // load end -> last reply received by the fake
  long long left_inbox = 0, left_outbox = 0;  // pending when the wait ended
};

Drain WaitDrained(const std::string& db, const FakeGraph& graph, Clock::time_point load_end,
                  double timeout_s) {
  Drain d;
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<long long>(timeout_s * 1000));
  for (;;) {
    d.left_inbox = QueryInt(db, "SELECT count(*) FROM inbox_events WHERE status = 'pending'");
    d.left_outbox = QueryInt(db, "SELECT count(*) FROM outbox WHERE status = 'pending'");
    const auto now = Clock::now();
    if (d.left_inbox == 0 && !d.processed) {
      d.processed = true;
      d.ms_processed = MsSince(load_end, now);
    }
    if (d.left_inbox == 0 && d.left_outbox == 0) {
      d.drained = true;
      d.ms_drained = MsSince(load_end, now);
      break;
    }
    if (now >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  d.ms_last_reply = std::max(0.0, MsSince(load_end, graph.last_message_at()));
  return d;
}

// ------------------------------------------------------------- report

// 200s per second of the phase (0 for a phase that did not run).
double EventsPerSecond(const LoadResult& r) {
  return r.elapsed_s > 0 ? static_cast<double>(r.ok) / r.elapsed_s : 0;
}

void PrintRow(const LoadResult& r) {
  const Percentiles p = Summarize(r.lat_us);
  const double eps = EventsPerSecond(r);
  std::printf("%s%s%s%s%s%s%s\n", Pad(r.target, 7).c_str(), Pad(r.mode, 19).c_str(),
              Pad(Fixed(eps, 0), 10, true).c_str(), Pad(Fixed(p.p50_ms, 2), 9, true).c_str(),
              Pad(Fixed(p.p99_ms, 2), 9, true).c_str(), Pad(Fixed(p.max_ms, 2), 9, true).c_str(),
              Pad(std::to_string(r.errors), 8, true).c_str());
}

// p99 (and count) of each second of a phase: shows a latency that grows
// with the service's backlog.
void PrintTimeline(const LoadResult& r) {
  std::map<uint32_t, std::vector<uint32_t>> by_second;
  for (size_t i = 0; i < r.lat_us.size() && i < r.at_ms.size(); ++i) {
    by_second[r.at_ms[i] / 1000].push_back(r.lat_us[i]);
  }
  std::printf("  %-5s %-19s p99 ms per second:", r.target.c_str(), r.mode.c_str());
  for (auto& [sec, v] : by_second) std::printf(" %s", Fixed(Summarize(v).p99_ms, 1).c_str());
  std::printf("\n  %-5s %-19s 200s per second:  ", r.target.c_str(), r.mode.c_str());
  for (auto& [sec, v] : by_second) std::printf(" %zu", v.size());
  std::printf("\n");
}

void PrintErrors(const LoadResult& r) {
  for (const auto& [k, v] : r.error_kinds) {
    std::printf("    %s %s: %zu x %s\n", r.target.c_str(), r.mode.c_str(), v, k.c_str());
  }
  if (r.pool_exhausted) {
    std::printf("    %s %s: ran out of pre-built unique events after %.1f s (raise --pool)\n",
                r.target.c_str(), r.mode.c_str(), r.elapsed_s);
  }
}

// One bhxh-bot instance, fresh data dir, one measured phase.
struct BotRun {
  LoadResult load;
  size_t acked = 0;  // 200s, warm-up included
  long long committed = -1, done = -1;
  long long out_rows = -1, out_sent = -1, out_failed = -1, out_pending = -1, out_retried = -1;
  long long done_at_load_end = -1, sent_at_load_end = -1;
  long long done_2s_after_load = -1;  // closed loop only
  size_t graph_messages = 0, graph_actions = 0, graph_bad = 0;
  bool waited_for_drain = false;
  Drain drain;
  ServerLog log;
  std::string error;
};

BotRun RunBot(const Options& opt, const std::string& dir, bool open_loop,
              const std::vector<std::string>& reqs, std::atomic<size_t>& next) {
  BotRun run;
  FakeGraph graph;
  const std::string data = dir + "/data";
  {
    std::ofstream(dir + "/config.json") << BotConfigJson(graph.base_url(), opt.send_rate, 4);
  }
  BotProcess bot(opt.binary, dir + "/config.json", data, dir);
  run.error = bot.Start();
  if (!run.error.empty()) return run;
  // Warm-up: connections, the first pages of the file, the first turns.
  {
    LoadResult w = OpenLoop(bot.port(), reqs, next, false, 8, 200, 0.5);
    run.acked += w.ok;
    WaitDrained(bot.db_path(), graph, Clock::now(), 10);
  }
  if (open_loop) {
    run.load = OpenLoop(bot.port(), reqs, next, false, opt.connections, opt.rate, opt.open_duration_s);
  } else {
    run.load =
        ClosedLoop(bot.port(), bot.pid(), reqs, next, false, opt.connections, opt.duration_s);
  }
  run.load.target = "bhxh";
  run.acked += run.load.ok;
  run.done_at_load_end = QueryInt(bot.db_path(), "SELECT count(*) FROM inbox_events WHERE status = 'done'");
  run.sent_at_load_end = QueryInt(bot.db_path(), "SELECT count(*) FROM outbox WHERE status = 'sent'");
  if (!open_loop) {
    // The flood is over: how fast the backlog is worked off now.
    std::this_thread::sleep_for(std::chrono::seconds(2));
    run.done_2s_after_load = QueryInt(bot.db_path(), "SELECT count(*) FROM inbox_events WHERE status = 'done'");
  }
  if (open_loop) {
    run.waited_for_drain = true;
    run.drain = WaitDrained(bot.db_path(), graph, run.load.end, opt.drain_timeout_s);
    // A late second reply would show within this.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  const std::string db = bot.db_path();
  bot.Stop();  // SIGTERM: finishes the turns in progress; the backlog stays pending
  run.committed = QueryInt(db, "SELECT count(*) FROM inbox_events");
  run.done = QueryInt(db, "SELECT count(*) FROM inbox_events WHERE status = 'done'");
  run.out_rows = QueryInt(db, "SELECT count(*) FROM outbox");
  run.out_sent = QueryInt(db, "SELECT count(*) FROM outbox WHERE status = 'sent'");
  run.out_failed = QueryInt(db, "SELECT count(*) FROM outbox WHERE status = 'failed'");
  run.out_pending = QueryInt(db, "SELECT count(*) FROM outbox WHERE status = 'pending'");
  run.out_retried = QueryInt(db, "SELECT count(*) FROM outbox WHERE attempts > 1");
  run.graph_messages = graph.messages();
  run.graph_actions = graph.actions();
  run.graph_bad = graph.bad();
  run.log = ReadServerLog(bot.stderr_path());
  return run;
}

void PrintBotRun(const char* title, const BotRun& r, double send_rate) {
  std::printf("\nbhxh-bot, %s (fresh data dir):\n", title);
  std::printf("  200s received (incl. %zu warm-up): %zu; events committed (SELECT count(*) FROM "
              "inbox_events): %lld -> %s\n",
              r.acked - r.load.ok, r.acked, r.committed,
              r.committed == static_cast<long long>(r.acked) ? "equal" : "DIFFERENT");
  std::printf("  when the load stopped: %lld events processed, %lld replies sent\n",
              r.done_at_load_end, r.sent_at_load_end);
  if (r.done_2s_after_load >= 0) {
    std::printf("  in the 2 s after the load stopped: %lld more events processed (%.0f/s)\n",
                r.done_2s_after_load - r.done_at_load_end,
                static_cast<double>(r.done_2s_after_load - r.done_at_load_end) / 2);
  }
  std::printf("  at the end: %lld processed; outbox %lld rows (%.2f per event): sent %lld, "
              "failed %lld, pending %lld, needing >1 attempt %lld\n",
              r.done, r.out_rows,
              r.committed > 0 ? static_cast<double>(r.out_rows) / static_cast<double>(r.committed) : 0.0,
              r.out_sent, r.out_failed, r.out_pending, r.out_retried);
  std::printf("  fake Graph API received %zu messages, %zu sender actions (typing_on), %zu other\n",
              r.graph_messages, r.graph_actions, r.graph_bad);
  if (r.waited_for_drain) {
    const Drain& d = r.drain;
    if (d.processed) {
      std::printf("  every event processed (inbox empty) %.0f ms after the last 200\n", d.ms_processed);
    } else {
      std::printf("  events NOT all processed within the wait: %lld pending\n", d.left_inbox);
    }
    if (d.drained) {
      std::printf("  outbox drained %.0f ms after the last 200 (last reply at the fake +%.0f ms); "
                  "send pacing %.0f/s\n",
                  d.ms_drained, d.ms_last_reply, send_rate);
      if (d.ms_last_reply > 0 && r.out_sent > r.sent_at_load_end) {
        std::printf("  replies delivered after the load stopped: %lld in %.1f s = %.0f/s\n",
                    r.out_sent - r.sent_at_load_end, d.ms_last_reply / 1000,
                    static_cast<double>(r.out_sent - r.sent_at_load_end) / (d.ms_last_reply / 1000));
      }
    } else {
      std::printf("  outbox NOT drained within --drain-timeout: %lld replies still pending\n",
                  d.left_outbox);
    }
  } else {
    std::printf("  (no drain wait after the closed loop: its backlog at %.0f sends/s would take "
                "minutes; stopped with SIGTERM)\n",
                send_rate);
  }
  if (!r.log.webhook_ms_us.empty()) {
    const Percentiles sp = Summarize(r.log.webhook_ms_us);
    std::printf("  server-side time per webhook (its log, ms resolution, %zu requests): p50 %.0f, "
                "p99 %.0f, max %.0f ms\n",
                sp.n, sp.p50_ms, sp.p99_ms, sp.max_ms);
  }
  for (const auto& [s, n] : r.log.statuses) {
    if (s != 200) std::printf("  server logged status %d: %zu\n", s, n);
  }
  for (const auto& [e, n] : r.log.events) {
    if (e != "channel_enabled" && e != "channel_disabled") std::printf("  server log event %s: %zu\n", e.c_str(), n);
  }
  for (const auto& s : r.log.samples) std::printf("    e.g. %s\n", s.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--serve-bare") return ServeBare(std::atoi(argv[2]));
  signal(SIGPIPE, SIG_IGN);
  const Options opt = ParseOptions(argc, argv);
  if (access(opt.binary.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "bhxh-bot binary not found or not executable: %s (use --binary)\n",
                 opt.binary.c_str());
    return 2;
  }
  const auto run_start = Clock::now();

  // --------------------------------------------------------- requests
  // Each bhxh instance (fresh database) needs unique events: its warm-up and
  // its one measured phase. The closed loop's share assumes at most ~20k
  // events/s; --pool raises it.
  const size_t open_n = static_cast<size_t>(opt.rate * opt.open_duration_s);
  const size_t pool =
      opt.pool ? opt.pool
               : 1000 + std::max(open_n, static_cast<size_t>(20000 * opt.duration_s));
  const std::vector<std::string> texts = {
      "Cho em hỏi mức đóng BHXH tự nguyện hiện nay mỗi tháng là bao nhiêu tiền vậy ạ?",
      "Mẹ em năm nay 50 tuổi mới tham gia BHXH tự nguyện thì có kịp hưởng lương hưu không ạ?",
      "Thẻ BHYT của con em bị mất thì làm lại ở đâu, cần mang giấy tờ gì vậy ạ?",
      "Mức đóng bảo hiểm y tế hộ gia đình năm nay cho người thứ hai là bao nhiêu ạ?",
  };
  std::vector<std::string> reqs(pool);
  {
    const auto t0 = Clock::now();
    const long long ms = NowUnixMs();
    const std::string run = std::to_string(ms % 100000000);
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> builders;
    for (unsigned b = 0; b < hw; ++b) {
      builders.emplace_back([&, b] {
        for (size_t i = b; i < pool; i += hw) {
          char psid[40], mid[160];
          std::snprintf(psid, sizeof psid, "7%09zu%06lld", i, ms % 1000000);
          // Real mids are ~90 characters of base64; this one is unique per event.
          std::snprintf(mid, sizeof mid,
                        "m_BENCH%s-%09zu-AG5Hz2Uq7tuwQa9ZsQeLm0aQ9Vx4KpR1sTb8yNcWd3EfGh6JkLmNoPqRsTuVwXyZ012",
                        run.c_str(), i);
          reqs[i] = SignedMessengerRequest(MessengerBody(psid, mid, texts[i % texts.size()], ms));
        }
      });
    }
    for (auto& th : builders) th.join();
    const size_t first_body = reqs[0].size() - reqs[0].find("\r\n\r\n") - 4;
    std::printf("pre-built %zu signed Messenger events (body %zu bytes, unique mid and sender) in %.0f ms\n",
                pool, first_body, MsSince(t0, Clock::now()));
  }
  std::printf("machine: %u hardware threads; load generator, targets and fake Graph API share them\n",
              std::thread::hardware_concurrency());
  std::printf("settings: --duration %.1f s (closed loop)  --rounds %d  --open-duration %.1f s  "
              "--connections %d  --rate %.0f/s  --send-rate %.0f/s  --drain-timeout %.0f s\n",
              opt.duration_s, opt.rounds, opt.open_duration_s, opt.connections, opt.rate,
              opt.send_rate, opt.drain_timeout_s);
  std::fflush(stdout);

  std::vector<LoadResult> rows;
  TempDir dir("bhxh-bench-webhook");
  if (opt.keep) dir.keep();

  // --------------------------------------------------------- bare + bhxh
  // The machine is shared and its speed drifts over a run, so the closed
  // loops come in rounds: the bare listener, then a fresh bhxh-bot, each
  // round back to back; the target is judged on the median of the rounds'
  // ratios. The bhxh open loop runs last, on its own fresh instance: the
  // closed loop's backlog (it accepts events far faster than replies may be
  // sent) must not weigh on it.
  const bool run_bare = opt.only.empty() || opt.only == "bare";
  const bool run_bhxh = opt.only.empty() || opt.only == "bhxh";
  Child bare;
  int bare_port = 0;
  std::atomic<size_t> bare_next{0};
  if (run_bare) {
    bare_port = FreeLoopbackPort();
    const std::string err = bare.Start({SelfExe(), "--serve-bare", std::to_string(bare_port)},
                                       dir.File("bare.stdout"), dir.File("bare.stderr"));
    if (!err.empty()) {
      std::fprintf(stderr, "bare listener: %s\n", err.c_str());
      return 1;
    }
    const bool up = WaitUntil(
        [&] {
          RawConnection c(bare_port, std::chrono::milliseconds(500));
          return c.RoundTrip(reqs[0]).status == 200;
        },
        std::chrono::seconds(10));
    if (!up) {
      std::fprintf(stderr, "bare listener did not answer: %s\n", ReadFile(dir.File("bare.stderr")).c_str());
      return 1;
    }
    (void)OpenLoop(bare_port, reqs, bare_next, true, 8, 200, 0.5);  // warm-up
    LoadResult open = OpenLoop(bare_port, reqs, bare_next, true, opt.connections, opt.rate, opt.open_duration_s);
    open.target = "bare";
    rows.push_back(std::move(open));
  }
  int exit_code = 0;
  std::vector<std::pair<std::string, BotRun>> bot_runs;
  std::vector<double> ratios;
  // One fresh instance in dir "bhxh-<sub>", its phase's mode suffixed with
  // `tag`; its figures are printed under `title`.
  auto run_bot = [&](const std::string& sub, const std::string& title, const std::string& tag,
                     bool open_loop) -> bool {
    const std::string path = dir.File("bhxh-" + sub);
    std::filesystem::create_directories(path);
    std::atomic<size_t> next{0};  // a fresh database: the events may repeat across instances
    BotRun r = RunBot(opt, path, open_loop, reqs, next);
    if (!r.error.empty()) {
      std::fprintf(stderr, "bhxh-bot: %s\n", r.error.c_str());
      return false;
    }
    std::printf("bhxh-bot %s: done\n", title.c_str());
    std::fflush(stdout);
    r.load.mode += tag;
    rows.push_back(r.load);
    bot_runs.emplace_back(title, std::move(r));
    return true;
  };
  for (int round = 1; round <= opt.rounds; ++round) {
    const std::string tag = opt.rounds > 1 ? " #" + std::to_string(round) : "";
    double bare_eps = 0;
    if (run_bare) {
      LoadResult closed =
          ClosedLoop(bare_port, bare.pid(), reqs, bare_next, true, opt.connections, opt.duration_s);
      closed.target = "bare";
      closed.mode += tag;
      bare_eps = EventsPerSecond(closed);
      rows.push_back(std::move(closed));
      std::printf("bare listener closed loop%s: done\n", tag.c_str());
      std::fflush(stdout);
    }
    if (run_bhxh) {
      const std::string sub = "closed" + (tag.empty() ? "" : "-" + std::to_string(round));
      if (!run_bot(sub, "closed loop" + tag, tag, false)) return 1;
      const double bhxh_eps = EventsPerSecond(rows.back());
      if (bare_eps > 0 && bhxh_eps > 0) ratios.push_back(bhxh_eps / bare_eps);
    }
  }
  if (run_bare) bare.Stop();
  if (run_bhxh) {
    if (!run_bot("open", "open loop", "", true)) return 1;
  }

  // --------------------------------------------------------- table
  std::printf("\n%s%s%s%s%s%s%s\n", Pad("target", 7).c_str(), Pad("mode", 19).c_str(),
              Pad("events/s", 10, true).c_str(), Pad("p50 ms", 9, true).c_str(),
              Pad("p99 ms", 9, true).c_str(), Pad("max ms", 9, true).c_str(),
              Pad("errors", 8, true).c_str());
  for (const auto& r : rows) PrintRow(r);
  for (const auto& r : rows) PrintErrors(r);
  std::printf("(events/s = 200s / time from the first send to the last answer; an open loop below\n"
              " its offered rate means the last answers came late. Latency: closed loop from the\n"
              " send, open loop from the scheduled send time. errors = non-200 or no answer.)\n");
  std::printf("\nper second of each phase:\n");
  for (const auto& r : rows) PrintTimeline(r);
  auto find = [&](const std::string& t, const std::string& m) -> const LoadResult* {
    for (const auto& r : rows) {
      if (r.target == t && r.mode.rfind(m, 0) == 0) return &r;
    }
    return nullptr;
  };
  // CPU per event: what each 200 cost the target and the load generator.
  // Unlike events/s it hardly moves with the machine's drifting speed, so it
  // resolves changes of a few per cent that events/s cannot.
  std::map<std::string, std::vector<double>> server_us;
  std::printf(
      "\nCPU per 200 in the closed loops (user + system, from /proc; client = load generator%s):\n",
      run_bhxh ? " and, for bhxh, the fake Graph API" : "");
  for (const auto& r : rows) {
    if (r.server_cpu_s < 0 || r.ok == 0) continue;
    const double per = 1e6 / static_cast<double>(r.ok);
    server_us[r.target].push_back(r.server_cpu_s * per);
    std::printf("  %-5s %-19s server %6.1f us   client %6.1f us   server cores busy %.2f\n",
                r.target.c_str(), r.mode.c_str(), r.server_cpu_s * per, r.client_cpu_s * per,
                r.elapsed_s > 0 ? r.server_cpu_s / r.elapsed_s : 0.0);
  }
  auto median_of = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0.0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  if (!server_us["bare"].empty() && !server_us["bhxh"].empty()) {
    const double b = median_of(server_us["bare"]), h = median_of(server_us["bhxh"]);
    std::printf("  median server CPU per 200: bare %.1f us, bhxh %.1f us (bhxh/bare %.2fx)\n", b, h,
                h / b);
  }
  const LoadResult* bo = find("bare", "open");
  const LoadResult* ho = find("bhxh", "open");
  std::printf("\n");
  if (!ratios.empty()) {
    std::printf("ratio bhxh/bare, closed-loop throughput, per round:");
    for (double r : ratios) std::printf(" %.1f %%", 100 * r);
    const double median = median_of(ratios);
    std::printf(
        "\nratio bhxh/bare, closed-loop throughput, median of %zu: %.1f %%   (target >= 50 %%: "
        "%s)\n",
        ratios.size(), 100 * median, median >= 0.5 ? "met" : "NOT met");
  }
  if (bo && ho && !bo->lat_us.empty() && !ho->lat_us.empty()) {
    const Percentiles pb = Summarize(bo->lat_us), ph = Summarize(ho->lat_us);
    std::printf("ratio bhxh/bare, open-loop p99: %.1fx (%.2f vs %.2f ms)\n", ph.p99_ms / pb.p99_ms,
                ph.p99_ms, pb.p99_ms);
    std::printf("bhxh p99 at %.0f events/s: %.2f ms   (target < 50 ms: %s)\n", opt.rate, ph.p99_ms,
                ph.p99_ms < 50 ? "met" : "NOT met");
  }
  for (const auto& [title, r] : bot_runs) {
    PrintBotRun(title.c_str(), r, opt.send_rate);
    if (r.committed != static_cast<long long>(r.acked)) exit_code = 1;
  }
  if (opt.keep) std::printf("\nfiles kept in %s\n", dir.path().c_str());
  std::printf("\ntotal run time: %.1f s\n", MsSince(run_start, Clock::now()) / 1000.0);
  return exit_code;
}
