#include "bot/calendar_routes.h"

#include <nlohmann/json.hpp>

#include "bot/calendar_feed.h"
#include "content/text_normalizer.h"
#include "storage/meeting_store.h"

namespace bhxh {
namespace {

using nlohmann::json;

constexpr const char* kPrefix = "/calendar/";
constexpr const char* kSuffix = ".ics";

// "Sơn Tây Hạ" -> "son-tay-ha".
std::string Slug(const std::string& name) {
  std::string out;
  for (char c : FoldVietnamese(name)) out += c == ' ' ? '-' : c;
  return out;
}

RawHttpResponse Error(int status, const std::string& message) {
  RawHttpResponse r;
  r.status = status;
  r.body = json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace);
  r.log_note = "calendar_error";
  return r;
}

}  // namespace

void AddCalendarRoutes(HttpServer& server, MeetingStore& meetings, const LiveContent& content,
                       const Clock& clock) {
  server.AddRoute(std::string(kPrefix) + "*", {"GET"}, 0,
                  [&meetings, &content, &clock](const RawHttpRequest& request) {
    const auto snapshot = content.Current();
    const std::string& path = request.path;
    const size_t prefix = std::string(kPrefix).size(), suffix = std::string(kSuffix).size();
    std::string known;
    for (const auto& c : snapshot->communes->communes()) {
      known += (known.empty() ? "" : ", ") + c.code + " (" + c.name + ")";
    }
    if (path.size() <= prefix + suffix || path.compare(path.size() - suffix, suffix, kSuffix) != 0) {
      return Error(404, "use /calendar/<commune code>.ics, one of: " + known);
    }
    const std::string key = path.substr(prefix, path.size() - prefix - suffix);
    const Commune* commune = snapshot->communes->FindByCode(key);
    if (!commune) {
      for (const auto& c : snapshot->communes->communes()) {
        if (Slug(c.name) != key) continue;
        if (commune) return Error(404, "'" + key + "' names more than one commune; use the code: " + known);
        commune = &c;
      }
    }
    if (!commune) return Error(404, "unknown commune '" + key + "'; use one of: " + known);
    auto all = meetings.AllInCommune(commune->code);
    if (!all.ok()) return Error(503, "the meeting schedule cannot be read right now; try again later");
    RawHttpResponse r;
    r.content_type = "text/calendar; charset=utf-8";
    r.body = RenderCommuneCalendar(*commune, *all, clock.Now());
    r.log_note = "calendar";
    return r;
  });
}

}  // namespace bhxh
