// Shared pieces of bench_webhook and bench_crash (bench/crash/ compiles
// bench/webhook/bench_support.cpp too): a child process, a raw-socket
// HTTP/1.1 keep-alive client, an in-process fake Graph API, signed
// Messenger bodies, latency percentiles and read-only SQLite queries.
//
// Everything talks to 127.0.0.1 only. Every wait is bounded by time.
#ifndef BHXH_BENCH_WEBHOOK_BENCH_SUPPORT_H_
#define BHXH_BENCH_WEBHOOK_BENCH_SUPPORT_H_

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bhxh::bench {

using Clock = std::chrono::steady_clock;

inline double MsSince(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// A loopback TCP port that was free a moment ago.
int FreeLoopbackPort();

// A fresh directory under $TMPDIR (or /tmp); removed by the destructor
// unless keep() was called.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  void Write(const std::string& name, const std::string& text) const;
  void keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

// A child process; stdout/stderr go to files. Not thread-safe.
class Child {
 public:
  Child() = default;
  ~Child();  // SIGKILL if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  // Returns "" or what went wrong.
  std::string Start(const std::vector<std::string>& argv, const std::string& stdout_path,
                    const std::string& stderr_path);
  void Kill(int sig);  // sends, does not wait
  // Waits up to `wait` for the child to end; true if it has (or never ran).
  bool Wait(std::chrono::milliseconds wait);
  // SIGTERM, then SIGKILL after `grace`.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  bool Running();
  pid_t pid() const { return pid_; }
  std::string exit_text() const { return exit_text_; }

 private:
  pid_t pid_ = -1;
  std::string exit_text_;
};

std::string ReadFile(const std::string& path);

// One HTTP/1.1 keep-alive connection on a raw socket (TCP_NODELAY). Not
// thread-safe: one per load thread.
class RawConnection {
 public:
  explicit RawConnection(int port, std::chrono::milliseconds io_timeout = std::chrono::seconds(10));
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  struct Result {
    int status = 0;           // 0: no HTTP answer (see error)
    std::string error;        // "connect: Connection refused", "reset", "timeout"...
    bool connect_failed = false;  // the request was never sent
    std::string body;
  };
  // Sends `request` (a complete HTTP/1.1 request) on the connection,
  // connecting first if needed, and reads one response. On any error the
  // connection is closed (the next call reconnects).
  Result RoundTrip(const std::string& request);
  // Connects now if not connected (to keep connection setup out of the
  // measured time). "" or the error.
  std::string Open();
  void Close();

 private:
  bool Connect(std::string* error);
  bool ReadResponse(Result* out);

  int port_;
  std::chrono::milliseconds timeout_;
  int fd_ = -1;
  std::string buf_;
};

// GET `path` on a fresh connection; the status, or 0.
int HttpGetStatus(int port, const std::string& path, std::chrono::milliseconds timeout);

// Polls `ok` every 10 ms until it is true or `timeout` passes.
bool WaitUntil(const std::function<bool()>& ok, std::chrono::milliseconds timeout);

// Latency samples in microseconds.
struct Percentiles {
  size_t n = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
};
Percentiles Summarize(std::vector<uint32_t> samples_us);

// The signing secret etc. used for every bhxh-bot started by the benches.
constexpr char kAppSecret[] = "bench-app-secret";
constexpr char kVerifyToken[] = "bench-verify";
constexpr char kPageToken[] = "bench-page-token";
constexpr char kPageId[] = "PAGE1";

// A signed Messenger webhook POST (complete request bytes), one text
// message event from `psid` with message id `mid`, timestamp `ms`.
// `pad_to` > 0 lengthens the mid (as real mids are long: ~90 chars) so the
// body is about that many bytes.
std::string MessengerBody(const std::string& psid, const std::string& mid, const std::string& text,
                          long long ms);
std::string SignedMessengerRequest(const std::string& body);

// Unix epoch milliseconds now.
long long NowUnixMs();

// The config file for bhxh-bot: Messenger enabled against `graph_url`,
// sends paced at `send_per_second`.
std::string BotConfigJson(const std::string& graph_url, double send_per_second, int send_workers);

// bhxh-bot serve as a child, health-checked.
class BotProcess {
 public:
  BotProcess(std::string binary, std::string config_path, std::string data_dir,
             std::string log_dir);
  ~BotProcess();
  // Starts on `port` (0: pick one) and waits for /healthz 200. "" or error.
  std::string Start(int port = 0, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void KillHard();  // SIGKILL, waits
  void Stop();      // SIGTERM (then SIGKILL), waits
  int port() const { return port_; }
  pid_t pid() const { return child_.pid(); }
  std::string db_path() const { return data_dir_ + "/bhxh-bot.db"; }
  std::string stderr_path() const { return log_dir_ + "/bot.stderr." + std::to_string(starts_); }
  bool Running() { return child_.Running(); }

 private:
  std::string binary_, config_path_, data_dir_, log_dir_;
  int port_ = 0;
  int starts_ = 0;
  Child child_;
};

// Read-only SQLite: one integer (or -1 on error).
long long QueryInt(const std::string& db_path, const std::string& sql);
// Rows of (text, integer) for a two-column query.
std::vector<std::pair<std::string, long long>> QueryTextInt(const std::string& db_path,
                                                            const std::string& sql);

// The fake Graph API (cpprestsdk http_listener on 127.0.0.1): answers every
// POST with {"recipient_id":"x","message_id":"m"} and records every message
// (typing indicators and other sender actions are only counted).
class FakeGraph {
 public:
  struct Delivery {
    Clock::time_point at;
    uint64_t body_hash;
  };
  FakeGraph();
  ~FakeGraph();
  std::string base_url() const;
  size_t messages() const { return messages_.load(); }
  size_t actions() const { return actions_.load(); }
  size_t bad() const { return bad_.load(); }
  Clock::time_point last_message_at() const;
  // Recipient id -> deliveries, in arrival order.
  std::map<std::string, std::vector<Delivery>> ByRecipient() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<size_t> messages_{0}, actions_{0}, bad_{0};
};

// A table printer for fixed columns.
std::string Pad(const std::string& s, size_t width, bool right = false);
std::string Fixed(double v, int decimals);

}  // namespace bhxh::bench

#endif  // BHXH_BENCH_WEBHOOK_BENCH_SUPPORT_H_
