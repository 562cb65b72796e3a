#include "bot/channels/webhook_json.h"

namespace bhxh::webhook_json {

std::string Label(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (out.size() >= kMaxLabelChars) break;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == ':') {
      out += c;
    } else if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += '?';
    }
  }
  return out.empty() ? "?" : out;
}

const json* Field(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::optional<std::string> ScalarText(const json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    if (s.empty()) return std::nullopt;
    return s;
  }
  if (v->is_number_integer()) return v->dump();  // covers unsigned too
  return std::nullopt;
}

std::optional<std::string> IdText(const json* v) {
  auto s = ScalarText(v);
  if (s && s->size() > kMaxIdBytes) return std::nullopt;
  return s;
}

std::optional<std::string> IdAt(const json& obj, const char* outer, const char* inner) {
  const json* o = Field(obj, outer);
  return o == nullptr ? std::nullopt : IdText(Field(*o, inner));
}

std::optional<std::string> StringAt(const json& obj, const char* key) {
  const json* v = Field(obj, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<uint64_t> MillisFromDigits(std::string_view digits) {
  if (digits.empty() || digits.size() > 16) return std::nullopt;
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value < kSecondsBelow) value *= 1000;
  if (value > kMaxMillis) return std::nullopt;
  return value;
}

std::optional<uint64_t> Millis(const json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return MillisFromDigits(v->get_ref<const std::string&>());
  if (!v->is_number_unsigned()) return std::nullopt;  // negative, fractional, or not a number
  uint64_t value = v->get<uint64_t>();
  if (value < kSecondsBelow) value *= 1000;
  if (value > kMaxMillis) return std::nullopt;
  return value;
}

std::chrono::system_clock::time_point TimeOf(uint64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(static_cast<int64_t>(ms)));
}

}  // namespace bhxh::webhook_json
