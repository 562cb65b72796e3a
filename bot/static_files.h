// Which files of web/ the service hands out, and as what. Pure functions:
// no I/O except ReadStaticFile, so the path rules are unit-tested without HTTP.
//
// Only files directly inside the web directory are served, never a
// subdirectory, a hidden file or an extension outside the whitelist, so a
// crafted URL cannot reach the database, the content files or the source.
#ifndef BHXH_BOT_STATIC_FILES_H_
#define BHXH_BOT_STATIC_FILES_H_

#include <optional>
#include <string>
#include <string_view>

namespace bhxh {

// Maps the path of a GET request (as sent, still percent-encoded, without
// the query) to a file name inside the web directory: "/" -> "index.html",
// "/chat.css" -> "chat.css". Returns nullopt (answer 404) for anything else:
// a second path segment, "..", a NUL, a backslash, any percent escape, a
// name starting with '.', characters outside [A-Za-z0-9._-], names longer
// than 100 bytes, or an extension without a content type (see below).
std::optional<std::string> StaticFileName(std::string_view request_path);

// The Content-Type for a served file name, by its lower-case extension:
// .html .css .js .svg .png .ico .webmanifest; nullopt for any other.
// Text types carry "; charset=utf-8".
std::optional<std::string> StaticContentType(std::string_view file_name);

// Reads `file_name` (as returned by StaticFileName) from `web_dir`.
// nullopt when it is missing, not a regular file, or unreadable.
std::optional<std::string> ReadStaticFile(const std::string& web_dir,
                                          const std::string& file_name);

}  // namespace bhxh

#endif  // BHXH_BOT_STATIC_FILES_H_
