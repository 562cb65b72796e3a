#include "bot/config.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace bhxh {
namespace {

using json = nlohmann::json;

Status FieldError(const std::string& path, const std::string& field, const std::string& what) {
  return InvalidArgument(path + ": field '" + field + "': " + what);
}

Status ReadNumber(const std::string& path, const json& obj, const std::string& prefix,
                  const char* key, double min, double max, double* out) {
  if (!obj.contains(key)) return Status::Ok();
  const json& v = obj.at(key);
  if (!v.is_number()) return FieldError(path, prefix + key, "must be a number");
  const double d = v.get<double>();
  if (d < min || d > max) {
    std::ostringstream ss;
    ss << "must be between " << min << " and " << max;
    return FieldError(path, prefix + key, ss.str());
  }
  *out = d;
  return Status::Ok();
}

Status ReadString(const std::string& path, const json& obj, const char* key, std::string* out) {
  if (!obj.contains(key)) return Status::Ok();
  if (!obj.at(key).is_string() || obj.at(key).get<std::string>().empty()) {
    return FieldError(path, key, "must be a non-empty string");
  }
  *out = obj.at(key).get<std::string>();
  return Status::Ok();
}

Status CheckKeys(const std::string& path, const json& obj, const std::string& prefix,
                 std::initializer_list<const char*> allowed) {
  for (const auto& kv : obj.items()) {
    bool ok = false;
    for (const char* a : allowed) ok |= kv.key() == a;
    if (!ok) return FieldError(path, prefix + kv.key(), "unknown key");
  }
  return Status::Ok();
}

}  // namespace

Status ApplyConfigFile(const std::string& path, Config* config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot read config file");
  std::stringstream ss;
  ss << in.rdbuf();
  const json root = json::parse(ss.str(), nullptr, false);
  if (root.is_discarded()) return InvalidArgument(path + ": not valid JSON");
  if (!root.is_object()) return InvalidArgument(path + ": the config must be a JSON object");
  Config c = *config;
  Status s = CheckKeys(path, root, "",
                       {"host", "port", "data_dir", "content_dir", "web_dir", "retention_days",
                        "matching", "web_chat"});
  if (!s.ok()) return s;
  if (!(s = ReadString(path, root, "host", &c.host)).ok()) return s;
  if (!(s = ReadString(path, root, "data_dir", &c.data_dir)).ok()) return s;
  if (!(s = ReadString(path, root, "content_dir", &c.content_dir)).ok()) return s;
  if (!(s = ReadString(path, root, "web_dir", &c.web_dir)).ok()) return s;
  double port = c.port;
  if (!(s = ReadNumber(path, root, "", "port", 1, 65535, &port)).ok()) return s;
  c.port = static_cast<int>(port);
  double retention = c.retention_days;
  if (!(s = ReadNumber(path, root, "", "retention_days", 1, 3650, &retention)).ok()) return s;
  c.retention_days = static_cast<int>(retention);
  if (root.contains("matching")) {
    const json& m = root.at("matching");
    if (!m.is_object()) return FieldError(path, "matching", "must be an object");
    if (!(s = CheckKeys(path, m, "matching.",
                        {"answer_min", "margin_min", "clarify_min", "clarify_band", "max_choices",
                         "personal_case_min_words", "personal_case_hint_min_words"}))
             .ok()) {
      return s;
    }
    double choices = static_cast<double>(c.matching.max_choices);
    double words = static_cast<double>(c.matching.personal_case_min_words);
    double hint_words = static_cast<double>(c.matching.personal_case_hint_min_words);
    for (auto [key, ptr] : {std::pair<const char*, double*>{"answer_min", &c.matching.answer_min},
                            {"margin_min", &c.matching.margin_min},
                            {"clarify_min", &c.matching.clarify_min},
                            {"clarify_band", &c.matching.clarify_band}}) {
      if (!(s = ReadNumber(path, m, "matching.", key, 0, 1, ptr)).ok()) return s;
    }
    if (!(s = ReadNumber(path, m, "matching.", "max_choices", 1, 5, &choices)).ok()) return s;
    if (!(s = ReadNumber(path, m, "matching.", "personal_case_min_words", 1, 1000, &words)).ok()) {
      return s;
    }
    c.matching.max_choices = static_cast<size_t>(choices);
    if (!(s = ReadNumber(path, m, "matching.", "personal_case_hint_min_words", 1, 1000,
                         &hint_words))
             .ok()) {
      return s;
    }
    c.matching.personal_case_min_words = static_cast<size_t>(words);
    c.matching.personal_case_hint_min_words = static_cast<size_t>(hint_words);
  }
  if (root.contains("web_chat")) {
    const json& w = root.at("web_chat");
    if (!w.is_object()) return FieldError(path, "web_chat", "must be an object");
    if (!(s = CheckKeys(path, w, "web_chat.",
                        {"max_body_bytes", "max_text_chars", "messages_per_minute", "burst"}))
             .ok()) {
      return s;
    }
    double body = static_cast<double>(c.web_chat.max_chat_body_bytes);
    double text = static_cast<double>(c.web_chat.max_text_chars);
    if (!(s = ReadNumber(path, w, "web_chat.", "max_body_bytes", 256, 1 << 20, &body)).ok()) return s;
    if (!(s = ReadNumber(path, w, "web_chat.", "max_text_chars", 10, 100000, &text)).ok()) return s;
    if (!(s = ReadNumber(path, w, "web_chat.", "messages_per_minute", 0.1, 100000,
                         &c.web_chat.chat_messages_per_minute))
             .ok()) {
      return s;
    }
    if (!(s = ReadNumber(path, w, "web_chat.", "burst", 1, 100000, &c.web_chat.chat_burst)).ok()) {
      return s;
    }
    c.web_chat.max_chat_body_bytes = static_cast<size_t>(body);
    c.web_chat.max_text_chars = static_cast<size_t>(text);
  }
  *config = c;
  return Status::Ok();
}

Status ApplyEnvironment(const std::function<const char*(const char*)>& getenv, Config* config) {
  Config c = *config;
  auto str = [&](const char* name, std::string* out) {
    const char* v = getenv(name);
    if (v && *v) *out = v;
  };
  str("BHXH_HOST", &c.host);
  str("BHXH_DATA_DIR", &c.data_dir);
  str("BHXH_CONTENT_DIR", &c.content_dir);
  str("BHXH_WEB_DIR", &c.web_dir);
  if (const char* v = getenv("BHXH_PORT"); v && *v) {
    char* end = nullptr;
    const long port = std::strtol(v, &end, 10);
    if (*end != '\0' || port < 1 || port > 65535) {
      return InvalidArgument("environment variable BHXH_PORT: must be a port number 1-65535");
    }
    c.port = static_cast<int>(port);
  }
  *config = c;
  return Status::Ok();
}

}  // namespace bhxh
