// A real HTTP server on 127.0.0.1 standing in for the Graph API or Zalo's
// OpenAPI/OAuth in tests. It records every request and answers through a
// scripted handler, so a test can make the platform fail (5xx, error
// bodies, slow answers) for a while and then recover.
#ifndef BHXH_TESTS_TEST_SUPPORT_FAKE_PLATFORM_H_
#define BHXH_TESTS_TEST_SUPPORT_FAKE_PLATFORM_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bhxh::testing {

struct FakeRequest {
  std::string method;
  std::string path;   // without the query
  std::string query;  // raw
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct FakeAnswer {
  int status = 200;
  std::string body = "{}";
  std::chrono::milliseconds delay{0};
};

class FakePlatform {
 public:
  using Handler = std::function<FakeAnswer(const FakeRequest&)>;
  // Listens on a free loopback port; every request gets `handler`'s answer.
  explicit FakePlatform(Handler handler);
  ~FakePlatform();

  std::string base_url() const;  // "http://127.0.0.1:<port>"
  void SetHandler(Handler handler);
  std::vector<FakeRequest> Requests() const;
  // Requests whose path ends with `suffix`.
  std::vector<FakeRequest> RequestsTo(const std::string& suffix) const;
  // Polls `condition` every 10 ms until true or `timeout`; returns it.
  static bool WaitUntil(const std::function<bool()>& condition,
                        std::chrono::milliseconds timeout = std::chrono::seconds(20));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bhxh::testing

#endif  // BHXH_TESTS_TEST_SUPPORT_FAKE_PLATFORM_H_
