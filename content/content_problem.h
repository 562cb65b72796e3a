// One problem found while validating a content file. Validation reports
// every problem it finds, never only the first, so staff can fix a file in
// one pass.
//
// Also the small helpers every content loader uses to report problems with a
// file name and line: reading a file, describing a JSON syntax error, and
// finding the line of a value in JSON text (nlohmann::json keeps no
// positions).
#ifndef BHXH_CONTENT_CONTENT_PROBLEM_H_
#define BHXH_CONTENT_CONTENT_PROBLEM_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bhxh {

struct ContentProblem {
  std::string file;      // as given by the caller, e.g. "content/faq.json"
  int line = 0;          // 1-based line in the file when known, else 0
  std::string entry_id;  // FAQ id (or "#3" = 3rd entry when it has no valid id),
                         // variable name; may be empty
  std::string field;     // e.g. "questions", "follow_up[1]" (0-based index); may be empty
  std::string message;   // English, for developers and the CLI

  // "content/faq.json:12: entry 'bhxh-tn-muc-dong', field 'answer': is required"
  // (parts that are unknown are left out: "content/faq.json: cannot read file",
  // "line 3: must be a string" when there is no file).
  std::string ToString() const;

  friend bool operator==(const ContentProblem& a, const ContentProblem& b) {
    return a.file == b.file && a.line == b.line && a.entry_id == b.entry_id &&
           a.field == b.field && a.message == b.message;
  }
};

// One ToString() per line, joined with "\n" (no trailing newline); "" when
// there are no problems.
std::string JoinProblems(const std::vector<ContentProblem>& problems);

// Reads the whole file at `path` in binary (bytes unchanged). On success
// stores it in `*text` and returns true. When the file is missing or cannot
// be read (e.g. a directory) appends one problem {file = path, message =
// "cannot read file"} to `*problems` and returns false.
bool ReadContentFile(const std::string& path, std::string* text,
                     std::vector<ContentProblem>* problems);

// For text that nlohmann::json::parse rejected: a problem with the line of
// the error (from the parser's byte offset) and the message "not valid JSON:
// <parser's reason>", e.g. "not valid JSON: syntax error while parsing object
// - unexpected '}'; expected string literal". For text that parses, a problem
// with line 0 and message "not valid JSON" (callers do not do that).
ContentProblem JsonSyntaxProblem(std::string_view text, const std::string& file_label);

// Where the values of a JSON text are, so that problems can name a line.
// Built by one scan of text that nlohmann::json accepted (a leading UTF-8 BOM
// is skipped); on other text it records what it saw before the error and
// never reads out of bounds. Values nested deeper than kMaxDepth containers
// are not recorded. Immutable after construction.
class JsonLineMap {
 public:
  static constexpr size_t kMaxDepth = 8;

  explicit JsonLineMap(std::string_view text);

  // The 1-based line of the value at `pointer` (RFC 6901: "" = the document,
  // "/faq/3/id"); for an object member, the line of its key. When a key is
  // repeated, the last one (the one the JSON parser keeps). 0 when unknown.
  int LineOf(std::string_view pointer) const;

  // Pointer of a member / element of the value at `pointer` ("~" and "/" in
  // keys escaped as RFC 6901 says).
  static std::string Child(std::string_view pointer, std::string_view key);
  static std::string Child(std::string_view pointer, size_t index);

  // A key that appears a second time in the same object (the JSON parser
  // silently keeps only the last value), in text order.
  struct DuplicateKey {
    std::string object_pointer;
    std::string key;
    int line = 0;
  };
  const std::vector<DuplicateKey>& duplicate_keys() const { return duplicate_keys_; }

 private:
  std::map<std::string, int, std::less<>> lines_;
  std::vector<DuplicateKey> duplicate_keys_;
};

}  // namespace bhxh

#endif  // BHXH_CONTENT_CONTENT_PROBLEM_H_
