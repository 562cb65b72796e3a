#include "bot/channels/webhook_routes.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "bot/channels/webhook_parse.h"
#include "bot/channels/webhook_signature.h"

namespace bhxh {
namespace {

using json = nlohmann::json;

RawHttpResponse Json(int status, const json& body, std::string note = "") {
  RawHttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.log_note = std::move(note);
  return r;
}

std::string Header(const RawHttpRequest& req, const char* name) {
  auto it = req.headers.find(name);
  return it == req.headers.end() ? "" : it->second;
}

bool SecretEquals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The acknowledgement the platforms expect (any 200 would do).
RawHttpResponse Ok(std::string note = "") {
  RawHttpResponse r;
  r.body = R"({"ok":true})";
  r.log_note = std::move(note);
  return r;
}

// Commits the events, then hands the new ones to the processor.
RawHttpResponse Accept(const Result<WebhookParse>& parsed, EventInbox& inbox,
                       EventProcessor& processor, const Clock& clock) {
  if (!parsed.ok()) return Json(400, {{"error", parsed.status().message()}}, "malformed body");
  std::string note;
  for (const auto& type : parsed->ignored) note += (note.empty() ? "ignored: " : ",") + type;
  if (parsed->events.empty()) return Ok(std::move(note));
  std::vector<long long> ids;
  auto inserted = inbox.Append(parsed->events, clock.Now(), &ids);
  if (!inserted.ok()) {
    // Not acknowledged: the platform retries, nothing is lost.
    return Json(503, {{"error", "temporarily unavailable"}}, "inbox: " + inserted.status().message());
  }
  for (size_t i = 0; i < parsed->events.size(); ++i) {
    if (!(*inserted)[i]) continue;  // a redelivery: already handled or queued
    ChannelEvent e = parsed->events[i];
    e.id = ids[i];
    processor.Submit(e);
  }
  return Ok(std::move(note));
}

}  // namespace

void AddMessengerRoutes(HttpServer& server, const MessengerConfig& config, EventInbox& inbox,
                        EventProcessor& processor, const Clock& clock) {
  server.AddRoute(
      "/webhook/messenger", {"GET", "POST"}, kWebhookMaxBodyBytes,
      [config, &inbox, &processor, &clock](const RawHttpRequest& req) {
        if (req.method == "GET") {
          auto get = [&](const char* k) {
            auto it = req.query.find(k);
            return it == req.query.end() ? std::string() : it->second;
          };
          if (get("hub.mode") == "subscribe" && SecretEquals(get("hub.verify_token"), config.verify_token) &&
              !get("hub.challenge").empty()) {
            RawHttpResponse r;
            r.content_type = "text/plain; charset=utf-8";
            r.body = get("hub.challenge");
            return r;
          }
          return Json(403, {{"error", "verification failed"}}, "bad verify token");
        }
        const std::string sig256 = Header(req, "x-hub-signature-256");
        const std::string sig1 = Header(req, "x-hub-signature");
        if ((sig256.empty() && sig1.empty()) ||
            !VerifyMessengerSignature(req.body, sig256, sig1, config.app_secret)) {
          return Json(401, {{"error", "invalid signature"}}, "bad signature");
        }
        return Accept(ParseMessengerWebhook(req.body, config.app_id), inbox, processor, clock);
      });
}

void AddZaloRoutes(HttpServer& server, const ZaloConfig& config, EventInbox& inbox,
                   EventProcessor& processor, const Clock& clock) {
  server.AddRoute("/webhook/zalo", {"GET", "POST"}, kWebhookMaxBodyBytes,
                  [config, &inbox, &processor, &clock](const RawHttpRequest& req) {
                    if (req.method == "GET") return Ok();
                    const std::string sig = Header(req, "x-zevent-signature");
                    // Zalo may probe a newly saved URL with an unsigned "{}": it
                    // carries no event, so it is answered and nothing is stored.
                    if (sig.empty() && req.body == "{}") return Ok("probe");
                    if (sig.empty() ||
                        !VerifyZaloSignature(req.body, sig, config.app_id, config.oa_secret_key)) {
                      return Json(401, {{"error", "invalid signature"}}, "bad signature");
                    }
                    return Accept(ParseZaloWebhook(req.body), inbox, processor, clock);
                  });
}

}  // namespace bhxh
