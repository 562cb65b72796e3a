#include "bot/channels/webhook_routes.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>
#include <utility>

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

// Commits the events, then hands the new ones to the processor and
// answers. No server thread waits for the commit: the answer is given from
// the database's completion (see Database::InTransactionAsync).
void Accept(Result<WebhookParse> parsed, const WebhookIntake& intake, Responder respond) {
  if (!parsed.ok()) {
    respond(Json(400, {{"error", parsed.status().message()}}, "malformed body"));
    return;
  }
  std::string note;
  for (const auto& type : parsed->ignored) note += (note.empty() ? "ignored: " : ",") + type;
  if (parsed->events.empty()) {
    respond(Ok(std::move(note)));
    return;
  }
  auto events = std::make_shared<const std::vector<ChannelEvent>>(std::move(parsed->events));
  const auto received = intake.clock.Now();
  intake.inbox.AppendAsync(
      events, received,
      [events, intake, received, respond, note = std::move(note)](
          Result<std::vector<bool>> inserted, std::vector<long long> ids) mutable {
        if (intake.priority) {
          intake.priority->Answered(
              std::chrono::duration_cast<std::chrono::microseconds>(intake.clock.Now() - received));
        }
        if (!inserted.ok()) {
          // Not acknowledged: the platform retries, nothing is lost.
          respond(Json(503, {{"error", "temporarily unavailable"}},
                       "inbox: " + inserted.status().message()));
          return;
        }
        for (size_t i = 0; i < events->size(); ++i) {
          if (!(*inserted)[i]) continue;  // a redelivery: already handled or queued
          try {
            ChannelEvent e = (*events)[i];
            e.id = ids[i];
            intake.processor.Submit(std::move(e));
          } catch (...) {
            // Out of memory copying it. It is committed, and a redelivery
            // would be taken for a duplicate: the processor must still
            // learn of it, and reads it back from the inbox.
            intake.processor.LeaveInInbox(ids[i]);
          }
        }
        respond(Ok(std::move(note)));
      });
}

}  // namespace

void AddMessengerRoutes(HttpServer& server, const MessengerConfig& config,
                        const WebhookIntake& intake) {
  server.AddDeferredRoute(
      "/webhook/messenger", {"GET", "POST"}, kWebhookMaxBodyBytes,
      [config, intake, verifier = MessengerSignatureVerifier(config.app_secret)](
          const RawHttpRequest& req, Responder respond) {
        if (req.method == "GET") {
          auto get = [&](const char* k) {
            auto it = req.query.find(k);
            return it == req.query.end() ? std::string() : it->second;
          };
          if (get("hub.mode") == "subscribe" &&
              SecretEquals(get("hub.verify_token"), config.verify_token) &&
              !get("hub.challenge").empty()) {
            RawHttpResponse r;
            r.content_type = "text/plain; charset=utf-8";
            r.body = get("hub.challenge");
            respond(std::move(r));
            return;
          }
          respond(Json(403, {{"error", "verification failed"}}, "bad verify token"));
          return;
        }
        const std::string sig256 = Header(req, "x-hub-signature-256");
        const std::string sig1 = Header(req, "x-hub-signature");
        if ((sig256.empty() && sig1.empty()) || !verifier.Verify(req.body, sig256, sig1)) {
          respond(Json(401, {{"error", "invalid signature"}}, "bad signature"));
          return;
        }
        Accept(ParseMessengerWebhook(req.body, config.app_id), intake, std::move(respond));
      });
}

void AddZaloRoutes(HttpServer& server, const ZaloConfig& config, const WebhookIntake& intake) {
  server.AddDeferredRoute("/webhook/zalo", {"GET", "POST"}, kWebhookMaxBodyBytes,
                          [config, intake](const RawHttpRequest& req, Responder respond) {
                            if (req.method == "GET") {
                              respond(Ok());
                              return;
                            }
                            const std::string sig = Header(req, "x-zevent-signature");
                            // Zalo may probe a newly saved URL with an unsigned "{}": it carries
                            // no event, so it is answered and nothing is stored.
                            if (sig.empty() && req.body == "{}") {
                              respond(Ok("probe"));
                              return;
                            }
                            if (sig.empty() || !VerifyZaloSignature(req.body, sig, config.app_id,
                                                                    config.oa_secret_key)) {
                              respond(Json(401, {{"error", "invalid signature"}}, "bad signature"));
                              return;
                            }
                            Accept(ParseZaloWebhook(req.body), intake, std::move(respond));
                          });
}

}  // namespace bhxh
