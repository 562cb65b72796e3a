#include "content/meeting_schedule.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "content/text_normalizer.h"

namespace bhxh {
namespace {

using nlohmann::json;

constexpr const char* kFields[] = {"id",    "commune",         "kind",      "title",  "start",
                                   "venue", "expected_guests", "organiser", "status", "notes"};
constexpr const char* kRequiredFields[] = {"id", "commune", "kind", "start", "venue"};
constexpr int kMaxGuests = 10000;
constexpr int kMaxRelativeDays = 366;

bool IsField(const std::string& name) {
  return std::find_if(std::begin(kFields), std::end(kFields),
                      [&](const char* f) { return name == f; }) != std::end(kFields);
}

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string_view Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool IsValidId(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view SkipBom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

// ---------------------------------------------------------------------------
// Start times.

struct ParsedStart {
  enum class Kind { kBadFormat, kNotReal, kAbsolute, kRelative } kind = Kind::kBadFormat;
  CivilDate date;  // kAbsolute
  int days = 0;    // kRelative: days after the import day
  int hour = 0;
  int minute = 0;
};

// Reads 1..max_len digits at text[*pos]; false when there are none or more.
bool ReadNumber(std::string_view text, size_t* pos, size_t min_len, size_t max_len, int* out) {
  size_t end = *pos;
  while (end < text.size() && IsDigit(text[end])) ++end;
  const size_t len = end - *pos;
  if (len < min_len || len > max_len) return false;
  int v = 0;
  for (size_t i = *pos; i < end; ++i) v = v * 10 + (text[i] - '0');
  *out = v;
  *pos = end;
  return true;
}

bool ReadChar(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

bool ReadSpaces(std::string_view text, size_t* pos) {
  const size_t start = *pos;
  while (*pos < text.size() && text[*pos] == ' ') ++*pos;
  return *pos > start;
}

// "H:MM" or "HH:MM", optionally ":00" (spreadsheets export seconds), to the
// end of the text. Range is checked by the caller.
bool ReadTime(std::string_view text, size_t* pos, int* hour, int* minute) {
  if (!ReadNumber(text, pos, 1, 2, hour) || !ReadChar(text, pos, ':') ||
      !ReadNumber(text, pos, 2, 2, minute)) {
    return false;
  }
  if (*pos < text.size() && text.substr(*pos) == ":00") *pos = text.size();
  return *pos == text.size();
}

// "YYYY-MM-DD HH:MM", "DD/MM/YYYY HH:MM" (day, month and hour may have one
// digit, as spreadsheets write them) or "+N HH:MM".
ParsedStart ParseStart(std::string_view text) {
  ParsedStart out;
  size_t pos = 0;
  int a = 0, b = 0, c = 0;
  if (ReadChar(text, &pos, '+')) {
    if (!ReadNumber(text, &pos, 1, 3, &out.days) || !ReadSpaces(text, &pos) ||
        !ReadTime(text, &pos, &out.hour, &out.minute)) {
      return out;
    }
    out.kind = out.days <= kMaxRelativeDays && out.hour < 24 && out.minute < 60
                   ? ParsedStart::Kind::kRelative
                   : ParsedStart::Kind::kNotReal;
    return out;
  }
  size_t p = 0;
  if (ReadNumber(text, &p, 4, 4, &a) && ReadChar(text, &p, '-') && ReadNumber(text, &p, 2, 2, &b) &&
      ReadChar(text, &p, '-') && ReadNumber(text, &p, 2, 2, &c)) {
    out.date = CivilDate{a, b, c};
  } else {
    p = 0;
    if (!(ReadNumber(text, &p, 1, 2, &a) && ReadChar(text, &p, '/') &&
          ReadNumber(text, &p, 1, 2, &b) && ReadChar(text, &p, '/') &&
          ReadNumber(text, &p, 4, 4, &c))) {
      return out;
    }
    out.date = CivilDate{c, b, a};
  }
  if (!ReadSpaces(text, &p) || !ReadTime(text, &p, &out.hour, &out.minute)) return out;
  // ParseIso is the one strict calendar check (months, leap years). A year
  // outside 2000..2100 is a typo ("0226"), not a meeting.
  const bool real_date = CivilDate::ParseIso(out.date.ToIso()).has_value() &&
                         out.date.year >= 2000 && out.date.year <= 2100;
  out.kind = real_date && out.hour < 24 && out.minute < 60 ? ParsedStart::Kind::kAbsolute
                                                           : ParsedStart::Kind::kNotReal;
  return out;
}

// ---------------------------------------------------------------------------
// CSV (RFC 4180, with the separators and line ends spreadsheets export).

struct CsvRecord {
  int line = 0;  // where the record starts
  std::vector<std::string> fields;
};

// ';' when the header line has more semicolons than commas outside quotes
// (spreadsheets in the Vietnamese locale, where ',' is the decimal mark).
char DetectSeparator(std::string_view text) {
  size_t commas = 0, semicolons = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    if (c == ',') ++commas;
    if (c == ';') ++semicolons;
  }
  return semicolons > commas ? ';' : ',';
}

class CsvReader {
 public:
  CsvReader(std::string_view text, char separator) : text_(text), separator_(separator) {}

  // Every record, blank lines skipped. Structural errors are appended as
  // (line, message); an unclosed quote ends the reading.
  std::vector<CsvRecord> ReadAll(std::vector<std::pair<int, std::string>>* errors) {
    std::vector<CsvRecord> records;
    while (pos_ < text_.size()) {
      CsvRecord record;
      if (!ReadRecord(&record, errors)) break;
      const bool blank = record.fields.size() == 1 && IsBlank(record.fields[0]);
      if (!blank) records.push_back(std::move(record));
    }
    return records;
  }

 private:
  // Consumes a line end at pos_ ("\r\n", "\n" or a lone "\r"); false if none.
  bool LineEnd() {
    if (pos_ >= text_.size()) return false;
    if (text_[pos_] == '\r') {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    } else if (text_[pos_] == '\n') {
      ++pos_;
    } else {
      return false;
    }
    ++line_;
    return true;
  }

  bool ReadRecord(CsvRecord* record, std::vector<std::pair<int, std::string>>* errors) {
    record->line = line_;
    std::string field;
    while (true) {
      if (pos_ < text_.size() && text_[pos_] == '"') {
        const int open_line = line_;
        ++pos_;
        bool closed = false;
        while (pos_ < text_.size()) {
          const char c = text_[pos_];
          if (c == '"') {
            if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
              field.push_back('"');
              pos_ += 2;
              continue;
            }
            ++pos_;
            closed = true;
            break;
          }
          if (c == '\r' || c == '\n') {
            LineEnd();  // a line break inside a field is kept as "\n"
            field.push_back('\n');
            continue;
          }
          field.push_back(c);
          ++pos_;
        }
        if (!closed) {
          errors->emplace_back(open_line, "a quoted field is not closed");
          return false;
        }
        // RFC 4180 allows nothing between the closing quote and the next
        // separator; keep the text but report it, it usually means a quote
        // that should have been doubled.
        bool reported = false;
        while (pos_ < text_.size() && text_[pos_] != separator_ && text_[pos_] != '\r' &&
               text_[pos_] != '\n') {
          if (!reported) {
            errors->emplace_back(line_,
                                 "text after the closing quote of a field (write \"\" "
                                 "for a quote inside a quoted field)");
            reported = true;
          }
          field.push_back(text_[pos_++]);
        }
      } else {
        // An unquoted field runs to the separator or the line end; a quote
        // inside it is kept as it is (what spreadsheets read too).
        while (pos_ < text_.size() && text_[pos_] != separator_ && text_[pos_] != '\r' &&
               text_[pos_] != '\n') {
          field.push_back(text_[pos_++]);
        }
      }
      record->fields.push_back(std::move(field));
      field.clear();
      if (pos_ < text_.size() && text_[pos_] == separator_) {
        ++pos_;
        continue;
      }
      LineEnd();
      return true;
    }
  }

  std::string_view text_;
  char separator_;
  size_t pos_ = 0;
  int line_ = 1;
};

// ---------------------------------------------------------------------------
// Validation shared by both formats.

// One field of one meeting as the file gave it.
struct Cell {
  int line = 0;
  bool is_text = true;  // false: a JSON value that is not a string
  std::string text;     // the string, or the JSON text of another value
  bool is_integer = false;
  long long integer = 0;
};
struct RawMeeting {
  std::map<std::string, Cell> cells;
  std::vector<std::pair<std::string, int>> unknown_keys;  // JSON: key, line
};

class ScheduleBuilder {
 public:
  ScheduleBuilder(const std::string& file_label, const CommuneDirectory& communes,
                  CivilDate import_day, std::vector<ContentProblem>* problems)
      : file_(file_label), communes_(communes), import_day_(import_day), problems_(problems) {}

  void Add(int line, const std::string& entry, const std::string& field, std::string message) {
    problems_->push_back(ContentProblem{file_, line, entry, field, std::move(message)});
  }

  // Checks one meeting (the `number`th, 1-based) and keeps it. `line` is
  // where the meeting starts; fields without their own line use it.
  void AddMeeting(const RawMeeting& raw, size_t number, int line, bool sample,
                  std::vector<Meeting>* out) {
    Meeting m;
    m.sample = sample;
    std::string label = "#" + std::to_string(number);
    auto cell = [&](const char* field) -> const Cell* {
      auto it = raw.cells.find(field);
      return it == raw.cells.end() ? nullptr : &it->second;
    };
    auto line_of = [&](const Cell* c) { return c && c->line > 0 ? c->line : line; };
    // A text field: nullptr when missing or not a string (reported).
    auto text = [&](const char* field, bool required) -> const std::string* {
      const Cell* c = cell(field);
      if (c == nullptr) {
        if (required) Add(line, label, field, "is required");
        return nullptr;
      }
      if (!c->is_text) {
        Add(line_of(c), label, field, "must be a string, got " + c->text);
        return nullptr;
      }
      if (required && IsBlank(c->text)) {
        Add(line_of(c), label, field, "must not be empty");
        return nullptr;
      }
      return &c->text;
    };

    if (const std::string* id = text("id", true)) {
      const std::string value(Trim(*id));
      const int id_line = line_of(cell("id"));
      if (!IsValidId(value)) {
        Add(id_line, label, "id", "must match [a-z0-9-]+, got '" + value + "'");
      } else {
        m.id = value;
        label = value;
        auto [first, inserted] = id_lines_.emplace(value, id_line);
        if (!inserted) {
          Add(id_line, label, "id", "duplicates the id at line " + std::to_string(first->second));
        }
      }
    }
    for (const auto& key : raw.unknown_keys) {
      Add(key.second, label, "", "unknown key '" + key.first + "'");
    }
    if (const std::string* commune = text("commune", true)) {
      const std::string value(Trim(*commune));
      const Commune* c = communes_.FindByCode(value);
      if (c == nullptr) c = communes_.FindByName(value);
      if (c == nullptr) {
        Add(line_of(cell("commune")), label, "commune",
            "unknown commune '" + value + "': give a code or a name from communes.json");
      } else {
        m.commune_code = c->code;
      }
    }
    if (const std::string* kind = text("kind", true)) {
      auto parsed = ParseMeetingKind(*kind);
      if (!parsed) {
        Add(line_of(cell("kind")), label, "kind",
            "must be one of hoi_nghi_tuyen_truyen, hoi_nghi_khach_hang, nhom_nho, got '" +
                std::string(Trim(*kind)) + "'");
      } else {
        m.kind = *parsed;
      }
    }
    if (const std::string* title = text("title", false)) m.title = NormalizeNfc(Trim(*title));
    if (const std::string* start = text("start", true))
      CheckStart(*start, line_of(cell("start")), label, sample, &m);
    if (const std::string* venue = text("venue", true)) m.venue = NormalizeNfc(Trim(*venue));
    CheckGuests(cell("expected_guests"), line_of(cell("expected_guests")), label, &m);
    if (const std::string* organiser = text("organiser", false)) {
      m.organiser = NormalizeNfc(Trim(*organiser));
    }
    if (const std::string* status = text("status", false)) {
      if (!IsBlank(*status)) {
        auto parsed = ParseMeetingStatus(*status);
        if (!parsed) {
          Add(line_of(cell("status")), label, "status",
              "must be one of planned, confirmed, moved, cancelled, got '" +
                  std::string(Trim(*status)) + "'");
        } else {
          m.status = *parsed;
        }
      }
    }
    if (const std::string* notes = text("notes", false)) m.notes = NormalizeNfc(Trim(*notes));
    out->push_back(std::move(m));
  }

 private:
  void CheckStart(const std::string& text, int line, const std::string& label, bool sample,
                  Meeting* m) {
    const std::string value(Trim(text));
    const ParsedStart start = ParseStart(value);
    switch (start.kind) {
      case ParsedStart::Kind::kBadFormat:
        Add(line, label, "start",
            "must be 'YYYY-MM-DD HH:MM' or 'DD/MM/YYYY HH:MM' (Vietnam time), got '" + value + "'");
        return;
      case ParsedStart::Kind::kNotReal:
        Add(line, label, "start", "is not a real date and time: '" + value + "'");
        return;
      case ParsedStart::Kind::kRelative:
        // Relative days keep the shipped demo upcoming; in a real schedule
        // they would silently move every meeting at each import.
        if (!sample) {
          Add(line, label, "start",
              "a relative start ('" + value +
                  "') is only allowed in a sample schedule "
                  "(\"sample\": true)");
          return;
        }
        m->start =
            VietnamInstant(CivilDate::FromDaysSinceEpoch(import_day_.DaysSinceEpoch() + start.days),
                           start.hour, start.minute);
        return;
      case ParsedStart::Kind::kAbsolute:
        m->start = VietnamInstant(start.date, start.hour, start.minute);
        return;
    }
  }

  void CheckGuests(const Cell* c, int line, const std::string& label, Meeting* m) {
    if (c == nullptr) return;
    long long value = 0;
    bool ok = false;
    if (c->is_integer) {
      value = c->integer;
      ok = true;
    } else if (c->is_text) {
      const std::string_view digits = Trim(c->text);
      if (digits.empty()) return;  // an empty CSV cell: not given
      ok = digits.size() <= 6 && std::all_of(digits.begin(), digits.end(), IsDigit);
      if (ok) value = std::stoll(std::string(digits));
    }
    if (!ok || value < 0 || value > kMaxGuests) {
      Add(line, label, "expected_guests",
          "must be a whole number from 0 to " + std::to_string(kMaxGuests) + ", got " +
              (c->is_text ? "'" + std::string(Trim(c->text)) + "'" : c->text));
      return;
    }
    m->expected_guests = static_cast<int>(value);
  }

  const std::string& file_;
  const CommuneDirectory& communes_;
  CivilDate import_day_;
  std::vector<ContentProblem>* problems_;
  std::map<std::string, int> id_lines_;
};

void SortByLine(std::vector<ContentProblem>* problems, size_t from) {
  std::stable_sort(
      problems->begin() + static_cast<long>(from), problems->end(),
      [](const ContentProblem& a, const ContentProblem& b) { return a.line < b.line; });
}

std::optional<MeetingSchedule> ParseJson(std::string_view text, const std::string& file,
                                         const CommuneDirectory& communes, CivilDate import_day,
                                         std::vector<ContentProblem>* problems) {
  const size_t before = problems->size();
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) {
    problems->push_back(JsonSyntaxProblem(text, file));
    return std::nullopt;
  }
  const JsonLineMap lines(text);
  ScheduleBuilder builder(file, communes, import_day, problems);
  MeetingSchedule schedule;
  if (!doc.is_object()) {
    builder.Add(lines.LineOf(""), "", "", "top level must be an object with the key 'meetings'");
    return std::nullopt;
  }
  for (const auto& item : doc.items()) {
    if (item.key() != "sample" && item.key() != "meetings") {
      builder.Add(lines.LineOf(JsonLineMap::Child("", item.key())), "", "",
                  "unknown key '" + item.key() + "'");
    }
  }
  for (const auto& dup : lines.duplicate_keys()) {
    builder.Add(dup.line, "", "", "duplicate key '" + dup.key + "'");
  }
  auto sample = doc.find("sample");
  if (sample != doc.end()) {
    if (sample->is_boolean()) {
      schedule.sample = sample->get<bool>();
    } else {
      builder.Add(lines.LineOf("/sample"), "", "sample", "must be true or false");
    }
  }
  auto meetings = doc.find("meetings");
  if (meetings == doc.end()) {
    builder.Add(lines.LineOf(""), "", "meetings", "is required");
  } else if (!meetings->is_array()) {
    builder.Add(lines.LineOf("/meetings"), "", "meetings", "must be an array");
  } else {
    for (size_t i = 0; i < meetings->size(); ++i) {
      const json& e = (*meetings)[i];
      const std::string pointer = JsonLineMap::Child("/meetings", i);
      const int line = lines.LineOf(pointer);
      const std::string label = "#" + std::to_string(i + 1);
      if (!e.is_object()) {
        builder.Add(line, label, "", "must be an object");
        continue;
      }
      RawMeeting raw;
      for (const auto& item : e.items()) {
        const int key_line = lines.LineOf(JsonLineMap::Child(pointer, item.key()));
        if (!IsField(item.key())) {
          raw.unknown_keys.emplace_back(item.key(), key_line);
          continue;
        }
        Cell c;
        c.line = key_line;
        const json& v = item.value();
        if (v.is_string()) {
          c.text = v.get<std::string>();
        } else {
          c.is_text = false;
          c.text = v.dump();
          if (v.is_number_integer()) {
            c.is_integer = true;
            c.integer = v.get<long long>();
          }
        }
        raw.cells.emplace(item.key(), std::move(c));
      }
      builder.AddMeeting(raw, i + 1, line, schedule.sample, &schedule.meetings);
    }
  }
  SortByLine(problems, before);
  if (problems->size() != before) return std::nullopt;
  return schedule;
}

std::optional<MeetingSchedule> ParseCsv(std::string_view text, const std::string& file,
                                        const CommuneDirectory& communes, CivilDate import_day,
                                        std::vector<ContentProblem>* problems) {
  const size_t before = problems->size();
  ScheduleBuilder builder(file, communes, import_day, problems);
  std::vector<std::pair<int, std::string>> errors;
  const std::vector<CsvRecord> records = CsvReader(text, DetectSeparator(text)).ReadAll(&errors);
  for (const auto& e : errors) builder.Add(e.first, "", "", e.second);
  if (records.empty()) {
    if (errors.empty()) builder.Add(0, "", "", "no header row (id,commune,kind,start,venue,...)");
    return std::nullopt;
  }
  // Header: every column a known field, once; the required ones present.
  const CsvRecord& header = records.front();
  std::vector<std::string> columns;
  std::set<std::string> seen;
  for (const std::string& raw_name : header.fields) {
    std::string name(Trim(raw_name));
    std::transform(name.begin(), name.end(), name.begin(), [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    if (!IsField(name)) {
      builder.Add(header.line, "", name, "unknown column '" + name + "'");
    } else if (!seen.insert(name).second) {
      builder.Add(header.line, "", name, "duplicate column '" + name + "'");
    }
    columns.push_back(std::move(name));
  }
  for (const char* required : kRequiredFields) {
    if (seen.count(required) == 0) {
      builder.Add(header.line, "", required, std::string("missing column '") + required + "'");
    }
  }
  MeetingSchedule schedule;
  // Rows are read against the header only when the header is sound; with a
  // wrong header every row would repeat the same problem.
  if (problems->size() == before) {
    for (size_t r = 1; r < records.size(); ++r) {
      const CsvRecord& row = records[r];
      if (row.fields.size() != columns.size()) {
        builder.Add(row.line, "#" + std::to_string(r), "",
                    "has " + std::to_string(row.fields.size()) + " fields, the header has " +
                        std::to_string(columns.size()));
        continue;
      }
      RawMeeting raw;
      for (size_t i = 0; i < columns.size(); ++i) {
        Cell c;
        c.line = row.line;
        c.text = row.fields[i];
        raw.cells.emplace(columns[i], std::move(c));
      }
      builder.AddMeeting(raw, r, row.line, false, &schedule.meetings);
    }
  }
  SortByLine(problems, before);
  if (problems->size() != before) return std::nullopt;
  return schedule;
}

struct NamedValue {
  const char* folded;
  int value;
};

// Looks `text` up by its folded form (case, diacritics and "_" ignored).
std::optional<int> LookUp(std::string_view text, const NamedValue* table, size_t size) {
  const std::string folded = FoldVietnamese(text);
  for (size_t i = 0; i < size; ++i) {
    if (folded == table[i].folded) return table[i].value;
  }
  return std::nullopt;
}

}  // namespace

const char* MeetingKindName(MeetingKind kind) {
  switch (kind) {
    case MeetingKind::kPropaganda:
      return "hoi_nghi_tuyen_truyen";
    case MeetingKind::kCustomer:
      return "hoi_nghi_khach_hang";
    case MeetingKind::kSmallGroup:
      return "nhom_nho";
  }
  return "";
}

std::optional<MeetingKind> ParseMeetingKind(std::string_view text) {
  static const NamedValue kTable[] = {
      {"hoi nghi tuyen truyen", static_cast<int>(MeetingKind::kPropaganda)},
      {"hoi nghi tuyen truyen doi thoai", static_cast<int>(MeetingKind::kPropaganda)},
      {"tuyen truyen", static_cast<int>(MeetingKind::kPropaganda)},
      {"hoi nghi khach hang", static_cast<int>(MeetingKind::kCustomer)},
      {"khach hang", static_cast<int>(MeetingKind::kCustomer)},
      {"nhom nho", static_cast<int>(MeetingKind::kSmallGroup)},
      {"hop nhom nho", static_cast<int>(MeetingKind::kSmallGroup)},
  };
  auto v = LookUp(text, kTable, std::size(kTable));
  if (!v) return std::nullopt;
  return static_cast<MeetingKind>(*v);
}

const char* MeetingStatusName(MeetingStatus status) {
  switch (status) {
    case MeetingStatus::kPlanned:
      return "planned";
    case MeetingStatus::kConfirmed:
      return "confirmed";
    case MeetingStatus::kMoved:
      return "moved";
    case MeetingStatus::kCancelled:
      return "cancelled";
  }
  return "";
}

std::optional<MeetingStatus> ParseMeetingStatus(std::string_view text) {
  static const NamedValue kTable[] = {
      {"planned", static_cast<int>(MeetingStatus::kPlanned)},
      {"du kien", static_cast<int>(MeetingStatus::kPlanned)},
      {"confirmed", static_cast<int>(MeetingStatus::kConfirmed)},
      {"da xac nhan", static_cast<int>(MeetingStatus::kConfirmed)},
      {"xac nhan", static_cast<int>(MeetingStatus::kConfirmed)},
      {"moved", static_cast<int>(MeetingStatus::kMoved)},
      {"doi lich", static_cast<int>(MeetingStatus::kMoved)},
      {"da doi lich", static_cast<int>(MeetingStatus::kMoved)},
      {"cancelled", static_cast<int>(MeetingStatus::kCancelled)},
      {"canceled", static_cast<int>(MeetingStatus::kCancelled)},
      {"huy", static_cast<int>(MeetingStatus::kCancelled)},
      {"da huy", static_cast<int>(MeetingStatus::kCancelled)},
  };
  auto v = LookUp(text, kTable, std::size(kTable));
  if (!v) return std::nullopt;
  return static_cast<MeetingStatus>(*v);
}

const char* MeetingKindLabel(MeetingKind kind) {
  switch (kind) {
    case MeetingKind::kPropaganda:
      return "Hội nghị tuyên truyền, đối thoại";
    case MeetingKind::kCustomer:
      return "Hội nghị khách hàng";
    case MeetingKind::kSmallGroup:
      return "Họp nhóm nhỏ";
  }
  return "";
}

const char* MeetingStatusLabel(MeetingStatus status) {
  switch (status) {
    case MeetingStatus::kPlanned:
      return "Dự kiến";
    case MeetingStatus::kConfirmed:
      return "Đã xác nhận";
    case MeetingStatus::kMoved:
      return "Đã dời lịch";
    case MeetingStatus::kCancelled:
      return "Đã hủy";
  }
  return "";
}

std::optional<MeetingSchedule> ParseMeetingSchedule(std::string_view text,
                                                    const std::string& file_label,
                                                    const CommuneDirectory& communes,
                                                    CivilDate import_day,
                                                    std::vector<ContentProblem>* problems) {
  const std::string_view body = SkipBom(text);
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '{') {
    return ParseJson(text, file_label, communes, import_day, problems);
  }
  return ParseCsv(body, file_label, communes, import_day, problems);
}

std::optional<MeetingSchedule> LoadMeetingSchedule(const std::string& path,
                                                   const CommuneDirectory& communes,
                                                   CivilDate import_day,
                                                   std::vector<ContentProblem>* problems) {
  std::string text;
  if (!ReadContentFile(path, &text, problems)) return std::nullopt;
  return ParseMeetingSchedule(text, path, communes, import_day, problems);
}

}  // namespace bhxh
