// The FAQ import/export format (content/faq.json) and its validation.
//
//   {"faq": [{"id": "bhxh-tn-muc-dong", "topic": "BHXH tự nguyện",
//             "questions": ["…", "…"], "answer": "…", "follow_up": ["…"],
//             "source": "Luật BHXH số 41/2024/QH15, Điều 36", "reviewed": "2026-11-20"}]}
//
// Required: id ([a-z0-9-]+, unique), questions (non-empty array of
// non-empty strings), answer (non-empty string). Optional: topic, follow_up
// (ids that must exist in the same file), source, reviewed (YYYY-MM-DD).
// Any other key is an error naming the key.
#ifndef BHXH_CONTENT_FAQ_CONTENT_H_
#define BHXH_CONTENT_FAQ_CONTENT_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/content_problem.h"

namespace bhxh {

struct FaqEntry {
  std::string id;
  std::string topic;                   // "" when absent
  std::vector<std::string> questions;  // at least one
  std::string answer;                  // may contain {{variable}} placeholders
  std::vector<std::string> follow_up;  // ids of other entries
  std::string source;                  // "" when absent
  std::string reviewed;                // "YYYY-MM-DD" or "" when absent

  friend bool operator==(const FaqEntry& a, const FaqEntry& b);
};

struct FaqParseResult {
  std::vector<FaqEntry> entries;          // empty whenever problems is non-empty
  std::vector<ContentProblem> problems;   // every problem found
  bool ok() const { return problems.empty(); }
};

// Answers longer than this (in Unicode code points, after NFC) are rejected.
constexpr size_t kMaxAnswerChars = 2000;

// Returns true when the placeholder name is known; used to reject answers that
// refer to variables that do not exist. May be empty (no variable check).
using VariableExists = std::function<bool(std::string_view name)>;

// Parses and validates the text of a faq.json file. `file_label` is used in
// problems. On any problem no entries are returned (all-or-nothing). Never
// throws on malformed input. Strings are stored exactly as written (not
// normalised); lengths and duplicate questions are judged after NFC.
// Problems come sorted by line; an entry-level problem is reported on the
// line of the entry's "id" (or of the entry when it has none), a field
// problem on the line of its key or array element. Placeholders {{name}} in
// answers must be balanced and, when `variable_exists` is set, known.
FaqParseResult ParseFaqJson(std::string_view text, const std::string& file_label,
                            const VariableExists& variable_exists = {});

// Reads and parses a file; a missing or unreadable file is one problem.
FaqParseResult LoadFaqFile(const std::string& path, const VariableExists& variable_exists = {});

// Writes the entries in the import format: 2-space indentation, keys in the
// order shown above, optional fields omitted when empty, UTF-8 unescaped,
// trailing newline. ParseFaqJson(SerializeFaqJson(e)) == e for valid
// entries; a file already in this format is written back byte for byte.
// Invalid UTF-8 in an entry is written as U+FFFD (never throws).
std::string SerializeFaqJson(const std::vector<FaqEntry>& entries);

}  // namespace bhxh

#endif  // BHXH_CONTENT_FAQ_CONTENT_H_
