#include "bot/http_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <cpprest/http_listener.h>
#include <cpprest/http_msg.h>
#include <nlohmann/json.hpp>

#include "bot/build_info.h"
#include "bot/rate_limiter.h"
#include "bot/static_files.h"

namespace bhxh {

namespace {

namespace http = web::http;
using http::experimental::listener::http_listener;
using http::experimental::listener::http_listener_config;
using json = nlohmann::json;

constexpr char kJsonType[] = "application/json; charset=utf-8";
// Pages load only what they ship with: no inline script, no third party.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'";
constexpr size_t kMaxSessionChars = 128;
// Calls of one session are serialised on one of these locks (session id
// hashed). A fixed array bounds memory whatever number of sessions a client
// invents; two sessions sharing a stripe merely wait for each other.
constexpr size_t kSessionStripes = 64;

// Messages of the API's error answers. The page shows its own wording; these
// are for whoever reads the API traffic, and tests pin them.
constexpr char kErrMalformedJson[] = "nội dung không phải JSON hợp lệ";
constexpr char kErrNotObject[] = "nội dung phải là một đối tượng JSON";
constexpr char kErrSessionMissing[] = "thiếu trường \"session\"";
constexpr char kErrSessionNotString[] = "trường \"session\" phải là chuỗi";
constexpr char kErrSessionFormat[] =
    "trường \"session\" phải gồm 1–128 ký tự A-Z, a-z, 0-9, _ hoặc -";
constexpr char kErrTextNotString[] = "trường \"text\" phải là chuỗi";
constexpr char kErrPayloadNotString[] = "trường \"payload\" phải là chuỗi";
constexpr char kErrNothingToHandle[] = "cần có \"text\" hoặc \"payload\"";
constexpr char kErrMeetingFormat[] =
    "trường \"meeting\" phải là mã hội nghị (chữ thường không dấu, số, dấu gạch ngang; tối đa 64 ký tự)";

// A meeting id as the schedule defines it: [a-z0-9-]{1,64}.
bool IsValidMeetingId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}
constexpr char kErrRateLimited[] = "bạn gửi quá nhanh, vui lòng thử lại sau ít giây";
constexpr char kErrNotFound[] = "không tìm thấy";
constexpr char kErrMethod[] = "phương thức không được hỗ trợ";
constexpr char kErrInternal[] = "lỗi máy chủ, vui lòng thử lại";
constexpr char kErrBusy[] = "máy chủ đang bận, vui lòng thử lại sau ít giây";

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case StatusCode::kNotFound: return "NOT_FOUND";
    case StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case StatusCode::kUnavailable: return "UNAVAILABLE";
    case StatusCode::kInternal: return "INTERNAL";
  }
  return "UNKNOWN";
}

bool IsSessionChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-';
}

bool IsValidSession(const std::string& s) {
  if (s.empty() || s.size() > kMaxSessionChars) return false;
  for (char c : s) {
    if (!IsSessionChar(c)) return false;
  }
  return true;
}

// Code points of valid UTF-8 (the JSON parser has already rejected invalid
// UTF-8): every byte that is not a continuation byte starts one.
size_t CodePoints(const std::string& utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

// Serialises without throwing: text from content or the engine with a bad
// byte is sent with U+FFFD instead of turning into a 500.
std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string ErrorBody(const std::string& message) { return Dump(json{{"error", message}}); }

// Everything the one log line of a request needs. Never the body, the path
// as sent, the session id or the client address: only our own labels.
struct RequestLog {
  std::string id;
  std::string method;
  const char* route = "unknown";
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::string error;  // our own status code and message, for 500s
  std::string note;   // a route's short label (RawHttpResponse::log_note)
};

}  // namespace

struct HttpServer::Impl {
  Impl(HttpServerOptions opts, DialogEngine& eng, std::function<HealthReport()> health_fn,
       const Clock& clk)
      : options(std::move(opts)),
        engine(eng),
        health(std::move(health_fn)),
        clock(clk),
        limiter(RateLimiterOptions{options.chat_messages_per_minute, options.chat_burst, 10000},
                clk) {
    std::random_device rd;
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%08x", static_cast<unsigned>(rd()));
    id_prefix = prefix;
  }

  // Entry point for every request; never throws.
  void Handle(http::http_request request);
  void HandleChat(http::http_request request, std::shared_ptr<RequestLog> log);
  // Validates one chat body, asks the engine and sends the answer (or the
  // 4xx naming what is wrong). Throws only what the engine or the allocator
  // throws; the caller turns that into a 500.
  void AnswerChat(const http::http_request& request, const std::vector<unsigned char>& body,
                  const std::shared_ptr<RequestLog>& log);
  void HandleHealth(const http::http_request& request, const std::shared_ptr<RequestLog>& log);
  // Runs `work`; an exception becomes a 500 carrying the request id (an
  // exception escaping to cpprestsdk would be a silent 500).
  template <typename F>
  void Guarded(const http::http_request& request, const std::shared_ptr<RequestLog>& log,
               F&& work) {
    try {
      work();
    } catch (const std::exception& e) {
      log->error = std::string("exception: ") + e.what();
      SendInternalError(request, log);
    } catch (...) {
      log->error = "unknown exception";
      SendInternalError(request, log);
    }
  }
  // Reads the body, then runs `next(body)` guarded. A body without
  // Content-Length (chunked) is only measured once read; in production
  // nginx's client_max_body_size bounds it before it gets here.
  template <typename F>
  void WithBody(const http::http_request& request, const std::shared_ptr<RequestLog>& log,
                F next) {
    request.extract_vector().then(
        [this, request, log, next](pplx::task<std::vector<unsigned char>> body_task) {
          Guarded(request, log, [&] { next(body_task.get()); });
        });
  }
  // True unless the request announces a Content-Length over `max` bytes (or
  // one that is not a plain number), which is refused before reading.
  static bool AnnouncedLengthFits(const http::http_request& request, size_t max) {
    const auto& headers = request.headers();
    auto it = headers.find(http::header_names::content_length);
    if (it == headers.end()) return true;
    const std::string& value = it->second;
    char* end = nullptr;
    errno = 0;
    const unsigned long long announced = std::strtoull(value.c_str(), &end, 10);
    const bool parsed = !value.empty() && end != nullptr && *end == '\0' && errno == 0 &&
                        value.find('-') == std::string::npos;
    return parsed && announced <= max;
  }
  // True when `method` is one of `allowed`; otherwise answers 405 with an
  // Allow header and returns false.
  bool AllowMethod(const http::http_request& request, const std::shared_ptr<RequestLog>& log,
                   const std::string& method, const std::vector<std::string>& allowed) {
    if (std::find(allowed.begin(), allowed.end(), method) != allowed.end()) return true;
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    SendError(request, log, http::status_codes::MethodNotAllowed, kErrMethod, {{"Allow", allow}});
    return false;
  }
  void HandleStatic(const http::http_request& request, const std::string& path,
                    const std::shared_ptr<RequestLog>& log);

  // Sends the answer, writes the log line and ends the request; never
  // throws. Every request gets exactly one Send (or one SendError).
  void Send(const http::http_request& request, const std::shared_ptr<RequestLog>& log,
            http::status_code status, std::string body, const std::string& content_type,
            bool is_page, const std::vector<std::pair<std::string, std::string>>& extra = {});
  // Send's parts: the answer, and the log line (with its newline).
  void Answer(const http::http_request& request, const std::shared_ptr<RequestLog>& log,
              http::status_code status, std::string body, const std::string& content_type,
              bool is_page, const std::vector<std::pair<std::string, std::string>>& extra);
  static std::string LogLine(const RequestLog& log, http::status_code status);
  void SendJson(const http::http_request& request, const std::shared_ptr<RequestLog>& log,
                http::status_code status, const json& body,
                const std::vector<std::pair<std::string, std::string>>& extra = {}) {
    Send(request, log, status, Dump(body), kJsonType, false, extra);
  }
  void SendError(const http::http_request& request, const std::shared_ptr<RequestLog>& log,
                 http::status_code status, const std::string& message,
                 const std::vector<std::pair<std::string, std::string>>& extra = {}) {
    Send(request, log, status, ErrorBody(message), kJsonType, false, extra);
  }
  void SendInternalError(const http::http_request& request,
                         const std::shared_ptr<RequestLog>& log) {
    SendJson(request, log, http::status_codes::InternalError,
             json{{"error", kErrInternal}, {"request_id", log->id}});
  }

  std::string NextRequestId() {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s-%06llu", id_prefix.c_str(),
                  static_cast<unsigned long long>(++request_counter));
    return buf;
  }

  // In-flight accounting: a chat continuation runs after the cpprestsdk
  // handler has returned, so http_listener::close() does not wait for it;
  // Stop() waits on this count so no continuation outlives the Impl.
  void BeginRequest() {
    std::lock_guard<std::mutex> lock(flight_mu);
    ++in_flight;
  }
  void EndRequest() {
    std::lock_guard<std::mutex> lock(flight_mu);
    if (--in_flight == 0) flight_cv.notify_all();
  }

  HttpServerOptions options;
  DialogEngine& engine;
  std::function<HealthReport()> health;
  const Clock& clock;
  RateLimiter limiter;
  std::array<std::mutex, kSessionStripes> session_locks;

  struct Route {
    std::vector<std::string> methods;
    size_t max_body_bytes = 0;
    RawRouteHandler handler;         // either this one,
    DeferredRouteHandler deferred;   // or this one
  };
  std::map<std::string, Route> routes;  // registered before Start, read-only after
  void HandleRoute(http::http_request request, const Route& route, std::shared_ptr<RequestLog> log);

  std::string id_prefix;
  std::atomic<unsigned long long> request_counter{0};

  // Answers of deferred routes, written by one pool task at a time: a
  // database writer that finishes a batch hands over its answers with one
  // wake-up instead of one per request (each reply() schedules cpprestsdk's
  // send continuation, which would otherwise pre-empt the writer again and
  // again on a small machine).
  class DeferredReply;
  struct QueuedReply {
    http::http_request request;
    std::shared_ptr<RequestLog> log;
    RawHttpResponse response;
  };
  void QueueReply(QueuedReply reply);
  void DrainReplies();
  std::mutex reply_mu;
  std::vector<QueuedReply> queued_replies;  // guarded by reply_mu
  bool drain_scheduled = false;      // guarded by reply_mu

  std::mutex flight_mu;
  std::condition_variable flight_cv;
  size_t in_flight = 0;  // guarded by flight_mu

  std::mutex listener_mu;  // guards listener across Start/Stop
  std::unique_ptr<http_listener> listener;
};

// The shared state of a Responder: answers once, and with a 500 when the
// last Responder goes away unanswered.
class HttpServer::Impl::DeferredReply final : public Responder::Pending {
 public:
  DeferredReply(Impl& impl, http::http_request request, std::shared_ptr<RequestLog> log)
      : impl_(impl), request_(std::move(request)), log_(std::move(log)) {}
  ~DeferredReply() override { Fail("the deferred route dropped its request unanswered"); }

  void Answer(RawHttpResponse response) override {
    if (answered_.exchange(true)) return;
    if (!response.log_note.empty()) log_->note = std::move(response.log_note);
    impl_.QueueReply({request_, log_, std::move(response)});
  }
  // Answers 500, recording `error` in the request log, unless answered.
  void Fail(std::string error) noexcept {
    if (answered_.exchange(true)) return;
    try {
      log_->error = std::move(error);
      RawHttpResponse internal;
      internal.status = http::status_codes::InternalError;
      internal.body = Dump(json{{"error", kErrInternal}, {"request_id", log_->id}});
      impl_.QueueReply({request_, log_, std::move(internal)});
    } catch (...) {
      // Out of memory: the client's timeout is all that is left.
    }
  }

 private:
  Impl& impl_;
  http::http_request request_;
  std::shared_ptr<RequestLog> log_;
  std::atomic<bool> answered_{false};
};

void HttpServer::Impl::QueueReply(QueuedReply reply) {
  bool schedule = false;
  {
    std::lock_guard<std::mutex> lock(reply_mu);
    queued_replies.push_back(std::move(reply));
    schedule = !drain_scheduled;
    drain_scheduled = true;
  }
  if (!schedule) return;
  // The drain counts as a request in flight, so Stop() waits for it too.
  BeginRequest();
  try {
    pplx::create_task([this] {
      DrainReplies();
      EndRequest();
    });
  } catch (...) {
    // The pool refused the task: write the answers on this thread.
    DrainReplies();
    EndRequest();
  }
}

void HttpServer::Impl::DrainReplies() {
  for (;;) {
    std::vector<QueuedReply> batch;
    {
      std::lock_guard<std::mutex> lock(reply_mu);
      if (queued_replies.empty()) {
        drain_scheduled = false;
        return;
      }
      batch.swap(queued_replies);
    }
    // One write for the batch's log lines instead of one per request.
    std::string lines;
    for (QueuedReply& r : batch) {
      const auto status = static_cast<http::status_code>(r.response.status);
      Answer(r.request, r.log, status, std::move(r.response.body), r.response.content_type, false,
            {});
      try {
        lines += LogLine(*r.log, status);
      } catch (...) {
        // Out of memory: the line is lost; every request still ends below.
      }
    }
    std::fwrite(lines.data(), 1, lines.size(), stderr);
    for (size_t i = 0; i < batch.size(); ++i) EndRequest();
  }
}

void HttpServer::Impl::Send(const http::http_request& request,
                            const std::shared_ptr<RequestLog>& log, http::status_code status,
                            std::string body, const std::string& content_type, bool is_page,
                            const std::vector<std::pair<std::string, std::string>>& extra) {
  Answer(request, log, status, std::move(body), content_type, is_page, extra);
  const std::string line = LogLine(*log, status);
  std::fwrite(line.data(), 1, line.size(), stderr);
  EndRequest();
}

void HttpServer::Impl::Answer(const http::http_request& request,
                              const std::shared_ptr<RequestLog>& log, http::status_code status,
                              std::string body, const std::string& content_type, bool is_page,
                              const std::vector<std::pair<std::string, std::string>>& extra) {
  try {
    http::http_response response(status);
    response.set_body(std::move(body), content_type);
    auto& h = response.headers();
    h.set_content_type(content_type);
    h.add("X-Request-Id", log->id);
    h.add("X-Content-Type-Options", "nosniff");
    h.add("Referrer-Policy", "no-referrer");
    if (is_page) {
      h.add("Content-Security-Policy", kContentSecurityPolicy);
      // Revalidate, so a kiosk picks up an edited page without a cache purge.
      h.add("Cache-Control", "no-cache");
    } else {
      h.add("Cache-Control", "no-store");
    }
    for (const auto& [name, value] : extra) h.add(name, value);
    // The reply task fails when the client has gone away; observe it, since
    // an unobserved pplx task exception raises SIGTRAP.
    request.reply(response).then([](pplx::task<void> t) {
      try {
        t.get();
      } catch (...) {
      }
    });
  } catch (...) {
    // Nothing more can be told to this client.
  }
}

std::string HttpServer::Impl::LogLine(const RequestLog& log, http::status_code status) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - log.start)
                      .count();
  try {
    // Written by hand, as this runs for every request; only the free-text
    // fields (our own error and note texts) need JSON escaping.
    std::string text = "{\"request_id\":\"" + log.id + "\",\"method\":\"" + log.method +
                       "\",\"route\":" + Dump(json(log.route)) +
                       ",\"status\":" + std::to_string(status) + ",\"ms\":" + std::to_string(ms);
    if (!log.error.empty()) text += ",\"error\":" + Dump(json(log.error));
    if (!log.note.empty()) text += ",\"note\":" + Dump(json(log.note));
    text += "}\n";
    return text;
  } catch (...) {
    return std::string();  // out of memory: the line is lost, not the answer
  }
}

void HttpServer::Impl::Handle(http::http_request request) {
  auto log = std::make_shared<RequestLog>();
  BeginRequest();
  Guarded(request, log, [&] {
    log->id = NextRequestId();
    const std::string method = request.method();
    // Only our own method names reach the log, never what a client invents.
    log->method = (method == http::methods::GET || method == http::methods::POST ||
                   method == http::methods::HEAD)
                      ? method
                      : "other";
    // "//x/y" parses as a host "x" and the path "/y"; such a target is not
    // a path of ours, whatever the remaining path looks like.
    const web::uri& target = request.request_uri();
    if (target.scheme().empty() && !target.host().empty()) {
      SendError(request, log, http::status_codes::NotFound, kErrNotFound);
      return;
    }
    const std::string path = request.relative_uri().path();
    auto r = routes.find(path);
    if (r == routes.end()) {
      // "/calendar/*" serves every path under "/calendar/".
      for (auto it = routes.begin(); it != routes.end(); ++it) {
        const std::string& key = it->first;
        if (key.size() >= 2 && key.compare(key.size() - 2, 2, "/*") == 0 &&
            path.size() > key.size() - 1 && path.compare(0, key.size() - 1, key, 0, key.size() - 1) == 0) {
          r = it;
          break;
        }
      }
    }
    if (r != routes.end()) {
      log->route = r->first.c_str();
      if (AllowMethod(request, log, method, r->second.methods)) HandleRoute(request, r->second, log);
      return;
    }
    if (path == "/api/chat") {
      log->route = "/api/chat";
      if (AllowMethod(request, log, method, {http::methods::POST})) HandleChat(request, log);
      return;
    }
    if (path == "/healthz") {
      log->route = "/healthz";
      if (AllowMethod(request, log, method, {http::methods::GET})) HandleHealth(request, log);
      return;
    }
    log->route = "static";
    if (!StaticFileName(path)) {
      log->route = "unknown";
      SendError(request, log, http::status_codes::NotFound, kErrNotFound);
      return;
    }
    if (AllowMethod(request, log, method, {http::methods::GET})) HandleStatic(request, path, log);
  });
}

void HttpServer::Impl::HandleHealth(const http::http_request& request,
                                    const std::shared_ptr<RequestLog>& log) {
  HealthReport report;
  report.database = "ok";
  if (health) {
    try {
      report = health();
    } catch (...) {
      // A check that blows up is a failed check, not a server error.
      report.ok = false;
      report.database = "health check failed";
    }
  }
  json body = {{"status", report.ok ? "ok" : "degraded"},
               {"version", BHXH_VERSION},
               {"database", report.database}};
  for (const auto& [name, value] : report.checks) body[name] = value;
  SendJson(request, log,
           report.ok ? http::status_codes::OK : http::status_codes::ServiceUnavailable, body);
}

void HttpServer::Impl::HandleStatic(const http::http_request& request, const std::string& path,
                                    const std::shared_ptr<RequestLog>& log) {
  const std::optional<std::string> name = StaticFileName(path);
  const std::optional<std::string> type = name ? StaticContentType(*name) : std::nullopt;
  std::optional<std::string> data = name ? ReadStaticFile(options.web_dir, *name) : std::nullopt;
  if (!name || !type || !data) {
    SendError(request, log, http::status_codes::NotFound, kErrNotFound);
    return;
  }
  Send(request, log, http::status_codes::OK, std::move(*data), *type, true);
}

void HttpServer::Impl::HandleRoute(http::http_request request, const Route& route,
                                   std::shared_ptr<RequestLog> log) {
  auto too_large = [&route] {
    return "request body too large (at most " + std::to_string(route.max_body_bytes) + " bytes)";
  };
  if (!AnnouncedLengthFits(request, route.max_body_bytes)) {
    SendError(request, log, http::status_codes::RequestEntityTooLarge, too_large());
    return;
  }
  WithBody(request, log, [this, request, &route, log, too_large](const std::vector<unsigned char>& body) {
    if (body.size() > route.max_body_bytes) {
      SendError(request, log, http::status_codes::RequestEntityTooLarge, too_large());
      return;
    }
    RawHttpRequest raw;
    raw.method = request.method();
    const web::uri target = request.relative_uri();
    raw.path = target.path();
    raw.body.assign(body.begin(), body.end());
    for (const auto& [name, value] : request.headers()) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      raw.headers.emplace(std::move(lower), value);
    }
    if (!target.query().empty()) {
      try {
        for (const auto& [k, v] : web::uri::split_query(target.query())) {
          raw.query[web::uri::decode(k)] = web::uri::decode(v);
        }
      } catch (...) {
        SendError(request, log, http::status_codes::BadRequest, "malformed query string");
        return;
      }
    }
    if (route.deferred) {
      auto pending = std::make_shared<DeferredReply>(*this, request, log);
      try {
        route.deferred(raw, Responder(pending));
      } catch (const std::exception& e) {
        pending->Fail(std::string("exception: ") + e.what());
      } catch (...) {
        pending->Fail("unknown exception");
      }
      return;
    }
    RawHttpResponse out = route.handler(raw);
    if (!out.log_note.empty()) log->note = std::move(out.log_note);
    Send(request, log, static_cast<http::status_code>(out.status), std::move(out.body),
         out.content_type, false, {});
  });
}

void HttpServer::Impl::HandleChat(http::http_request request, std::shared_ptr<RequestLog> log) {
  // Refuse an announced over-size body before reading it.
  if (!AnnouncedLengthFits(request, options.max_chat_body_bytes)) {
    SendError(request, log, http::status_codes::RequestEntityTooLarge,
              "nội dung yêu cầu quá lớn (tối đa " + std::to_string(options.max_chat_body_bytes) +
                  " byte)");
    return;
  }
  WithBody(request, log, [this, request, log](const std::vector<unsigned char>& body) {
    AnswerChat(request, body, log);
  });
}

void HttpServer::Impl::AnswerChat(const http::http_request& request,
                                  const std::vector<unsigned char>& body,
                                  const std::shared_ptr<RequestLog>& log) {
  using http::status_codes;
  if (body.size() > options.max_chat_body_bytes) {
    SendError(request, log, status_codes::RequestEntityTooLarge,
              "nội dung yêu cầu quá lớn (tối đa " + std::to_string(options.max_chat_body_bytes) +
                  " byte)");
    return;
  }
  const json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    SendError(request, log, status_codes::BadRequest, kErrMalformedJson);
    return;
  }
  if (!doc.is_object()) {
    SendError(request, log, status_codes::BadRequest, kErrNotObject);
    return;
  }
  auto session_it = doc.find("session");
  if (session_it == doc.end()) {
    SendError(request, log, status_codes::BadRequest, kErrSessionMissing);
    return;
  }
  if (!session_it->is_string()) {
    SendError(request, log, status_codes::BadRequest, kErrSessionNotString);
    return;
  }
  const std::string& session = session_it->get_ref<const std::string&>();
  if (!IsValidSession(session)) {
    SendError(request, log, status_codes::BadRequest, kErrSessionFormat);
    return;
  }
  std::string text;
  std::string payload;
  if (auto t = doc.find("text"); t != doc.end() && !t->is_null()) {
    if (!t->is_string()) {
      SendError(request, log, status_codes::BadRequest, kErrTextNotString);
      return;
    }
    text = t->get<std::string>();
  }
  if (auto p = doc.find("payload"); p != doc.end() && !p->is_null()) {
    if (!p->is_string()) {
      SendError(request, log, status_codes::BadRequest, kErrPayloadNotString);
      return;
    }
    payload = p->get<std::string>();
  }
  std::string meeting;
  if (auto m = doc.find("meeting"); m != doc.end() && !m->is_null()) {
    if (!m->is_string() || !IsValidMeetingId(m->get_ref<const std::string&>())) {
      SendError(request, log, status_codes::BadRequest, kErrMeetingFormat);
      return;
    }
    meeting = m->get<std::string>();
  }
  if (text.empty() && payload.empty()) {
    SendError(request, log, status_codes::BadRequest, kErrNothingToHandle);
    return;
  }
  if (CodePoints(text) > options.max_text_chars) {
    SendError(request, log, status_codes::RequestEntityTooLarge,
              "câu hỏi quá dài (tối đa " + std::to_string(options.max_text_chars) + " ký tự)");
    return;
  }
  if (CodePoints(payload) > options.max_text_chars) {
    SendError(request, log, status_codes::RequestEntityTooLarge,
              "payload quá dài (tối đa " + std::to_string(options.max_text_chars) + " ký tự)");
    return;
  }
  // Only well-formed requests spend a token: a page with a bug that sends
  // garbage should not lock its citizen out.
  if (!limiter.Allow(session)) {
    const long long retry = std::max<long long>(1, limiter.RetryAfter(session).count());
    SendError(request, log, status_codes::TooManyRequests, kErrRateLimited,
              {{"Retry-After", std::to_string(retry)}});
    return;
  }

  Inbound in;
  in.channel = "web";
  in.user = session;
  in.text = std::move(text);
  in.payload = std::move(payload);
  in.meeting_context = std::move(meeting);
  in.at = clock.Now();

  Result<std::vector<Reply>> replies = [&] {
    // The engine needs one user's messages in order.
    std::lock_guard<std::mutex> lock(
        session_locks[std::hash<std::string>{}(session) % kSessionStripes]);
    return engine.Handle(in);
  }();
  if (!replies.ok()) {
    log->error = std::string(StatusCodeName(replies.status().code())) + ": " +
                 replies.status().message();
    // The one mapping of engine errors to HTTP: a transient failure (the
    // database busy or unreachable) is 503 so the page retries; anything
    // else is a bug on our side, 500.
    if (replies.status().code() == StatusCode::kUnavailable) {
      SendJson(request, log, status_codes::ServiceUnavailable,
               json{{"error", kErrBusy}, {"request_id", log->id}}, {{"Retry-After", "2"}});
      return;
    }
    SendInternalError(request, log);
    return;
  }
  json out = json::array();
  for (const Reply& r : *replies) {
    json choices = json::array();
    for (const Choice& c : r.choices) {
      if (c.kind == ChoiceKind::kSharePhone) continue;  // a browser has no phone number to share
      choices.push_back({{"title", c.title}, {"payload", c.payload}});
    }
    out.push_back({{"text", r.text}, {"choices", std::move(choices)}});
  }
  SendJson(request, log, status_codes::OK, json{{"replies", std::move(out)}});
}

HttpServer::HttpServer(HttpServerOptions options, DialogEngine& engine,
                       std::function<HealthReport()> health, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), engine, std::move(health), clock)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::AddRoute(const std::string& path, std::vector<std::string> methods,
                          size_t max_body_bytes, RawRouteHandler handler) {
  impl_->routes[path] = Impl::Route{std::move(methods), max_body_bytes, std::move(handler), {}};
}

void HttpServer::AddDeferredRoute(const std::string& path, std::vector<std::string> methods,
                                  size_t max_body_bytes, DeferredRouteHandler handler) {
  impl_->routes[path] = Impl::Route{std::move(methods), max_body_bytes, {}, std::move(handler)};
}

void Responder::operator()(RawHttpResponse response) const {
  if (pending_) pending_->Answer(std::move(response));
}

Status HttpServer::Start() {
  std::lock_guard<std::mutex> lock(impl_->listener_mu);
  if (impl_->listener) return FailedPrecondition("the HTTP server is already started");
  const std::string& host = impl_->options.host;
  const std::string where =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
      std::to_string(impl_->options.port);
  try {
    web::uri uri("http://" + where + "/");
    http_listener_config config;
    config.set_timeout(std::chrono::seconds(30));
    auto listener = std::make_unique<http_listener>(uri, config);
    Impl* impl = impl_.get();
    listener->support([impl](http::http_request request) { impl->Handle(std::move(request)); });
    listener->open().wait();
    impl_->listener = std::move(listener);
  } catch (const std::exception& e) {
    return Unavailable("cannot listen on " + where + ": " + e.what());
  } catch (...) {
    return Unavailable("cannot listen on " + where);
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  std::unique_ptr<http_listener> listener;
  {
    std::lock_guard<std::mutex> lock(impl_->listener_mu);
    listener = std::move(impl_->listener);
  }
  if (listener) {
    try {
      listener->close().wait();
    } catch (...) {
      // Closing failed; the wait below still keeps continuations safe.
    }
  }
  std::unique_lock<std::mutex> lock(impl_->flight_mu);
  impl_->flight_cv.wait(lock, [this] { return impl_->in_flight == 0; });
}

}  // namespace bhxh
