// The HTTP service (cpprestsdk http_listener): web chat page and API,
// health. Webhooks for Messenger/Zalo are added by their channel adapters.
//
// Routes:
//   GET  /            web/index.html (and other static files under web/)
//   POST /api/chat    {"session": "...", "text": "..."} or {"session","payload"}
//                     -> 200 {"replies":[{"text":..., "choices":[{"title","payload"}]}]}
//                     400 malformed JSON / missing fields (JSON {"error": message}),
//                     413 body over the limit, 429 per-session rate limit,
//                     500 {"error", "request_id"} on an internal error.
//   GET  /healthz     200 {"status":"ok","version":...,"database":"ok", <named checks>}
//                     (503 with the same shape when a check fails)
//   routes added with AddRoute (the Messenger and Zalo webhooks)
// Every handler catches everything: an exception never escapes to cpprestsdk.
#ifndef BHXH_BOT_HTTP_SERVER_H_
#define BHXH_BOT_HTTP_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "handlers/dialog_engine.h"

namespace bhxh {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string web_dir;                    // static files; must contain index.html
  size_t max_chat_body_bytes = 8 * 1024;  // larger POST /api/chat bodies -> 413
  size_t max_text_chars = 1000;           // longer "text" -> 413
  double chat_messages_per_minute = 20;   // per session, token bucket refill
  double chat_burst = 10;                 // per session, bucket size
};

struct HealthReport {
  bool ok = true;
  std::string database;  // "ok" or the error
  // Further named checks shown by /healthz ("zalo_token": "ok" | problem).
  std::map<std::string, std::string> checks;
};

// A request as a route handler sees it: the raw body bytes (for signature
// checks), lower-cased header names, decoded query parameters.
struct RawHttpRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;
  std::string body;
};

struct RawHttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::string log_note;  // a short label for the request log (never personal data)
};

// Called on a server thread; may block (e.g. until an event is committed).
// An exception becomes a 500.
using RawRouteHandler = std::function<RawHttpResponse(const RawHttpRequest&)>;

// Answers one request of a deferred route, from any thread, at most once
// (later calls are ignored). Copies share the request; when the last copy
// goes away unanswered (a lost callback), the request gets a 500, so a
// client never waits for its timeout. Cheap to call: the answer is handed to
// a server thread, never written on the caller's.
class Responder {
 public:
  // The request being answered; the server implements it.
  class Pending {
   public:
    virtual ~Pending() = default;
    virtual void Answer(RawHttpResponse response) = 0;
  };
  explicit Responder(std::shared_ptr<Pending> pending) : pending_(std::move(pending)) {}
  void operator()(RawHttpResponse response) const;

 private:
  std::shared_ptr<Pending> pending_;
};

// A handler that need not answer before it returns: it calls `respond`
// once, now or later (e.g. when its event is committed), so no server
// thread waits meanwhile. An exception before it responded becomes a 500.
using DeferredRouteHandler = std::function<void(const RawHttpRequest&, Responder respond)>;

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, DialogEngine& engine,
             std::function<HealthReport()> health, const Clock& clock);
  ~HttpServer();
  // Registers `path` for `methods` (others get 405), before Start(). A body
  // over `max_body_bytes` is refused with 413 before the handler runs. A
  // path ending in "/*" ("/calendar/*") serves every longer path under it;
  // exact paths win.
  void AddRoute(const std::string& path, std::vector<std::string> methods, size_t max_body_bytes,
                RawRouteHandler handler);
  // The same for a handler that answers through a Responder. Stop() waits
  // for every such request to be answered, so what holds a Responder (a
  // queued database transaction) must answer it, or drop it, by then.
  void AddDeferredRoute(const std::string& path, std::vector<std::string> methods,
                        size_t max_body_bytes, DeferredRouteHandler handler);

  // Binds and starts listening. Unavailable when the port cannot be bound.
  Status Start();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bhxh

#endif  // BHXH_BOT_HTTP_SERVER_H_
