#include "content/faq_content.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>
#include <utf8proc.h>

#include "base/civil_date.h"
#include "content/variables.h"

namespace bhxh {
namespace {

using nlohmann::json;

constexpr const char* kEntryKeys[] = {"id",        "topic",  "questions", "answer",
                                      "follow_up", "source", "reviewed"};

// Code points of NFC(text). Kept here rather than using text_normalizer so
// the file format does not depend on the matching code. Invalid UTF-8 (which
// the JSON parser never lets through) is counted byte by byte.
size_t NfcCodePoints(const std::string& text) {
  utf8proc_uint8_t* nfc = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &nfc,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) return text.size();
  size_t count = 0;
  for (utf8proc_ssize_t i = 0; i < n; ++i) {
    if ((nfc[i] & 0xC0) != 0x80) ++count;
  }
  std::free(nfc);
  return count;
}

std::string NfcText(const std::string& text) {
  utf8proc_uint8_t* nfc = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &nfc,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) return text;
  std::string out(reinterpret_cast<const char*>(nfc), static_cast<size_t>(n));
  std::free(nfc);
  return out;
}

bool IsBlank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

bool IsValidId(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool IsEntryKey(const std::string& key) {
  return std::find(std::begin(kEntryKeys), std::end(kEntryKeys), key) != std::end(kEntryKeys);
}

std::string Indexed(const char* field, size_t index) {
  return std::string(field) + "[" + std::to_string(index) + "]";
}

// "{{" must be closed by "}}" before the next "{{", and "}}" needs an open
// "{{". Returns the message for the first violation, or "".
std::string BraceProblem(const std::string& text) {
  bool open = false;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '{' && text[i + 1] == '{') {
      if (open) return "has '{{' without a matching '}}'";
      open = true;
      ++i;
    } else if (text[i] == '}' && text[i + 1] == '}') {
      if (!open) return "has '}}' without a matching '{{'";
      open = false;
      ++i;
    }
  }
  return open ? "has '{{' without a matching '}}'" : "";
}

class FaqValidator {
 public:
  FaqValidator(std::string_view text, const std::string& file_label,
               const VariableExists& variable_exists)
      : text_(text), file_(file_label), variable_exists_(variable_exists), lines_(text) {}

  FaqParseResult Run() {
    FaqParseResult result;
    json doc = json::parse(text_.begin(), text_.end(), nullptr, false);
    if (doc.is_discarded()) {
      problems_.push_back(JsonSyntaxProblem(text_, file_));
    } else {
      CheckDocument(doc, &result.entries);
    }
    // Pass order is not file order (follow-ups are checked last); staff read
    // the list top to bottom.
    std::stable_sort(problems_.begin(), problems_.end(),
                     [](const ContentProblem& a, const ContentProblem& b) { return a.line < b.line; });
    result.problems = std::move(problems_);
    if (!result.problems.empty()) result.entries.clear();
    return result;
  }

 private:
  struct EntryRef {
    std::string id;     // "" when missing or invalid
    std::string label;  // id, or "#N"
    std::string pointer;
    int line = 0;       // of the id when present, else of the entry
  };

  void Add(int line, const std::string& entry, const std::string& field, std::string message) {
    problems_.push_back(ContentProblem{file_, line, entry, field, std::move(message)});
  }

  int LineOf(const std::string& pointer) const { return lines_.LineOf(pointer); }

  void CheckDocument(const json& doc, std::vector<FaqEntry>* entries) {
    if (!doc.is_object()) {
      Add(LineOf(""), "", "", "top level must be an object with the key 'faq'");
      return;
    }
    for (const auto& item : doc.items()) {
      if (item.key() != "faq") Add(LineOf(JsonLineMap::Child("", item.key())), "", "",
                                   "unknown key '" + item.key() + "'");
    }
    for (const auto& dup : lines_.duplicate_keys()) {
      if (dup.object_pointer.empty()) Add(dup.line, "", "", "duplicate key '" + dup.key + "'");
    }
    auto faq = doc.find("faq");
    if (faq == doc.end()) {
      Add(LineOf(""), "", "faq", "is required");
      return;
    }
    if (!faq->is_array()) {
      Add(LineOf("/faq"), "", "faq", "must be an array");
      return;
    }
    std::vector<EntryRef> refs;
    for (size_t i = 0; i < faq->size(); ++i) {
      refs.push_back(CheckEntry((*faq)[i], i, entries));
    }
    CheckFollowUps(*faq, refs);
  }

  EntryRef CheckEntry(const json& e, size_t index, std::vector<FaqEntry>* entries) {
    EntryRef ref;
    ref.pointer = JsonLineMap::Child("/faq", index);
    ref.label = "#" + std::to_string(index + 1);
    ref.line = LineOf(ref.pointer);
    if (!e.is_object()) {
      Add(ref.line, ref.label, "", "must be an object");
      return ref;
    }
    FaqEntry entry;
    CheckId(e, index, &ref, &entry);
    for (const auto& item : e.items()) {
      if (!IsEntryKey(item.key())) {
        Add(LineOf(JsonLineMap::Child(ref.pointer, item.key())), ref.label, "",
            "unknown key '" + item.key() + "'");
      }
    }
    for (const auto& dup : lines_.duplicate_keys()) {
      if (dup.object_pointer == ref.pointer) {
        Add(dup.line, ref.label, "", "duplicate key '" + dup.key + "'");
      }
    }
    entry.topic = OptionalString(e, ref, "topic");
    CheckQuestions(e, ref, &entry);
    CheckAnswer(e, ref, &entry);
    entry.source = OptionalString(e, ref, "source");
    entry.reviewed = OptionalString(e, ref, "reviewed");
    if (!entry.reviewed.empty() && !CivilDate::ParseIso(entry.reviewed)) {
      Add(LineOf(ref.pointer + "/reviewed"), ref.label, "reviewed",
          "must be a real date YYYY-MM-DD, got '" + entry.reviewed + "'");
    }
    auto follow_up = e.find("follow_up");
    if (follow_up != e.end()) {
      if (!follow_up->is_array()) {
        Add(LineOf(ref.pointer + "/follow_up"), ref.label, "follow_up",
            "must be an array of entry ids");
      } else {
        for (size_t i = 0; i < follow_up->size(); ++i) {
          const json& f = (*follow_up)[i];
          if (f.is_string()) {
            entry.follow_up.push_back(f.get<std::string>());
          } else {
            Add(LineOf(JsonLineMap::Child(ref.pointer + "/follow_up", i)), ref.label,
                Indexed("follow_up", i), "must be a string");
          }
        }
      }
    }
    entries->push_back(std::move(entry));
    return ref;
  }

  void CheckId(const json& e, size_t index, EntryRef* ref, FaqEntry* entry) {
    const std::string pointer = ref->pointer + "/id";
    auto id = e.find("id");
    if (id == e.end()) {
      Add(ref->line, ref->label, "id", "is required");
      return;
    }
    ref->line = LineOf(pointer);
    if (!id->is_string()) {
      Add(ref->line, ref->label, "id", "must be a string");
      return;
    }
    const std::string value = id->get<std::string>();
    if (!IsValidId(value)) {
      Add(ref->line, ref->label, "id", "must match [a-z0-9-]+, got '" + value + "'");
      return;
    }
    ref->id = value;
    ref->label = value;
    entry->id = value;
    auto [first, inserted] = first_use_.emplace(value, std::make_pair(index, ref->line));
    if (!inserted) {
      Add(ref->line, value, "id",
          "duplicates the id of entry #" + std::to_string(first->second.first + 1) + " (line " +
              std::to_string(first->second.second) + ")");
    }
  }

  std::string OptionalString(const json& e, const EntryRef& ref, const char* field) {
    auto it = e.find(field);
    if (it == e.end()) return "";
    if (!it->is_string()) {
      Add(LineOf(ref.pointer + "/" + field), ref.label, field, "must be a string");
      return "";
    }
    return it->get<std::string>();
  }

  void CheckQuestions(const json& e, const EntryRef& ref, FaqEntry* entry) {
    const std::string pointer = ref.pointer + "/questions";
    auto questions = e.find("questions");
    if (questions == e.end()) {
      Add(ref.line, ref.label, "questions", "is required");
      return;
    }
    if (!questions->is_array()) {
      Add(LineOf(pointer), ref.label, "questions", "must be an array of strings");
      return;
    }
    if (questions->empty()) {
      Add(LineOf(pointer), ref.label, "questions", "must not be empty");
      return;
    }
    std::map<std::string, size_t> seen;  // NFC text -> first index
    for (size_t i = 0; i < questions->size(); ++i) {
      const json& q = (*questions)[i];
      const int line = LineOf(JsonLineMap::Child(pointer, i));
      if (!q.is_string()) {
        Add(line, ref.label, Indexed("questions", i), "must be a string");
        continue;
      }
      const std::string text = q.get<std::string>();
      entry->questions.push_back(text);
      if (IsBlank(text)) {
        Add(line, ref.label, Indexed("questions", i), "must not be empty");
        continue;
      }
      auto [first, inserted] = seen.emplace(NfcText(text), i);
      if (!inserted) {
        Add(line, ref.label, Indexed("questions", i),
            "duplicates " + Indexed("questions", first->second));
      }
    }
  }

  void CheckAnswer(const json& e, const EntryRef& ref, FaqEntry* entry) {
    const int line = LineOf(ref.pointer + "/answer");
    auto answer = e.find("answer");
    if (answer == e.end()) {
      Add(ref.line, ref.label, "answer", "is required");
      return;
    }
    if (!answer->is_string()) {
      Add(line, ref.label, "answer", "must be a string");
      return;
    }
    entry->answer = answer->get<std::string>();
    if (IsBlank(entry->answer)) {
      Add(line, ref.label, "answer", "must not be empty");
      return;
    }
    const size_t length = NfcCodePoints(entry->answer);
    if (length > kMaxAnswerChars) {
      Add(line, ref.label, "answer",
          "is " + std::to_string(length) + " characters long; at most " +
              std::to_string(kMaxAnswerChars) + " are allowed");
    }
    const std::string braces = BraceProblem(entry->answer);
    if (!braces.empty()) Add(line, ref.label, "answer", braces);
    if (variable_exists_) {
      for (const std::string& name : ReferencedVariables(entry->answer)) {
        if (!variable_exists_(name)) {
          Add(line, ref.label, "answer", "unknown variable '" + name + "'");
        }
      }
    }
  }

  void CheckFollowUps(const json& faq, const std::vector<EntryRef>& refs) {
    for (size_t i = 0; i < faq.size(); ++i) {
      const json& e = faq[i];
      if (!e.is_object()) continue;
      auto follow_up = e.find("follow_up");
      if (follow_up == e.end() || !follow_up->is_array()) continue;
      const EntryRef& ref = refs[i];
      std::map<std::string, size_t> seen;
      for (size_t j = 0; j < follow_up->size(); ++j) {
        const json& f = (*follow_up)[j];
        if (!f.is_string()) continue;
        const std::string target = f.get<std::string>();
        const int line = LineOf(JsonLineMap::Child(ref.pointer + "/follow_up", j));
        const std::string field = Indexed("follow_up", j);
        auto [first, inserted] = seen.emplace(target, j);
        if (!inserted) {
          Add(line, ref.label, field, "duplicates " + Indexed("follow_up", first->second));
        } else if (!ref.id.empty() && target == ref.id) {
          Add(line, ref.label, field, "refers to the entry itself");
        } else if (first_use_.count(target) == 0) {
          Add(line, ref.label, field, "refers to unknown entry '" + target + "'");
        }
      }
    }
  }

  std::string_view text_;
  const std::string& file_;
  const VariableExists& variable_exists_;
  JsonLineMap lines_;
  std::vector<ContentProblem> problems_;
  std::map<std::string, std::pair<size_t, int>> first_use_;  // id -> (index, line)
};

}  // namespace

bool operator==(const FaqEntry& a, const FaqEntry& b) {
  return a.id == b.id && a.topic == b.topic && a.questions == b.questions && a.answer == b.answer &&
         a.follow_up == b.follow_up && a.source == b.source && a.reviewed == b.reviewed;
}

FaqParseResult ParseFaqJson(std::string_view text, const std::string& file_label,
                            const VariableExists& variable_exists) {
  return FaqValidator(text, file_label, variable_exists).Run();
}

FaqParseResult LoadFaqFile(const std::string& path, const VariableExists& variable_exists) {
  std::string text;
  FaqParseResult result;
  if (!ReadContentFile(path, &text, &result.problems)) return result;
  return ParseFaqJson(text, path, variable_exists);
}

std::string SerializeFaqJson(const std::vector<FaqEntry>& entries) {
  using nlohmann::ordered_json;
  ordered_json faq = ordered_json::array();
  for (const FaqEntry& e : entries) {
    ordered_json o = ordered_json::object();
    o["id"] = e.id;
    if (!e.topic.empty()) o["topic"] = e.topic;
    o["questions"] = e.questions;
    o["answer"] = e.answer;
    if (!e.follow_up.empty()) o["follow_up"] = e.follow_up;
    if (!e.source.empty()) o["source"] = e.source;
    if (!e.reviewed.empty()) o["reviewed"] = e.reviewed;
    faq.push_back(std::move(o));
  }
  ordered_json doc = ordered_json::object();
  doc["faq"] = std::move(faq);
  // `replace`: entries built in code (staff API) may hold invalid UTF-8;
  // write U+FFFD instead of throwing.
  return doc.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace bhxh
