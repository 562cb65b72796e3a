#include "bench/webhook/bench_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cpprest/http_listener.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "bot/channels/webhook_signature.h"

namespace bhxh::bench {

using json = nlohmann::json;

// ---------------------------------------------------------------- process

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    socklen_t len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

TempDir::TempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = (tmp && *tmp) ? tmp : "/tmp";
  std::string templ = base + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    std::perror("mkdtemp");
    std::exit(2);
  }
  path_ = buf.data();
}

TempDir::~TempDir() {
  if (keep_) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::Write(const std::string& name, const std::string& text) const {
  std::ofstream out(File(name), std::ios::binary);
  out << text;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Child::~Child() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    Wait(std::chrono::seconds(10));
  }
}

std::string Child::Start(const std::vector<std::string>& args, const std::string& stdout_path,
                         const std::string& stderr_path) {
  if (pid_ > 0) return "already running";
  // Prepared before fork(): only async-signal-safe calls in the child
  // (this process runs cpprestsdk threads).
  std::vector<std::string> strings = args;
  std::vector<char*> argv;
  for (auto& s : strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const long max_fd = std::min<long>(sysconf(_SC_OPEN_MAX) > 0 ? sysconf(_SC_OPEN_MAX) : 1024, 65536);
  const pid_t pid = fork();
  if (pid < 0) return std::string("fork: ") + std::strerror(errno);
  if (pid == 0) {
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    for (long fd = 3; fd < max_fd; ++fd) close(static_cast<int>(fd));
    // Signals blocked in the parent's thread are inherited: clear them.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  exit_text_.clear();
  return "";
}

void Child::Kill(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

bool Child::Wait(std::chrono::milliseconds wait) {
  if (pid_ <= 0) return true;
  const auto deadline = Clock::now() + wait;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      if (WIFEXITED(status)) {
        exit_text_ = "exit code " + std::to_string(WEXITSTATUS(status));
      } else if (WIFSIGNALED(status)) {
        exit_text_ = "signal " + std::to_string(WTERMSIG(status));
      }
      pid_ = -1;
      return true;
    }
    if (r < 0) {
      pid_ = -1;
      return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void Child::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  if (!Wait(grace)) {
    kill(pid_, SIGKILL);
    Wait(std::chrono::seconds(10));
  }
}

bool Child::Running() { return pid_ > 0 && !Wait(std::chrono::milliseconds(0)); }

// ---------------------------------------------------------------- client

RawConnection::RawConnection(int port, std::chrono::milliseconds io_timeout)
    : port_(port), timeout_(io_timeout) {}

RawConnection::~RawConnection() { Close(); }

void RawConnection::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  buf_.clear();
}

bool RawConnection::Connect(std::string* error) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout_.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout_.count() % 1000) * 1000);
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *error = std::string("connect: ") + std::strerror(errno);
    close(fd_);
    fd_ = -1;
    return false;
  }
  return true;
}

namespace {

// Case-insensitive search of a header's value in a header block.
bool HeaderValue(const std::string& head, const char* name, std::string* value) {
  const size_t n = std::strlen(name);
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    const size_t start = pos + 2;
    const size_t end = head.find("\r\n", start);
    const std::string line = head.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.size() > n && line[n] == ':' && strncasecmp(line.c_str(), name, n) == 0) {
      size_t v = n + 1;
      while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
      *value = line.substr(v);
      return true;
    }
    pos = end;
  }
  return false;
}

}  // namespace

bool RawConnection::ReadResponse(Result* out) {
  char chunk[16384];
  auto fill = [&]() -> bool {
    const ssize_t r = recv(fd_, chunk, sizeof chunk, 0);
    if (r > 0) {
      buf_.append(chunk, static_cast<size_t>(r));
      return true;
    }
    if (r == 0) {
      out->error = "connection closed by server";
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      out->error = "timeout";
    } else {
      out->error = std::string("recv: ") + std::strerror(errno);
    }
    return false;
  };
  size_t head_end;
  while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (buf_.size() > 65536) {
      out->error = "header too large";
      return false;
    }
    if (!fill()) return false;
  }
  const std::string head = buf_.substr(0, head_end);
  size_t pos = head_end + 4;
  if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) {
    out->error = "bad status line";
    return false;
  }
  out->status = std::atoi(head.c_str() + 9);
  std::string value;
  bool close_after = false;
  if (HeaderValue(head, "connection", &value) && strncasecmp(value.c_str(), "close", 5) == 0) {
    close_after = true;
  }
  if (HeaderValue(head, "transfer-encoding", &value) &&
      value.find("chunked") != std::string::npos) {
    std::string body;
    for (;;) {
      size_t line_end;
      while ((line_end = buf_.find("\r\n", pos)) == std::string::npos) {
        if (!fill()) return false;
      }
      const size_t size = std::strtoul(buf_.c_str() + pos, nullptr, 16);
      pos = line_end + 2;
      while (buf_.size() < pos + size + 2) {
        if (!fill()) return false;
      }
      body.append(buf_, pos, size);
      pos += size + 2;
      if (size == 0) break;
    }
    out->body = std::move(body);
    buf_.erase(0, pos);
  } else if (HeaderValue(head, "content-length", &value)) {
    const size_t len = std::strtoul(value.c_str(), nullptr, 10);
    while (buf_.size() < pos + len) {
      if (!fill()) return false;
    }
    out->body = buf_.substr(pos, len);
    buf_.erase(0, pos + len);
  } else {
    // No length: the body ends with the connection.
    while (fill()) {
    }
    out->body = buf_.substr(pos);
    buf_.clear();
    out->error.clear();
    close_after = true;
  }
  if (close_after) Close();
  return true;
}

std::string RawConnection::Open() {
  if (fd_ >= 0) return "";
  std::string error;
  return Connect(&error) ? "" : error;
}

RawConnection::Result RawConnection::RoundTrip(const std::string& request) {
  Result out;
  if (fd_ < 0) {
    if (!Connect(&out.error)) {
      out.connect_failed = true;
      return out;
    }
  }
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t w = send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (w <= 0) {
      out.error = std::string("send: ") + (w == 0 ? "closed" : std::strerror(errno));
      Close();
      return out;
    }
    sent += static_cast<size_t>(w);
  }
  if (!ReadResponse(&out)) {
    out.status = 0;
    Close();
  }
  return out;
}

int HttpGetStatus(int port, const std::string& path, std::chrono::milliseconds timeout) {
  RawConnection c(port, timeout);
  auto r = c.RoundTrip("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  return r.status;
}

bool WaitUntil(const std::function<bool()>& ok, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (ok()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Percentiles Summarize(std::vector<uint32_t> s) {
  Percentiles p;
  p.n = s.size();
  if (s.empty()) return p;
  std::sort(s.begin(), s.end());
  auto at = [&](double q) {
    size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(s.size()))) ;
    if (i > 0) --i;
    if (i >= s.size()) i = s.size() - 1;
    return s[i] / 1000.0;
  };
  p.p50_ms = at(0.50);
  p.p99_ms = at(0.99);
  p.max_ms = s.back() / 1000.0;
  double sum = 0;
  for (uint32_t v : s) sum += v;
  p.mean_ms = sum / static_cast<double>(s.size()) / 1000.0;
  return p;
}

// ---------------------------------------------------------------- bodies

long long NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string MessengerBody(const std::string& psid, const std::string& mid, const std::string& text,
                          long long ms) {
  // The shape Meta sends (compact JSON, as on the wire).
  json body = {{"object", "page"},
               {"entry",
                {{{"id", kPageId},
                  {"time", ms},
                  {"messaging",
                   {{{"sender", {{"id", psid}}},
                     {"recipient", {{"id", kPageId}}},
                     {"timestamp", ms},
                     {"message", {{"mid", mid}, {"text", text}}}}}}}}}};
  return body.dump();
}

std::string SignedMessengerRequest(const std::string& body) {
  std::string r;
  r.reserve(body.size() + 256);
  r += "POST /webhook/messenger HTTP/1.1\r\nHost: 127.0.0.1\r\n"
       "User-Agent: facebookexternalua\r\nContent-Type: application/json\r\n"
       "X-Hub-Signature-256: sha256=";
  r += HmacSha256Hex(kAppSecret, body);
  r += "\r\nContent-Length: ";
  r += std::to_string(body.size());
  r += "\r\n\r\n";
  r += body;
  return r;
}

std::string BotConfigJson(const std::string& graph_url, double send_per_second, int send_workers) {
  json config = {
      {"messenger",
       {{"page_access_token", kPageToken},
        {"app_secret", kAppSecret},
        {"verify_token", kVerifyToken},
        {"app_id", "999"},
        {"graph_base_url", graph_url}}},
      {"sending",
       {{"base_backoff_ms", 50},
        {"max_backoff_ms", 1000},
        {"max_attempts", 30},
        {"messenger_per_second", send_per_second},
        {"workers", send_workers},
        {"http_timeout_ms", 5000}}}};
  return config.dump(2);
}

// ---------------------------------------------------------------- bot

BotProcess::BotProcess(std::string binary, std::string config_path, std::string data_dir,
                       std::string log_dir)
    : binary_(std::move(binary)),
      config_path_(std::move(config_path)),
      data_dir_(std::move(data_dir)),
      log_dir_(std::move(log_dir)) {}

BotProcess::~BotProcess() { Stop(); }

std::string BotProcess::Start(int port, std::chrono::milliseconds timeout) {
  port_ = port > 0 ? port : FreeLoopbackPort();
  ++starts_;
  const std::string err = child_.Start(
      {binary_, "--config", config_path_, "serve", "--host", "127.0.0.1", "--port",
       std::to_string(port_), "--data-dir", data_dir_},
      log_dir_ + "/bot.stdout." + std::to_string(starts_), stderr_path());
  if (!err.empty()) return err;
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (!child_.Running()) {
      return "bhxh-bot ended during startup (" + child_.exit_text() + "): " +
             ReadFile(stderr_path()).substr(0, 2000);
    }
    if (HttpGetStatus(port_, "/healthz", std::chrono::milliseconds(1000)) == 200) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  child_.Kill(SIGKILL);
  child_.Wait(std::chrono::seconds(10));
  return "bhxh-bot not healthy in time: " + ReadFile(stderr_path()).substr(0, 2000);
}

void BotProcess::KillHard() {
  child_.Kill(SIGKILL);
  child_.Wait(std::chrono::seconds(10));
}

void BotProcess::Stop() { child_.Stop(); }

// ---------------------------------------------------------------- sqlite

namespace {

template <typename RowFn>
bool Query(const std::string& db_path, const std::string& sql, RowFn row) {
  sqlite3* db = nullptr;
  bool ok = false;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
      int rc;
      while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st);
      ok = rc == SQLITE_DONE;
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return ok;
}

}  // namespace

long long QueryInt(const std::string& db_path, const std::string& sql) {
  long long value = -1;
  if (!Query(db_path, sql, [&](sqlite3_stmt* st) { value = sqlite3_column_int64(st, 0); })) return -1;
  return value;
}

std::vector<std::pair<std::string, long long>> QueryTextInt(const std::string& db_path,
                                                            const std::string& sql) {
  std::vector<std::pair<std::string, long long>> rows;
  Query(db_path, sql, [&](sqlite3_stmt* st) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    rows.emplace_back(t ? reinterpret_cast<const char*>(t) : "", sqlite3_column_int64(st, 1));
  });
  return rows;
}

// ---------------------------------------------------------------- fake graph

struct FakeGraph::Impl {
  std::unique_ptr<web::http::experimental::listener::http_listener> listener;
  int port = 0;
  mutable std::mutex mu;
  std::map<std::string, std::vector<Delivery>> by_recipient;
  Clock::time_point last_message{};
};

FakeGraph::FakeGraph() : impl_(std::make_unique<Impl>()) {
  using namespace web::http;
  for (int attempt = 0; attempt < 20 && !impl_->listener; ++attempt) {
    const int port = FreeLoopbackPort();
    try {
      auto l = std::make_unique<experimental::listener::http_listener>(
          web::uri("http://127.0.0.1:" + std::to_string(port) + "/"));
      Impl* impl = impl_.get();
      l->support([this, impl](http_request req) {
        req.extract_utf8string(true).then([this, impl, req](pplx::task<std::string> t) {
          std::string body;
          try {
            body = t.get();
          } catch (...) {
          }
          const auto now = Clock::now();
          json j = json::parse(body, nullptr, false);
          if (j.is_object() && j.contains("message") && j["recipient"].is_object() &&
              j["recipient"]["id"].is_string()) {
            std::lock_guard<std::mutex> lock(impl->mu);
            impl->by_recipient[j["recipient"]["id"].get<std::string>()].push_back(
                Delivery{now, std::hash<std::string>{}(j["message"].dump())});
            impl->last_message = now;
            ++messages_;
          } else if (j.is_object() && j.contains("sender_action")) {
            ++actions_;
          } else {
            ++bad_;
          }
          http_response resp(status_codes::OK);
          resp.set_body(std::string(R"({"recipient_id":"x","message_id":"m"})"),
                        "application/json");
          req.reply(resp).then([](pplx::task<void> r) {
            try {
              r.get();
            } catch (...) {
            }
          });
        });
      });
      l->open().wait();
      impl_->listener = std::move(l);
      impl_->port = port;
    } catch (...) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  if (!impl_->listener) {
    std::fprintf(stderr, "fake Graph API: cannot listen\n");
    std::exit(2);
  }
}

FakeGraph::~FakeGraph() {
  try {
    impl_->listener->close().wait();
  } catch (...) {
  }
}

std::string FakeGraph::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + "/v21.0";
}

Clock::time_point FakeGraph::last_message_at() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->last_message;
}

std::map<std::string, std::vector<FakeGraph::Delivery>> FakeGraph::ByRecipient() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->by_recipient;
}

// ---------------------------------------------------------------- table

std::string Pad(const std::string& s, size_t width, bool right) {
  // Width in bytes is fine: the tables are ASCII.
  if (s.size() >= width) return s;
  return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace bhxh::bench
