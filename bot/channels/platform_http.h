// Blocking HTTPS POSTs to the platforms' APIs (cpprestsdk http_client),
// with a timeout. One client per base address is kept, so connections are
// reused. Thread-safe.
#ifndef BHXH_BOT_CHANNELS_PLATFORM_HTTP_H_
#define BHXH_BOT_CHANNELS_PLATFORM_HTTP_H_

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace bhxh {

struct HttpCallResult {
  int status = 0;     // 0 = no HTTP answer (connection refused, timeout, TLS error)
  std::string body;
  std::string error;  // for status 0: what went wrong (no URL: it may hold a token)
};

class PlatformHttp {
 public:
  explicit PlatformHttp(std::chrono::milliseconds timeout);
  ~PlatformHttp();
  // POSTs `body` to `url` (absolute). Never throws.
  HttpCallResult Post(const std::string& url, const std::string& body,
                      const std::string& content_type,
                      const std::vector<std::pair<std::string, std::string>>& headers = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// application/x-www-form-urlencoded encoding of one value.
std::string FormEncode(const std::string& value);

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_PLATFORM_HTTP_H_
