// GET /calendar/<commune>.ics: an iCalendar feed of one commune's meetings,
// for commune offices and staff to subscribe to in their calendar apps.
// <commune> is the commune code ("21325") or its name without diacritics,
// hyphenated ("son-ky") when that is unambiguous ("son-ha" is both Sơn Hà
// and Sơn Hạ: use the code).
#ifndef BHXH_BOT_CALENDAR_ROUTES_H_
#define BHXH_BOT_CALENDAR_ROUTES_H_

#include "base/clock.h"
#include "bot/http_server.h"
#include "handlers/live_content.h"

namespace bhxh {

class MeetingStore;

// Adds the route to `server` (before it starts). All references must
// outlive the server.
void AddCalendarRoutes(HttpServer& server, MeetingStore& meetings, const LiveContent& content,
                       const Clock& clock);

}  // namespace bhxh

#endif  // BHXH_BOT_CALENDAR_ROUTES_H_
