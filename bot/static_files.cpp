#include "bot/static_files.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace bhxh {

namespace {

constexpr size_t kMaxNameBytes = 100;
// Web files are a few kilobytes; refuse anything absurd rather than
// buffering it for every request.
constexpr std::uintmax_t kMaxFileBytes = 4 * 1024 * 1024;

struct TypeEntry {
  std::string_view extension;
  std::string_view content_type;
};

constexpr TypeEntry kTypes[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".webmanifest", "application/manifest+json; charset=utf-8"},
};

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '-';
}

}  // namespace

std::optional<std::string> StaticContentType(std::string_view file_name) {
  const size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view ext = file_name.substr(dot);
  for (const TypeEntry& t : kTypes) {
    if (t.extension == ext) return std::string(t.content_type);
  }
  return std::nullopt;
}

std::optional<std::string> StaticFileName(std::string_view request_path) {
  if (request_path == "/") return std::string("index.html");
  if (request_path.size() < 2 || request_path.front() != '/') return std::nullopt;
  const std::string_view name = request_path.substr(1);
  if (name.size() > kMaxNameBytes) return std::nullopt;
  // Hidden files and "."/".." are never served.
  if (name.front() == '.') return std::nullopt;
  if (name.find("..") != std::string_view::npos) return std::nullopt;
  // The character whitelist excludes '/', '\\', '%', NUL and control bytes,
  // so an encoded traversal ("%2e%2e%2f") is refused without decoding it.
  for (char c : name) {
    if (!IsNameChar(c)) return std::nullopt;
  }
  if (!StaticContentType(name)) return std::nullopt;
  return std::string(name);
}

std::optional<std::string> ReadStaticFile(const std::string& web_dir,
                                          const std::string& file_name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path path = fs::path(web_dir) / file_name;
  if (!fs::is_regular_file(path, ec) || ec) return std::nullopt;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec || size > kMaxFileBytes) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return data;
}

}  // namespace bhxh
