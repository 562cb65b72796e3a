#include "test_support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <cpprest/http_client.h>

namespace bhxh::testing {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Closes a file descriptor when leaving scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

}  // namespace

std::string HttpResult::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(std::string base_url, std::chrono::milliseconds timeout)
    : base_url_(std::move(base_url)), timeout_(timeout) {}

HttpResult HttpClient::Get(const std::string& path, const HeaderList& headers) const {
  return Send("GET", path, "", headers);
}

HttpResult HttpClient::Post(const std::string& path, const std::string& body,
                            const HeaderList& headers) const {
  return Send("POST", path, body, headers);
}

HttpResult HttpClient::Send(const std::string& method, const std::string& path,
                            const std::string& body, const HeaderList& headers) const {
  web::http::client::http_client_config config;
  config.set_timeout(timeout_);
  web::http::client::http_client client(web::uri(base_url_), config);

  web::http::http_request request(method);
  // Keep the path as written (tests send deliberately odd paths).
  request.set_request_uri(web::uri(path));
  std::string content_type = "application/json";
  for (const auto& [name, value] : headers) {
    if (Lower(name) == "content-type") content_type = value;
  }
  if (!body.empty() || method == "POST" || method == "PUT") {
    std::vector<unsigned char> bytes(body.begin(), body.end());
    request.set_body(std::move(bytes));
    request.headers().set_content_type(content_type);
  }
  for (const auto& [name, value] : headers) {
    if (Lower(name) != "content-type") request.headers().add(name, value);
  }

  web::http::http_response response = client.request(request).get();
  HttpResult result;
  result.status = response.status_code();
  for (const auto& [name, value] : response.headers()) {
    result.headers[Lower(name)] = value;
  }
  std::vector<unsigned char> bytes = response.extract_vector().get();
  result.body.assign(bytes.begin(), bytes.end());
  return result;
}

int FindFreeLoopbackPort() {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  if (fd.get() < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr = Loopback(0);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error(std::string("bind() failed: ") + std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("getsockname() failed");
  }
  return ntohs(addr.sin_port);
}

std::string RawHttpExchange(int port, const std::string& request,
                            std::chrono::milliseconds timeout) {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  if (fd.get() < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr = Loopback(port);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto remaining_ms = [&] {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<long long>(0, left.count()));
  };
  size_t sent = 0;
  while (sent < request.size()) {
    pollfd p{fd.get(), POLLOUT, 0};
    if (::poll(&p, 1, remaining_ms()) <= 0) break;
    ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer and close before reading it all
    sent += static_cast<size_t>(n);
  }
  std::string response;
  char buf[4096];
  while (true) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, remaining_ms()) <= 0) break;
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n <= 0) break;
    response.append(buf, static_cast<size_t>(n));
  }
  return response;
}

int RawStatus(const std::string& raw_response) {
  // "HTTP/1.1 413 Request Entity Too Large"
  if (raw_response.compare(0, 5, "HTTP/") != 0) return 0;
  const size_t space = raw_response.find(' ');
  if (space == std::string::npos || space + 4 > raw_response.size()) return 0;
  int code = 0;
  for (size_t i = space + 1; i < space + 4; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(raw_response[i]))) return 0;
    code = code * 10 + (raw_response[i] - '0');
  }
  return code;
}

}  // namespace bhxh::testing
