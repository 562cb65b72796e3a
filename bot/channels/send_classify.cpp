#include "bot/channels/send_classify.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace bhxh {
namespace {

using nlohmann::json;

// Platform messages go to logs and the outbox; keep them short.
constexpr size_t kMaxMessageBytes = 200;
// A token lifetime beyond ten years is not one Zalo gives; refusing it also
// keeps now + expires_in far from overflowing.
constexpr long long kMaxExpiresInSeconds = 10LL * 366 * 24 * 3600;

const json* Field(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string StringOr(const json* obj, const char* key, std::string fallback = "") {
  if (obj == nullptr) return fallback;
  const json* v = Field(*obj, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : fallback;
}

// An integer given as a JSON integer or as a string of digits with an
// optional minus sign ("-216", "90000").
std::optional<long long> IntegerOf(const json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() && v->get<unsigned long long>() > 9'000'000'000'000'000'000ULL) {
      return std::nullopt;
    }
    return v->get<long long>();
  }
  if (!v->is_string()) return std::nullopt;
  const auto& s = v->get_ref<const std::string&>();
  size_t i = s.size() > 0 && s[0] == '-' ? 1 : 0;
  if (i == s.size() || s.size() - i > 18) return std::nullopt;
  long long value = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    value = value * 10 + (s[i] - '0');
  }
  return s[0] == '-' ? -value : value;
}

std::optional<std::string> IdText(const json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_string() && !v->get_ref<const std::string&>().empty()) return v->get<std::string>();
  if (v->is_number_integer()) return v->dump();
  return std::nullopt;
}

// A platform message for `detail`: bounded, cut on a UTF-8 boundary, and
// re-encoded so that invalid bytes cannot reach a log line or JSON.
std::string Bounded(const std::string& message) {
  std::string s = message;
  if (s.size() > kMaxMessageBytes) {
    size_t cut = kMaxMessageBytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut) + "…";
  }
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  const std::string quoted = json(s).dump(-1, ' ', false, json::error_handler_t::replace);
  return json::parse(quoted, nullptr, false).get<std::string>();
}

json ParseBody(std::string_view body) {
  return json::parse(body.begin(), body.end(), nullptr, false);
}

SendVerdict Verdict(SendOutcome outcome, std::string reason, std::string detail) {
  SendVerdict v;
  v.outcome = outcome;
  v.reason = std::move(reason);
  v.detail = std::move(detail);
  return v;
}

// No HTTP answer: nothing from the platform to report; the caller knows the
// transport error and may fill it in.
std::string HttpDetail(int http_status) {
  return http_status == 0 ? "" : "HTTP " + std::to_string(http_status);
}

// No platform error code to go by: the HTTP status decides.
SendVerdict ByHttpStatus(int http_status) {
  if (http_status == 0) return Verdict(SendOutcome::kRetry, "network", HttpDetail(http_status));
  if (http_status == 429) {
    return Verdict(SendOutcome::kRetry, "rate_limited", HttpDetail(http_status));
  }
  if (http_status >= 500 && http_status <= 599) {
    return Verdict(SendOutcome::kRetry, "server_error", HttpDetail(http_status));
  }
  if (http_status >= 400 && http_status <= 499) {
    return Verdict(SendOutcome::kPermanent, "unknown", HttpDetail(http_status));
  }
  // 1xx/3xx, or a 2xx that the caller's rules did not accept: the message
  // may or may not have gone out; a retry is the lesser harm.
  return Verdict(SendOutcome::kRetry, "bad_response", HttpDetail(http_status));
}

struct MessengerCode {
  long long code;
  long long subcode;  // 0 = any
  SendOutcome outcome;
  const char* reason;
};

// Send API error codes (platforms.md 1.8). First match wins, so specific
// subcodes come before their code's catch-all.
constexpr MessengerCode kMessengerCodes[] = {
    {10, 2018278, SendOutcome::kPermanent, "outside_window"},
    {10, 2534022, SendOutcome::kPermanent, "outside_window"},
    {10, 0, SendOutcome::kPermanent, "permission"},  // (#10) permission denied
    {551, 0, SendOutcome::kPermanent, "user_unavailable"},
    {613, 0, SendOutcome::kRetry, "rate_limited"},
    {4, 0, SendOutcome::kRetry, "rate_limited"},
    {1200, 0, SendOutcome::kRetry, "temporary"},
    {2, 0, SendOutcome::kRetry, "temporary"},
    {190, 0, SendOutcome::kPermanent, "bad_token"},
    {200, 0, SendOutcome::kPermanent, "permission"},
    {230, 0, SendOutcome::kPermanent, "permission"},
    {100, 0, SendOutcome::kPermanent, "bad_request"},
};

struct ZaloCode {
  long long code;
  SendOutcome outcome;
  const char* reason;
};

// OA API error codes (platforms.md 2.9). Codes not listed are permanent
// "unknown".
constexpr ZaloCode kZaloCodes[] = {
    {-32, SendOutcome::kRetry, "rate_limited"},
    {-200, SendOutcome::kRetry, "temporary"},
    {-216, SendOutcome::kRefreshToken, "bad_token"},
    {-220, SendOutcome::kRefreshToken, "token_expired"},
    {-230, SendOutcome::kPermanent, "outside_window"},
    {-232, SendOutcome::kPermanent, "outside_window"},
    {-305, SendOutcome::kPermanent, "outside_window"},  // legacy: "after 48 hours"
    {-213, SendOutcome::kPermanent, "user_unavailable"},
    {-217, SendOutcome::kPermanent, "user_unavailable"},
    {-218, SendOutcome::kPermanent, "user_unavailable"},
    {-227, SendOutcome::kPermanent, "user_unavailable"},
    {-244, SendOutcome::kPermanent, "user_unavailable"},
    {-201, SendOutcome::kPermanent, "bad_request"},
    {-210, SendOutcome::kPermanent, "bad_request"},
    {-233, SendOutcome::kPermanent, "bad_request"},
    {-204, SendOutcome::kPermanent, "permission"},
    {-205, SendOutcome::kPermanent, "permission"},
    {-209, SendOutcome::kPermanent, "permission"},
    {-212, SendOutcome::kPermanent, "permission"},
    {-219, SendOutcome::kPermanent, "permission"},
    {-221, SendOutcome::kPermanent, "permission"},
    {-223, SendOutcome::kPermanent, "permission"},
    {-224, SendOutcome::kPermanent, "permission"},
    {-242, SendOutcome::kPermanent, "permission"},
};

}  // namespace

SendVerdict ClassifyMessengerResponse(int http_status, std::string_view body) {
  const json doc = ParseBody(body);
  if (http_status >= 200 && http_status <= 299) {
    // A sender action answers {"recipient_id"} without a message_id.
    SendVerdict v = Verdict(SendOutcome::kSent, "sent", "");
    v.message_id = IdText(Field(doc, "message_id")).value_or("");
    return v;
  }
  const json* error = Field(doc, "error");
  const std::optional<long long> code = error ? IntegerOf(Field(*error, "code")) : std::nullopt;
  if (http_status == 0 || !code) return ByHttpStatus(http_status);
  const long long subcode = IntegerOf(Field(*error, "error_subcode")).value_or(0);
  // Graph messages often start with their own "(#10) "; say the code once.
  std::string message = StringOr(error, "message");
  const std::string own_prefix = "(#" + std::to_string(*code) + ") ";
  if (message.rfind(own_prefix, 0) == 0) message.erase(0, own_prefix.size());
  const std::string detail = "(#" + std::to_string(*code) +
                             (subcode != 0 ? "/" + std::to_string(subcode) : "") + ") " +
                             Bounded(message);
  for (const MessengerCode& c : kMessengerCodes) {
    if (c.code == *code && (c.subcode == 0 || c.subcode == subcode)) {
      return Verdict(c.outcome, c.reason, detail);
    }
  }
  // Graph reserves 200-299 for permission errors.
  if (*code >= 200 && *code <= 299) return Verdict(SendOutcome::kPermanent, "permission", detail);
  SendVerdict v = ByHttpStatus(http_status);
  v.detail = detail;
  return v;
}

SendVerdict ClassifyZaloResponse(int http_status, std::string_view body) {
  if (http_status == 0) return ByHttpStatus(0);
  const json doc = ParseBody(body);
  const std::optional<long long> code = IntegerOf(Field(doc, "error"));
  if (!code) {
    // 200 without a readable {"error": n}: the send may or may not have
    // happened; retrying risks a duplicate, giving up risks silence.
    if (http_status >= 200 && http_status <= 299) {
      return Verdict(SendOutcome::kRetry, "bad_response", HttpDetail(http_status));
    }
    return ByHttpStatus(http_status);
  }
  if (*code == 0) {
    if (http_status < 200 || http_status > 299) return ByHttpStatus(http_status);
    SendVerdict v = Verdict(SendOutcome::kSent, "sent", "");
    if (const json* data = Field(doc, "data")) {
      v.message_id = IdText(Field(*data, "message_id")).value_or("");
    }
    return v;
  }
  const std::string detail =
      "(" + std::to_string(*code) + ") " + Bounded(StringOr(&doc, "message"));
  for (const ZaloCode& c : kZaloCodes) {
    if (c.code == *code) return Verdict(c.outcome, c.reason, detail);
  }
  if (http_status >= 500 && http_status <= 599) {
    return Verdict(SendOutcome::kRetry, "server_error", detail);
  }
  return Verdict(SendOutcome::kPermanent, "unknown", detail);
}

Result<TokenPair> ParseZaloTokenResponse(std::string_view body,
                                         std::chrono::system_clock::time_point now) {
  const json doc = ParseBody(body);
  if (doc.is_discarded()) return Unavailable("Zalo token response is not JSON");
  if (!doc.is_object()) return Unavailable("Zalo token response is not a JSON object");
  // OAuth errors: {"error": -14014, "error_name", "error_reason",
  // "error_description"} (v4) or {"error", "message"} like the OA API.
  const std::optional<long long> error = IntegerOf(Field(doc, "error"));
  const json* error_field = Field(doc, "error");
  if ((error && *error != 0) || (error_field != nullptr && !error && !error_field->is_null())) {
    std::string message = StringOr(&doc, "error_description");
    if (message.empty()) message = StringOr(&doc, "error_reason");
    if (message.empty()) message = StringOr(&doc, "error_name");
    if (message.empty()) message = StringOr(&doc, "message");
    if (message.empty() && error_field->is_string()) message = error_field->get<std::string>();
    const std::string code = error ? std::to_string(*error) : "?";
    return InvalidArgument("Zalo token error " + code + ": " + Bounded(message));
  }
  const std::string access = StringOr(&doc, "access_token");
  const std::string refresh = StringOr(&doc, "refresh_token");
  const std::optional<long long> expires_in = IntegerOf(Field(doc, "expires_in"));
  if (access.empty()) return Unavailable("Zalo token response has no access_token");
  if (refresh.empty()) return Unavailable("Zalo token response has no refresh_token");
  if (!expires_in) return Unavailable("Zalo token response has no expires_in");
  if (*expires_in <= 0 || *expires_in > kMaxExpiresInSeconds) {
    return Unavailable("Zalo token response has an invalid expires_in");
  }
  TokenPair pair;
  pair.access_token = access;
  pair.refresh_token = refresh;
  pair.access_expires = now + std::chrono::seconds(*expires_in);
  pair.updated = now;
  return pair;
}

}  // namespace bhxh
