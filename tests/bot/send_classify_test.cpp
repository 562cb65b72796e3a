#include "bot/channels/send_classify.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

using namespace bhxh;

namespace {

const char* OutcomeName(SendOutcome o) {
  switch (o) {
    case SendOutcome::kSent:
      return "sent";
    case SendOutcome::kRetry:
      return "retry";
    case SendOutcome::kRefreshToken:
      return "refresh_token";
    case SendOutcome::kPermanent:
      return "permanent";
  }
  return "?";
}

// "outcome reason | detail | message_id" in one line.
std::string Describe(const SendVerdict& v) {
  return std::string(OutcomeName(v.outcome)) + " " + v.reason + " | " + v.detail + " | " +
         v.message_id;
}

std::string GraphError(int code, long long subcode, const std::string& message) {
  return R"({"error":{"message":")" + message + R"(","type":"OAuthException","code":)" +
         std::to_string(code) +
         (subcode ? R"(,"error_subcode":)" + std::to_string(subcode) : std::string()) +
         R"(,"fbtrace_id":"AbCdEf123"}})";
}

std::string ZaloError(int code, const std::string& message) {
  return R"({"error":)" + std::to_string(code) + R"(,"message":")" + message + R"("})";
}

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1718000000));

}  // namespace

TEST_CASE("Messenger send answers are classified by HTTP status, code and subcode") {
  auto [status, body, expected] = GENERATE(table<int, std::string, std::string>({
      {200, R"({"recipient_id":"7012345678901234","message_id":"m_AbC"})", "sent sent |  | m_AbC"},
      {200, R"({"recipient_id":"7012345678901234"})", "sent sent |  | "},
      {200, "", "sent sent |  | "},
      {0, "", "retry network |  | "},
      {500, "", "retry server_error | HTTP 500 | "},
      {503, "<html>Service Unavailable</html>", "retry server_error | HTTP 503 | "},
      {429, "", "retry rate_limited | HTTP 429 | "},
      {302, "", "retry bad_response | HTTP 302 | "},
      {400, GraphError(10, 2018278, "(#10) This message is sent outside of allowed window."),
       "permanent outside_window | (#10/2018278) This message is sent outside of allowed window. "
       "| "},
      {400, GraphError(10, 2534022, "This message is sent outside of allowed window."),
       "permanent outside_window | (#10/2534022) This message is sent outside of allowed window. "
       "| "},
      {403, GraphError(10, 0, "(#10) Application does not have permission for this action"),
       "permanent permission | (#10) Application does not have permission for this action | "},
      {400, GraphError(551, 1545041, "This person isn't available right now."),
       "permanent user_unavailable | (#551/1545041) This person isn't available right now. | "},
      {400, GraphError(613, 0, "Calls to this api have exceeded the rate limit."),
       "retry rate_limited | (#613) Calls to this api have exceeded the rate limit. | "},
      {400, GraphError(4, 0, "(#4) Application request limit reached"),
       "retry rate_limited | (#4) Application request limit reached | "},
      {500, GraphError(1200, 0, "Temporary send message failure. Please try again later."),
       "retry temporary | (#1200) Temporary send message failure. Please try again later. | "},
      {500, GraphError(2, 0, "An unexpected error has occurred. Please retry your request later."),
       "retry temporary | (#2) An unexpected error has occurred. Please retry your request later. "
       "| "},
      {400, GraphError(190, 463, "Error validating access token: Session has expired"),
       "permanent bad_token | (#190/463) Error validating access token: Session has expired | "},
      {403, GraphError(200, 0, "(#200) Requires pages_messaging permission to manage the object"),
       "permanent permission | (#200) Requires pages_messaging permission to manage the object | "},
      {403, GraphError(230, 0, "(#230) Requires pages_messaging_subscriptions permission"),
       "permanent permission | (#230) Requires pages_messaging_subscriptions permission | "},
      {403, GraphError(299, 0, "(#299) Permission denied"),
       "permanent permission | (#299) Permission denied | "},
      {400, GraphError(100, 2018001, "No matching user found"),
       "permanent bad_request | (#100/2018001) No matching user found | "},
      {400, GraphError(100, 0, "(#100) Param recipient[id] must be a valid ID string"),
       "permanent bad_request | (#100) Param recipient[id] must be a valid ID string | "},
      {400, GraphError(12345, 0, "Something new"), "permanent unknown | (#12345) Something new | "},
      {500, GraphError(12345, 0, "Something new"),
       "retry server_error | (#12345) Something new | "},
      {400, R"({"error":{"code":"613","message":"as a string"}})",
       "retry rate_limited | (#613) as a string | "},
      {400, R"({"error":{"code":10,"error_subcode":"2018278"}})",
       "permanent outside_window | (#10/2018278)  | "},
      {400, R"({"error":{"message":"no code"}})", "permanent unknown | HTTP 400 | "},
      {400, R"({"error":"bad"})", "permanent unknown | HTTP 400 | "},
      {400, R"({"error":{"code":1.5}})", "permanent unknown | HTTP 400 | "},
      {400, "not json", "permanent unknown | HTTP 400 | "},
      {0, GraphError(613, 0, "ignored without an answer"), "retry network |  | "},
  }));
  CAPTURE(status, body);
  CHECK(Describe(ClassifyMessengerResponse(status, body)) == expected);
}

TEST_CASE("Zalo send answers are classified by the error in the body, even with HTTP 200") {
  auto [status, body, expected] = GENERATE(table<int, std::string, std::string>({
      {200,
       R"({"error":0,"message":"Success","data":{"message_id":"e5f6a7b8c9d0","user_id":"2468","sent_time":"1718000000123","quota":{"quota_type":"reply","remain":"7","total":"8"}}})",
       "sent sent |  | e5f6a7b8c9d0"},
      {200, R"({"error":0,"data":{"message_id":963000000000000001}})",
       "sent sent |  | 963000000000000001"},
      {200, R"({"error":0,"message":"Success"})", "sent sent |  | "},
      {200, R"({"error":"0","data":{"message_id":"m"}})", "sent sent |  | m"},
      {200, R"({"error":0,"data":"m"})", "sent sent |  | "},
      {0, "", "retry network |  | "},
      {502, "", "retry server_error | HTTP 502 | "},
      {500, R"({"error":0})", "retry server_error | HTTP 500 | "},
      {429, "", "retry rate_limited | HTTP 429 | "},
      {404, "<html>", "permanent unknown | HTTP 404 | "},
      {200, "not json", "retry bad_response | HTTP 200 | "},
      {200, "", "retry bad_response | HTTP 200 | "},
      {200, "{}", "retry bad_response | HTTP 200 | "},
      {200, R"({"error":null})", "retry bad_response | HTTP 200 | "},
      {200, R"({"error":-1.5})", "retry bad_response | HTTP 200 | "},
      {200, R"([0])", "retry bad_response | HTTP 200 | "},
      {200, ZaloError(-32, "The App has reached the API call limit"),
       "retry rate_limited | (-32) The App has reached the API call limit | "},
      {500, ZaloError(-32, "The App has reached the API call limit"),
       "retry rate_limited | (-32) The App has reached the API call limit | "},
      {200, ZaloError(-200, "Send message failed"),
       "retry temporary | (-200) Send message failed | "},
      {200, ZaloError(-216, "Access token is invalid"),
       "refresh_token bad_token | (-216) Access token is invalid | "},
      {200, ZaloError(-220, "Access token has expired or removed"),
       "refresh_token token_expired | (-220) Access token has expired or removed | "},
      {200, R"({"error":"-220","message":"as a string"})",
       "refresh_token token_expired | (-220) as a string | "},
      {200, ZaloError(-230, "User has not interacted with the OA in the past 7 days"),
       "permanent outside_window | (-230) User has not interacted with the OA in the past 7 days "
       "| "},
      {200, ZaloError(-232, "User has not interacted or the interaction has expired"),
       "permanent outside_window | (-232) User has not interacted or the interaction has expired "
       "| "},
      {200, ZaloError(-305, "Cannot respond to user after 48 hours"),
       "permanent outside_window | (-305) Cannot respond to user after 48 hours | "},
      {200, ZaloError(-213, "User has not followed OA"),
       "permanent user_unavailable | (-213) User has not followed OA | "},
      {200, ZaloError(-217, "User has blocked invitations from this OA"),
       "permanent user_unavailable | (-217) User has blocked invitations from this OA | "},
      {200, ZaloError(-218, "Out of quota for receiving"),
       "permanent user_unavailable | (-218) Out of quota for receiving | "},
      {200, ZaloError(-227, "User is banned or has been inactive for more than 45 days"),
       "permanent user_unavailable | (-227) User is banned or has been inactive for more than 45 "
       "days | "},
      {200, ZaloError(-244, "User has restricted this message type"),
       "permanent user_unavailable | (-244) User has restricted this message type | "},
      {200, ZaloError(-201, "Parameter is invalid"),
       "permanent bad_request | (-201) Parameter is invalid | "},
      {200, ZaloError(-210, "Parameter exceeds limit"),
       "permanent bad_request | (-210) Parameter exceeds limit | "},
      {200, ZaloError(-233, "Message type is invalid"),
       "permanent bad_request | (-233) Message type is invalid | "},
      {200, ZaloError(-204, "OA has been disabled"),
       "permanent permission | (-204) OA has been disabled | "},
      {200, ZaloError(-205, "OA does not exist"),
       "permanent permission | (-205) OA does not exist | "},
      {200, ZaloError(-209, "Not supported this api"),
       "permanent permission | (-209) Not supported this api | "},
      {200, ZaloError(-212, "App has not registered this api"),
       "permanent permission | (-212) App has not registered this api | "},
      {200, ZaloError(-219, "App has been removed or disabled"),
       "permanent permission | (-219) App has been removed or disabled | "},
      {200, ZaloError(-221, "OA must be verified"),
       "permanent permission | (-221) OA must be verified | "},
      {200, ZaloError(-223, "OA has not authorized this api"),
       "permanent permission | (-223) OA has not authorized this api | "},
      {200, ZaloError(-224, "OA must upgrade package"),
       "permanent permission | (-224) OA must upgrade package | "},
      {200, ZaloError(-242, "appsecret_proof is invalid"),
       "permanent permission | (-242) appsecret_proof is invalid | "},
      {200, ZaloError(-234, "Cannot send at night"),
       "permanent unknown | (-234) Cannot send at night | "},
      {200, ZaloError(-100, "Attachment expired"),
       "permanent unknown | (-100) Attachment expired | "},
      {200, R"({"error":-999})", "permanent unknown | (-999)  | "},
      {500, R"({"error":-999,"message":"new"})", "retry server_error | (-999) new | "},
      {0, ZaloError(-216, "ignored without an answer"), "retry network |  | "},
  }));
  CAPTURE(status, body);
  CHECK(Describe(ClassifyZaloResponse(status, body)) == expected);
}

TEST_CASE("platform messages in the detail are bounded, single-line and valid UTF-8") {
  const std::string long_message = std::string(199, 'a') + "ệ" + std::string(100, 'b');
  const SendVerdict z = ClassifyZaloResponse(200, ZaloError(-201, long_message));
  CHECK(z.detail == "(-201) " + std::string(199, 'a') + "…");
  const SendVerdict m = ClassifyMessengerResponse(400, GraphError(100, 0, "line one\\nline two"));
  CHECK(m.detail == "(#100) line one line two");
  const SendVerdict bad = ClassifyZaloResponse(200, R"({"error":-201,"message":"caf\u00e9"})");
  CHECK(bad.detail == "(-201) café");
}

TEST_CASE("a Zalo token response becomes a token pair expiring after expires_in seconds") {
  auto [body, seconds] = GENERATE(table<std::string, long long>({
      {R"({"access_token":"AT-1","refresh_token":"RT-1","expires_in":"90000"})", 90000},
      {R"({"access_token":"AT-1","refresh_token":"RT-1","expires_in":90000})", 90000},
      {R"({"access_token":"AT-1","refresh_token":"RT-1","expires_in":"3600","error":0})", 3600},
      {R"({"access_token":"AT-1","refresh_token":"RT-1","expires_in":1,"refresh_token_expires_in":"7776000"})",
       1},
  }));
  CAPTURE(body);
  const Result<TokenPair> r = ParseZaloTokenResponse(body, kNow);
  REQUIRE(r.ok());
  CHECK(r->access_token == "AT-1");
  CHECK(r->refresh_token == "RT-1");
  CHECK(r->access_expires == kNow + std::chrono::seconds(seconds));
  CHECK(r->updated == kNow);
}

TEST_CASE("a bad Zalo token response is an error that never echoes a token") {
  auto [body, code, message] = GENERATE(table<std::string, StatusCode, std::string>({
      {R"({"error":-14014,"error_name":"Invalid parameter","error_reason":"Invalid refresh token","error_description":"refresh_token is invalid","ref_doc":"https://developers.zalo.me"})",
       StatusCode::kInvalidArgument, "Zalo token error -14014: refresh_token is invalid"},
      {R"({"error":-14002,"error_reason":"Invalid app id"})", StatusCode::kInvalidArgument,
       "Zalo token error -14002: Invalid app id"},
      {R"({"error":-124,"message":"Access token is invalid"})", StatusCode::kInvalidArgument,
       "Zalo token error -124: Access token is invalid"},
      {R"({"error":-1,"access_token":"SECRET-AT","refresh_token":"SECRET-RT","expires_in":"1"})",
       StatusCode::kInvalidArgument, "Zalo token error -1: "},
      {R"({"error":"invalid_grant"})", StatusCode::kInvalidArgument,
       "Zalo token error ?: invalid_grant"},
      {R"({"error":{"code":1}})", StatusCode::kInvalidArgument, "Zalo token error ?: "},
      {"", StatusCode::kUnavailable, "Zalo token response is not JSON"},
      {"<html>502</html>", StatusCode::kUnavailable, "Zalo token response is not JSON"},
      {R"(["SECRET-AT"])", StatusCode::kUnavailable, "Zalo token response is not a JSON object"},
      {R"({"refresh_token":"SECRET-RT","expires_in":"90000"})", StatusCode::kUnavailable,
       "Zalo token response has no access_token"},
      {R"({"access_token":"","refresh_token":"SECRET-RT","expires_in":"90000"})",
       StatusCode::kUnavailable, "Zalo token response has no access_token"},
      {R"({"access_token":123,"refresh_token":"SECRET-RT","expires_in":"90000"})",
       StatusCode::kUnavailable, "Zalo token response has no access_token"},
      {R"({"access_token":"SECRET-AT","expires_in":"90000"})", StatusCode::kUnavailable,
       "Zalo token response has no refresh_token"},
      {R"({"access_token":"SECRET-AT","refresh_token":"SECRET-RT"})", StatusCode::kUnavailable,
       "Zalo token response has no expires_in"},
      {R"({"access_token":"SECRET-AT","refresh_token":"SECRET-RT","expires_in":"soon"})",
       StatusCode::kUnavailable, "Zalo token response has no expires_in"},
      {R"({"access_token":"SECRET-AT","refresh_token":"SECRET-RT","expires_in":90000.5})",
       StatusCode::kUnavailable, "Zalo token response has no expires_in"},
      {R"({"access_token":"SECRET-AT","refresh_token":"SECRET-RT","expires_in":"0"})",
       StatusCode::kUnavailable, "Zalo token response has an invalid expires_in"},
      {R"({"access_token":"SECRET-AT","refresh_token":"SECRET-RT","expires_in":-5})",
       StatusCode::kUnavailable, "Zalo token response has an invalid expires_in"},
      {R"({"access_token":"SECRET-AT","refresh_token":"SECRET-RT","expires_in":99999999999})",
       StatusCode::kUnavailable, "Zalo token response has an invalid expires_in"},
      {R"({"access_token":"SECRET-AT","refresh_token":"SECRET-RT","expires_in":"999999999999999999999"})",
       StatusCode::kUnavailable, "Zalo token response has no expires_in"},
  }));
  CAPTURE(body);
  const Result<TokenPair> r = ParseZaloTokenResponse(body, kNow);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == code);
  CHECK(r.status().message() == message);
  CHECK(r.status().message().find("SECRET") == std::string::npos);
}
