#include "bot/channels/platform_http.h"

#include <cpprest/http_client.h>

namespace bhxh {

struct PlatformHttp::Impl {
  std::chrono::milliseconds timeout;
  std::mutex mu;
  std::map<std::string, std::shared_ptr<web::http::client::http_client>> clients;

  std::shared_ptr<web::http::client::http_client> ClientFor(const web::uri& uri) {
    const std::string base = uri.scheme() + "://" + uri.host() + ":" + std::to_string(uri.port());
    std::lock_guard<std::mutex> lock(mu);
    auto& client = clients[base];
    if (!client) {
      web::http::client::http_client_config config;
      config.set_timeout(timeout);
      web::uri_builder b;
      b.set_scheme(uri.scheme()).set_host(uri.host()).set_port(uri.port());
      client = std::make_shared<web::http::client::http_client>(b.to_uri(), config);
    }
    return client;
  }
};

PlatformHttp::PlatformHttp(std::chrono::milliseconds timeout) : impl_(std::make_unique<Impl>()) {
  impl_->timeout = timeout;
}

PlatformHttp::~PlatformHttp() = default;

HttpCallResult PlatformHttp::Post(const std::string& url, const std::string& body,
                                  const std::string& content_type,
                                  const std::vector<std::pair<std::string, std::string>>& headers) {
  HttpCallResult result;
  try {
    const web::uri uri(url);
    auto client = impl_->ClientFor(uri);
    web::http::http_request request(web::http::methods::POST);
    request.set_request_uri(uri.resource());
    request.set_body(body, content_type);
    for (const auto& [name, value] : headers) request.headers().add(name, value);
    web::http::http_response response = client->request(request).get();
    result.status = response.status_code();
    result.body = response.extract_utf8string(true).get();
  } catch (const std::exception& e) {
    result.status = 0;
    // Exception texts may quote the URL, whose query can hold an access
    // token: keep only what comes before any '?' and drop "access_token".
    std::string what = e.what();
    if (const auto q = what.find('?'); q != std::string::npos) what = what.substr(0, q) + "?…";
    if (what.find("access_token") != std::string::npos) what = "request failed";
    result.error = what;
  } catch (...) {
    result.status = 0;
    result.error = "unknown error";
  }
  return result;
}

std::string FormEncode(const std::string& value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace bhxh
