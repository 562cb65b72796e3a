// A tiny blocking HTTP client for tests, over cpprestsdk's http_client, plus
// a raw-socket exchange for requests cpprestsdk would refuse to send
// (chunked bodies, lying headers, malformed request lines).
#ifndef BHXH_TESTS_TEST_SUPPORT_HTTP_CLIENT_H_
#define BHXH_TESTS_TEST_SUPPORT_HTTP_CLIENT_H_

#include <chrono>
#include <map>
#include <string>

namespace bhxh::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // raw bytes

  // The header's value, or "" when absent. `name` in any case.
  std::string Header(const std::string& name) const;
};

using HeaderList = std::map<std::string, std::string>;

class HttpClient {
 public:
  // `base_url` like "http://127.0.0.1:18080". Requests time out after
  // `timeout`; a connection failure or timeout throws (the test fails).
  explicit HttpClient(std::string base_url,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

  HttpResult Get(const std::string& path, const HeaderList& headers = {}) const;
  // Sends `body` byte for byte (no UTF-8 check), with Content-Type
  // "application/json" unless `headers` sets one.
  HttpResult Post(const std::string& path, const std::string& body,
                  const HeaderList& headers = {}) const;
  HttpResult Send(const std::string& method, const std::string& path, const std::string& body,
                  const HeaderList& headers = {}) const;

 private:
  std::string base_url_;
  std::chrono::milliseconds timeout_;
};

// A loopback TCP port that was free a moment ago (bound to port 0, then
// closed). Throws std::runtime_error when no socket can be bound.
int FindFreeLoopbackPort();

// Connects to 127.0.0.1:`port`, writes `request` verbatim and returns
// everything the server sent until it closed the connection or `timeout`
// passed (send "Connection: close" to avoid waiting for the timeout). Throws std::runtime_error when it cannot connect.
std::string RawHttpExchange(int port, const std::string& request,
                            std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The status code of a raw response ("HTTP/1.1 413 ..." -> 413), 0 if none.
int RawStatus(const std::string& raw_response);

}  // namespace bhxh::testing

#endif  // BHXH_TESTS_TEST_SUPPORT_HTTP_CLIENT_H_
