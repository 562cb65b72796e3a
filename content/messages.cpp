#include "content/messages.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

namespace bhxh {
namespace {

using nlohmann::json;

bool IsBlank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

}  // namespace

std::unique_ptr<Messages> Messages::Parse(std::string_view text, const std::string& file_label,
                                          const std::vector<std::string>& required_keys,
                                          std::vector<ContentProblem>* problems) {
  std::vector<ContentProblem> local;
  if (problems == nullptr) problems = &local;
  const size_t before = problems->size();
  auto add = [&](int line, const std::string& field, std::string message) {
    problems->push_back(ContentProblem{file_label, line, "", field, std::move(message)});
  };

  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) {
    problems->push_back(JsonSyntaxProblem(text, file_label));
    return nullptr;
  }
  const JsonLineMap lines(text);
  if (!doc.is_object()) {
    add(lines.LineOf(""), "", "top level must be an object of key -> text");
    return nullptr;
  }
  auto messages = std::make_unique<Messages>();
  for (const auto& item : doc.items()) {
    if (item.value().is_string()) {
      messages->texts_.emplace(item.key(), item.value().get<std::string>());
    } else {
      add(lines.LineOf(JsonLineMap::Child("", item.key())), item.key(), "must be a string");
    }
  }
  for (const auto& dup : lines.duplicate_keys()) {
    if (dup.object_pointer.empty()) add(dup.line, dup.key, "is defined more than once");
  }
  for (const std::string& key : required_keys) {
    auto it = doc.find(key);
    if (it == doc.end()) {
      add(lines.LineOf(""), key, "is required");
    } else if (it->is_string() && IsBlank(it->get<std::string>())) {
      add(lines.LineOf(JsonLineMap::Child("", key)), key, "must not be empty");
    }
  }
  std::stable_sort(problems->begin() + static_cast<long>(before), problems->end(),
                   [](const ContentProblem& a, const ContentProblem& b) { return a.line < b.line; });
  if (problems->size() != before) return nullptr;
  return messages;
}

std::unique_ptr<Messages> Messages::Load(const std::string& path,
                                         const std::vector<std::string>& required_keys,
                                         std::vector<ContentProblem>* problems) {
  std::vector<ContentProblem> local;
  if (problems == nullptr) problems = &local;
  std::string text;
  if (!ReadContentFile(path, &text, problems)) return nullptr;
  return Parse(text, path, required_keys, problems);
}

std::string Messages::Get(std::string_view key,
                          const std::map<std::string, std::string>& params) const {
  auto it = texts_.find(key);
  if (it == texts_.end()) return "[" + std::string(key) + "]";
  const std::string& text = it->second;
  // One pass: a parameter's value is never scanned for placeholders.
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    const size_t close = open == std::string::npos ? open : text.find("}}", open + 2);
    if (close == std::string::npos) break;
    auto param = params.find(Trim(text.substr(open + 2, close - open - 2)));
    out.append(text, pos, open - pos);
    if (param != params.end()) {
      out += param->second;
    } else {
      out.append(text, open, close + 2 - open);  // left visible
    }
    pos = close + 2;
  }
  out.append(text, std::min(pos, text.size()), std::string::npos);
  return out;
}

bool Messages::Has(std::string_view key) const { return texts_.find(key) != texts_.end(); }

}  // namespace bhxh
