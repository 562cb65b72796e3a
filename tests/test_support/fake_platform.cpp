#include "test_support/fake_platform.h"

#include <cpprest/http_listener.h>

#include <algorithm>
#include <thread>

#include "test_support/http_client.h"

namespace bhxh::testing {

struct FakePlatform::Impl {
  mutable std::mutex mu;
  Handler handler;
  std::vector<FakeRequest> requests;
  int port = 0;
  std::unique_ptr<web::http::experimental::listener::http_listener> listener;
};

FakePlatform::FakePlatform(Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  impl_->port = FindFreeLoopbackPort();
  impl_->listener = std::make_unique<web::http::experimental::listener::http_listener>(
      "http://127.0.0.1:" + std::to_string(impl_->port));
  Impl* impl = impl_.get();
  impl_->listener->support([impl](web::http::http_request request) {
    try {
      FakeRequest r;
      r.method = request.method();
      r.path = request.relative_uri().path();
      r.query = request.relative_uri().query();
      for (const auto& [k, v] : request.headers()) {
        std::string lower = k;
        std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
        r.headers[lower] = v;
      }
      auto bytes = request.extract_vector().get();
      r.body.assign(bytes.begin(), bytes.end());
      Handler h;
      {
        std::lock_guard<std::mutex> lock(impl->mu);
        impl->requests.push_back(r);
        h = impl->handler;
      }
      const FakeAnswer a = h(r);
      if (a.delay.count() > 0) std::this_thread::sleep_for(a.delay);
      web::http::http_response response(static_cast<web::http::status_code>(a.status));
      response.set_body(a.body, "application/json");
      request.reply(response).then([](pplx::task<void> t) {
        try {
          t.get();
        } catch (...) {
        }
      });
    } catch (...) {
    }
  });
  impl_->listener->open().wait();
}

FakePlatform::~FakePlatform() {
  try {
    impl_->listener->close().wait();
  } catch (...) {
  }
}

std::string FakePlatform::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

void FakePlatform::SetHandler(Handler handler) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->handler = std::move(handler);
}

std::vector<FakeRequest> FakePlatform::Requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->requests;
}

std::vector<FakeRequest> FakePlatform::RequestsTo(const std::string& suffix) const {
  std::vector<FakeRequest> out;
  for (auto& r : Requests()) {
    if (r.path.size() >= suffix.size() &&
        r.path.compare(r.path.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(std::move(r));
    }
  }
  return out;
}

bool FakePlatform::WaitUntil(const std::function<bool()>& condition,
                             std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

}  // namespace bhxh::testing
