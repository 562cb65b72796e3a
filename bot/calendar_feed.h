// One commune's meetings as an iCalendar feed (RFC 5545), for commune
// offices and staff to subscribe to in their calendar apps (served as
// GET /calendar/<commune>.ics).
#ifndef BHXH_BOT_CALENDAR_FEED_H_
#define BHXH_BOT_CALENDAR_FEED_H_

#include <chrono>
#include <string>
#include <vector>

#include "content/communes.h"
#include "content/meeting_schedule.h"

namespace bhxh {

// How long a meeting is shown for: the schedule gives only the start.
inline constexpr std::chrono::minutes kConferenceDuration{120};  // both kinds of hội nghị
inline constexpr std::chrono::minutes kSmallGroupDuration{90};

// A VCALENDAR (METHOD:PUBLISH, named "Hội nghị BHXH, BHYT – xã <name>")
// with one VEVENT per meeting of `commune` in `meetings`, in the given
// order; meetings of other communes are left out. Cancelled meetings stay
// in, with STATUS:CANCELLED, so a subscribed calendar shows the
// cancellation; a moved meeting is CONFIRMED at its new time and says "Đã
// dời lịch". Times are UTC ("...Z"); DTSTAMP is `now`. UIDs are
// "<meeting id>@bhxh-son-ha", stable across renders. Lines end in CRLF and
// are folded at 75 octets, never inside a UTF-8 sequence. Pure function.
std::string RenderCommuneCalendar(const Commune& commune, const std::vector<Meeting>& meetings,
                                  std::chrono::system_clock::time_point now);

}  // namespace bhxh

#endif  // BHXH_BOT_CALENDAR_FEED_H_
