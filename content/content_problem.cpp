#include "content/content_problem.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

namespace bhxh {
namespace {

using nlohmann::json;

// Records only the first parse error; the DOM is not needed.
class ErrorCapturingSax : public nlohmann::json_sax<json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t byte_position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    failed = true;
    position = byte_position;
    what = ex.what();
    return false;
  }

  bool failed = false;
  std::size_t position = 0;
  std::string what;
};

// nlohmann's message reads "[json.exception.parse_error.101] parse error at
// line 1, column 9: syntax error while parsing ..."; the line is reported in
// our own format, so keep only the reason.
std::string ParserReason(const std::string& what) {
  const size_t at = what.find("parse error");
  if (at == std::string::npos) return what;
  const size_t colon = what.find(": ", at);
  if (colon == std::string::npos) return what;
  return what.substr(colon + 2);
}

int LineOfOffset(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool ReadHex4(std::string_view text, size_t pos, uint32_t* out) {
  if (pos + 4 > text.size()) return false;
  uint32_t v = 0;
  for (size_t i = pos; i < pos + 4; ++i) {
    const char c = text[i];
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v |= static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      v |= static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
  }
  *out = v;
  return true;
}

// Reads the JSON string starting at text[pos] == '"'. Returns the position
// after the closing quote (text.size() when unterminated); decodes into
// `*out` when given so keys compare equal to nlohmann's.
size_t ReadString(std::string_view text, size_t pos, std::string* out) {
  ++pos;  // opening quote
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"') return pos + 1;
    if (c != '\\') {
      if (out) out->push_back(c);
      ++pos;
      continue;
    }
    if (pos + 1 >= text.size()) return text.size();
    const char e = text[pos + 1];
    pos += 2;
    if (e != 'u') {
      if (out) {
        switch (e) {
          case 'b': out->push_back('\b'); break;
          case 'f': out->push_back('\f'); break;
          case 'n': out->push_back('\n'); break;
          case 'r': out->push_back('\r'); break;
          case 't': out->push_back('\t'); break;
          default: out->push_back(e); break;  // " \ /
        }
      }
      continue;
    }
    uint32_t cp = 0;
    if (!ReadHex4(text, pos, &cp)) return text.size();
    pos += 4;
    uint32_t low = 0;
    if (cp >= 0xD800 && cp <= 0xDBFF && pos + 1 < text.size() && text[pos] == '\\' &&
        text[pos + 1] == 'u' && ReadHex4(text, pos + 2, &low) && low >= 0xDC00 && low <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      pos += 6;
    }
    if (out) AppendUtf8(cp, out);
  }
  return text.size();
}

}  // namespace

std::string ContentProblem::ToString() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
  } else if (line > 0) {
    out += "line " + std::to_string(line) + ": ";
  }
  std::string where;
  if (!entry_id.empty()) where = "entry '" + entry_id + "'";
  if (!field.empty()) {
    if (!where.empty()) where += ", ";
    where += "field '" + field + "'";
  }
  if (!where.empty()) out += where + ": ";
  out += message;
  return out;
}

std::string JoinProblems(const std::vector<ContentProblem>& problems) {
  std::string out;
  for (const ContentProblem& p : problems) {
    if (!out.empty()) out += "\n";
    out += p.ToString();
  }
  return out;
}

bool ReadContentFile(const std::string& path, std::string* text,
                     std::vector<ContentProblem>* problems) {
  // stdio rather than ifstream: fread on a directory fails with EISDIR and
  // sets ferror, which tells "unreadable" apart from "empty".
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  std::string data;
  bool ok = file != nullptr;
  if (ok) {
    char buf[65536];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, file.get())) > 0) data.append(buf, n);
    ok = std::ferror(file.get()) == 0;
  }
  if (!ok) {
    ContentProblem p;
    p.file = path;
    p.message = "cannot read file";
    problems->push_back(std::move(p));
    return false;
  }
  *text = std::move(data);
  return true;
}

ContentProblem JsonSyntaxProblem(std::string_view text, const std::string& file_label) {
  ErrorCapturingSax sax;
  json::sax_parse(text.begin(), text.end(), &sax);
  ContentProblem p;
  p.file = file_label;
  if (!sax.failed) {
    p.message = "not valid JSON";
    return p;
  }
  // `position` counts the characters read, the offending one included.
  p.line = LineOfOffset(text, sax.position > 0 ? sax.position - 1 : 0);
  p.message = "not valid JSON: " + ParserReason(sax.what);
  return p;
}

std::string JsonLineMap::Child(std::string_view pointer, std::string_view key) {
  std::string out(pointer);
  out += '/';
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string JsonLineMap::Child(std::string_view pointer, size_t index) {
  return std::string(pointer) + "/" + std::to_string(index);
}

int JsonLineMap::LineOf(std::string_view pointer) const {
  auto it = lines_.find(pointer);
  return it == lines_.end() ? 0 : it->second;
}

JsonLineMap::JsonLineMap(std::string_view text) {
  // Iterative, so a deeply nested file cannot exhaust the stack.
  std::vector<size_t> newlines;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') newlines.push_back(i);
  }
  auto line_at = [&](size_t pos) {
    return 1 + static_cast<int>(std::lower_bound(newlines.begin(), newlines.end(), pos) -
                                newlines.begin());
  };
  struct Frame {
    bool object;
    bool tracked;  // within kMaxDepth: record its members
    std::string pointer;
    size_t index;
    std::set<std::string> keys;
  };
  std::vector<Frame> stack;
  enum class Want { kValue, kKey, kAfterValue } want = Want::kValue;
  std::string value_pointer;  // of the next value
  bool record_value = true;   // false when its key's line was recorded

  size_t pos = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (true) {
    while (pos < text.size() && IsJsonSpace(text[pos])) ++pos;
    if (pos >= text.size()) return;
    const char c = text[pos];
    switch (want) {
      case Want::kValue: {
        if (record_value) lines_[value_pointer] = line_at(pos);
        if (c == '{' || c == '[') {
          const bool parent_tracked = stack.empty() || stack.back().tracked;
          const bool tracked = parent_tracked && stack.size() < kMaxDepth;
          stack.push_back(Frame{c == '{', tracked, tracked ? value_pointer : std::string(), 0, {}});
          ++pos;
          while (pos < text.size() && IsJsonSpace(text[pos])) ++pos;
          if (pos < text.size() && text[pos] == (c == '{' ? '}' : ']')) {
            ++pos;
            stack.pop_back();
            want = Want::kAfterValue;
          } else if (c == '{') {
            want = Want::kKey;
          } else {
            record_value = tracked;
            if (tracked) value_pointer = Child(stack.back().pointer, size_t{0});
          }
        } else if (c == '"') {
          pos = ReadString(text, pos, nullptr);
          want = Want::kAfterValue;
        } else {
          const size_t start = pos;
          while (pos < text.size() && !IsJsonSpace(text[pos]) && text[pos] != ',' &&
                 text[pos] != ']' && text[pos] != '}') {
            ++pos;
          }
          if (pos == start) return;  // not JSON
          want = Want::kAfterValue;
        }
        break;
      }
      case Want::kKey: {
        if (c != '"') return;
        const int line = line_at(pos);
        std::string key;
        pos = ReadString(text, pos, &key);
        while (pos < text.size() && IsJsonSpace(text[pos])) ++pos;
        if (pos >= text.size() || text[pos] != ':') return;
        ++pos;
        Frame& frame = stack.back();
        record_value = false;
        if (frame.tracked) {
          value_pointer = Child(frame.pointer, key);
          lines_[value_pointer] = line;
          if (!frame.keys.insert(key).second) {
            duplicate_keys_.push_back(DuplicateKey{frame.pointer, key, line});
          }
        }
        want = Want::kValue;
        break;
      }
      case Want::kAfterValue: {
        if (stack.empty()) return;
        Frame& frame = stack.back();
        if (c == ',') {
          ++pos;
          if (frame.object) {
            want = Want::kKey;
          } else {
            ++frame.index;
            record_value = frame.tracked;
            if (frame.tracked) value_pointer = Child(frame.pointer, frame.index);
            want = Want::kValue;
          }
        } else if (c == (frame.object ? '}' : ']')) {
          ++pos;
          stack.pop_back();
        } else {
          return;
        }
        break;
      }
    }
  }
}

}  // namespace bhxh
