// What a platform's answer to a send means for the outbox: sent, retry
// later, refresh the token and retry once, or give up with a reason. Zalo
// reports errors with HTTP 200 and {"error": <non-zero>}: the body decides.
#ifndef BHXH_BOT_CHANNELS_SEND_CLASSIFY_H_
#define BHXH_BOT_CHANNELS_SEND_CLASSIFY_H_

#include <chrono>
#include <string>
#include <string_view>

#include "base/status.h"
#include "storage/channel_state_store.h"

namespace bhxh {

enum class SendOutcome { kSent, kRetry, kRefreshToken, kPermanent };

struct SendVerdict {
  SendOutcome outcome = SendOutcome::kRetry;
  // Reason class for logs and the outbox: "sent", "network", "server_error",
  // "rate_limited", "temporary", "token_expired", "outside_window",
  // "user_unavailable", "bad_token", "permission", "bad_request",
  // "bad_response" (an answer that cannot be read), "unknown".
  std::string reason;
  std::string detail;      // platform code and message, e.g. "(#10/2018278) outside window"
  std::string message_id;  // the platform's id of the sent message, when sent
};

// `http_status` 0 = no HTTP answer (connection failed, timed out).
// Messenger: 2xx -> sent; network/5xx, codes 613, 4, 1200, 2 -> retry;
// 10 with subcode 2018278 or 2534022 -> outside_window; 551 ->
// user_unavailable; 190 -> bad_token; 200, 230 -> permission; 100 ->
// bad_request; other 4xx -> permanent unknown.
// Also: 10 with another subcode and 200-299 -> permission; HTTP 429 ->
// rate_limited retry; 1xx/3xx -> bad_response retry. A known code decides
// whatever the HTTP status. detail = "(#code[/subcode]) message" (message
// bounded to 200 bytes, one line) or "HTTP <status>"; empty for status 0
// (the caller may add its transport error).
SendVerdict ClassifyMessengerResponse(int http_status, std::string_view body);
// Zalo: error 0 -> sent; network/5xx, -32, -200 -> retry; -216, -220 ->
// refresh the token; -230, -232 -> outside_window; -213, -217, -227, -244 ->
// user_unavailable; other errors -> permanent; a 200 body that is not JSON
// -> retry ("bad_response").
// Also: -218 -> user_unavailable; legacy -305 -> outside_window; -201, -210,
// -233 -> bad_request; -204/-205/-209/-212/-219/-221/-223/-224/-242 ->
// permission; HTTP 429 -> rate_limited retry; other 4xx without a code ->
// permanent unknown. `error` may be a number or a numeric string; 0 counts
// as sent only with a 2xx. detail = "(code) message".
SendVerdict ClassifyZaloResponse(int http_status, std::string_view body);

// Zalo OAuth v4 token response {"access_token","refresh_token","expires_in"
// (string or number, seconds)} -> a TokenPair expiring at now + expires_in.
// A non-zero {"error": ...} body (the platform refused: a human must look)
// -> InvalidArgument "Zalo token error <code>: <error_description |
// error_reason | error_name | message>"; a body that is not a JSON object, or
// lacks a non-empty access_token/refresh_token or a positive integer
// expires_in -> Unavailable. Messages never contain the tokens.
Result<TokenPair> ParseZaloTokenResponse(std::string_view body,
                                         std::chrono::system_clock::time_point now);

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_SEND_CLASSIFY_H_
