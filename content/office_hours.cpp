#include "content/office_hours.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

namespace bhxh {
namespace {

using nlohmann::json;

// Day keys by CivilDate::Weekday() (0 = Sunday).
constexpr const char* kDayKeys[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
// How far NextOpening looks ahead.
constexpr int kLookAheadDays = 60;
constexpr int kMinutesPerDay = 24 * 60;

int DayIndex(const std::string& key) {
  for (int i = 0; i < 7; ++i) {
    if (key == kDayKeys[i]) return i;
  }
  return -1;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// "7:30" / "07:30" -> minutes since midnight; "24:00" is allowed (a range
// may end at midnight). -1 when malformed.
int ParseClock(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 2 || text.size() != colon + 3) return -1;
  int hour = 0, minute = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == colon) continue;
    if (text[i] < '0' || text[i] > '9') return -1;
    if (i < colon) hour = hour * 10 + (text[i] - '0');
    else minute = minute * 10 + (text[i] - '0');
  }
  if (minute > 59 || hour > 24 || (hour == 24 && minute != 0)) return -1;
  return hour * 60 + minute;
}

// "/weekly/mon" -> "weekly.mon", "/closed_days/2" -> "closed_days[2]" (the
// field names the other problems use).
std::string FieldOf(const std::string& pointer, const std::string& key) {
  std::string out;
  std::string rest = pointer + "/" + key;
  size_t pos = 1;
  while (pos <= rest.size()) {
    const size_t slash = std::min(rest.find('/', pos), rest.size());
    const std::string part = rest.substr(pos, slash - pos);
    const bool index = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
    if (index) out += "[" + part + "]";
    else out += (out.empty() ? "" : ".") + part;
    pos = slash + 1;
  }
  return out;
}

std::string FormatClock(int minutes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

}  // namespace

std::unique_ptr<OfficeHours> OfficeHours::Parse(std::string_view text, const std::string& file_label,
                                                std::vector<ContentProblem>* problems) {
  std::vector<ContentProblem> local;
  if (problems == nullptr) problems = &local;
  const size_t before = problems->size();
  auto add = [&](int line, const std::string& field, std::string message) {
    problems->push_back(ContentProblem{file_label, line, "", field, std::move(message)});
  };

  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) {
    problems->push_back(JsonSyntaxProblem(text, file_label));
    return nullptr;
  }
  const JsonLineMap lines(text);
  if (!doc.is_object()) {
    add(lines.LineOf(""), "", "top level must be an object with the keys 'weekly' and 'closed_days'");
    return nullptr;
  }
  auto hours = std::make_unique<OfficeHours>();

  for (const auto& item : doc.items()) {
    if (item.key() != "weekly" && item.key() != "closed_days") {
      add(lines.LineOf(JsonLineMap::Child("", item.key())), "", "unknown key '" + item.key() + "'");
    }
  }

  // weekly: day -> ["HH:MM-HH:MM", ...]
  const auto weekly = doc.find("weekly");
  if (weekly == doc.end()) {
    add(lines.LineOf(""), "weekly", "is required");
  } else if (!weekly->is_object()) {
    add(lines.LineOf("/weekly"), "weekly", "must be an object of day -> time ranges");
  } else {
    for (const auto& day : weekly->items()) {
      const std::string day_pointer = JsonLineMap::Child("/weekly", day.key());
      const std::string day_field = "weekly." + day.key();
      const int index = DayIndex(day.key());
      if (index < 0) {
        add(lines.LineOf(day_pointer), "weekly",
            "unknown day '" + day.key() + "' (use mon, tue, wed, thu, fri, sat, sun)");
        continue;
      }
      if (!day.value().is_array()) {
        add(lines.LineOf(day_pointer), day_field, "must be an array of \"HH:MM-HH:MM\" ranges");
        continue;
      }
      // Ranges with their position in the file, to report overlaps there.
      struct Parsed {
        Range range;
        size_t position;
      };
      std::vector<Parsed> parsed;
      for (size_t i = 0; i < day.value().size(); ++i) {
        const json& value = day.value()[i];
        const int line = lines.LineOf(JsonLineMap::Child(day_pointer, i));
        const std::string field = day_field + "[" + std::to_string(i) + "]";
        const std::string range_text = value.is_string() ? value.get<std::string>() : "";
        const size_t dash = range_text.find('-');
        const int from = dash == std::string::npos ? -1 : ParseClock(Trim(range_text.substr(0, dash)));
        const int to = dash == std::string::npos ? -1 : ParseClock(Trim(range_text.substr(dash + 1)));
        if (from < 0 || to < 0 || from >= kMinutesPerDay) {
          add(line, field, "must be a time range \"HH:MM-HH:MM\"");
        } else if (from >= to) {
          add(line, field, "must start before it ends");
        } else {
          parsed.push_back(Parsed{Range{from, to}, i});
        }
      }
      std::stable_sort(parsed.begin(), parsed.end(), [](const Parsed& a, const Parsed& b) {
        return a.range.from_minute < b.range.from_minute;
      });
      for (size_t i = 1; i < parsed.size(); ++i) {
        const Range& prev = parsed[i - 1].range;
        if (parsed[i].range.from_minute < prev.to_minute) {
          const size_t pos = std::max(parsed[i].position, parsed[i - 1].position);
          add(lines.LineOf(JsonLineMap::Child(day_pointer, pos)),
              day_field + "[" + std::to_string(pos) + "]",
              "overlaps another range of the same day (" + FormatClock(prev.from_minute) + "-" +
                  FormatClock(prev.to_minute) + " and " + FormatClock(parsed[i].range.from_minute) +
                  "-" + FormatClock(parsed[i].range.to_minute) + ")");
        }
      }
      for (const Parsed& p : parsed) hours->weekly_[index].push_back(p.range);
    }
  }

  // closed_days: [{"date": "YYYY-MM-DD", "name": "..."}]
  const auto closed = doc.find("closed_days");
  if (closed != doc.end() && !closed->is_array()) {
    add(lines.LineOf("/closed_days"), "closed_days",
        "must be an array of {\"date\": \"YYYY-MM-DD\", \"name\": \"...\"}");
  } else if (closed != doc.end()) {
    std::set<long> seen;
    for (size_t i = 0; i < closed->size(); ++i) {
      const json& day = (*closed)[i];
      const std::string pointer = JsonLineMap::Child("/closed_days", i);
      const std::string field = "closed_days[" + std::to_string(i) + "]";
      if (!day.is_object()) {
        add(lines.LineOf(pointer), field, "must be an object with 'date' and 'name'");
        continue;
      }
      for (const auto& item : day.items()) {
        if (item.key() != "date" && item.key() != "name") {
          add(lines.LineOf(JsonLineMap::Child(pointer, item.key())), field,
              "unknown key '" + item.key() + "'");
        }
      }
      if (auto name = day.find("name"); name != day.end() && !name->is_string()) {
        add(lines.LineOf(JsonLineMap::Child(pointer, "name")), field + ".name", "must be a string");
      }
      const auto date = day.find("date");
      if (date == day.end()) {
        add(lines.LineOf(pointer), field + ".date", "is required");
        continue;
      }
      const std::optional<CivilDate> parsed =
          date->is_string() ? CivilDate::ParseIso(date->get<std::string>()) : std::nullopt;
      const int line = lines.LineOf(JsonLineMap::Child(pointer, "date"));
      if (!parsed) {
        add(line, field + ".date", "must be a date \"YYYY-MM-DD\"");
      } else if (!seen.insert(parsed->DaysSinceEpoch()).second) {
        add(line, field + ".date", parsed->ToIso() + " is listed more than once");
      } else {
        hours->closed_days_.push_back(*parsed);
      }
    }
  }

  for (const auto& dup : lines.duplicate_keys()) {
    add(dup.line, FieldOf(dup.object_pointer, dup.key), "is defined more than once");
  }

  std::stable_sort(problems->begin() + static_cast<long>(before), problems->end(),
                   [](const ContentProblem& a, const ContentProblem& b) { return a.line < b.line; });
  if (problems->size() != before) return nullptr;
  std::sort(hours->closed_days_.begin(), hours->closed_days_.end());
  return hours;
}

std::unique_ptr<OfficeHours> OfficeHours::Load(const std::string& path,
                                               std::vector<ContentProblem>* problems) {
  std::vector<ContentProblem> local;
  if (problems == nullptr) problems = &local;
  std::string text;
  if (!ReadContentFile(path, &text, problems)) return nullptr;
  return Parse(text, path, problems);
}

bool OfficeHours::IsOpen(std::chrono::system_clock::time_point t) const {
  const CivilDate date = VietnamDateAt(t);
  if (std::binary_search(closed_days_.begin(), closed_days_.end(), date)) return false;
  const int minute = VietnamMinuteOfDay(t);
  for (const Range& r : weekly_[date.Weekday()]) {
    if (r.from_minute <= minute && minute < r.to_minute) return true;
  }
  return false;
}

std::optional<std::chrono::system_clock::time_point> OfficeHours::NextOpening(
    std::chrono::system_clock::time_point t) const {
  if (IsOpen(t)) return t;
  const CivilDate today = VietnamDateAt(t);
  const int now_minute = VietnamMinuteOfDay(t);
  for (int offset = 0; offset <= kLookAheadDays; ++offset) {
    const CivilDate date = CivilDate::FromDaysSinceEpoch(today.DaysSinceEpoch() + offset);
    if (std::binary_search(closed_days_.begin(), closed_days_.end(), date)) continue;
    // Ranges are sorted by start: the first one still ahead is the answer.
    for (const Range& r : weekly_[date.Weekday()]) {
      if (offset == 0 && r.from_minute <= now_minute) continue;
      return VietnamInstant(date, r.from_minute / 60, r.from_minute % 60);
    }
  }
  return std::nullopt;
}

std::string OfficeHours::Describe() const {
  auto same = [](const std::vector<Range>& a, const std::vector<Range>& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](const Range& x, const Range& y) {
             return x.from_minute == y.from_minute && x.to_minute == y.to_minute;
           });
  };
  // Monday first, Sunday last, as a Vietnamese week is written.
  constexpr int kOrder[7] = {1, 2, 3, 4, 5, 6, 0};
  std::string out;
  for (int i = 0; i < 7;) {
    const std::vector<Range>& ranges = weekly_[kOrder[i]];
    int j = i + 1;
    while (j < 7 && same(weekly_[kOrder[j]], ranges)) ++j;
    if (!ranges.empty()) {
      std::string times;
      for (const Range& r : ranges) {
        if (!times.empty()) times += ", ";
        times += FormatClock(r.from_minute) + "-" + FormatClock(r.to_minute);
      }
      std::string days;
      const std::string first = VietnameseWeekdayName(kOrder[i]);
      const std::string last = VietnameseWeekdayName(kOrder[j - 1]);
      if (j - i == 1) days = first;
      else if (j - i == 2) days = first + " và " + last;
      else days = "từ " + first + " đến " + last;
      if (!out.empty()) out += "; ";
      out += times + " " + days;
    }
    i = j;
  }
  return out;
}

}  // namespace bhxh
