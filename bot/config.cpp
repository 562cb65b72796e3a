#include "bot/config.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

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
                        "http_threads", "matching", "web_chat", "messenger", "zalo", "sending"});
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
  double http_threads = c.http_threads;
  if (!(s = ReadNumber(path, root, "", "http_threads", 0, 256, &http_threads)).ok()) return s;
  c.http_threads = static_cast<int>(http_threads);
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
  struct StringField {
    const char* key;
    std::string* target;
  };
  auto read_section = [&](const char* section, std::initializer_list<StringField> fields) -> Status {
    if (!root.contains(section)) return Status::Ok();
    const json& obj = root.at(section);
    if (!obj.is_object()) return FieldError(path, section, "must be an object");
    for (const auto& kv : obj.items()) {
      bool known = false;
      for (const auto& f : fields) {
        if (kv.key() != f.key) continue;
        known = true;
        // The value may be a secret: the message names the field only.
        if (!kv.value().is_string()) {
          return FieldError(path, std::string(section) + "." + f.key, "must be a string");
        }
        *f.target = kv.value().get<std::string>();
      }
      if (!known) return FieldError(path, std::string(section) + "." + kv.key(), "unknown key");
    }
    return Status::Ok();
  };
  if (!(s = read_section("messenger", {{"page_access_token", &c.messenger.page_access_token},
                                       {"app_secret", &c.messenger.app_secret},
                                       {"verify_token", &c.messenger.verify_token},
                                       {"app_id", &c.messenger.app_id},
                                       {"graph_base_url", &c.messenger.graph_base_url}}))
           .ok()) {
    return s;
  }
  if (!(s = read_section("zalo", {{"app_id", &c.zalo.app_id},
                                  {"app_secret", &c.zalo.app_secret},
                                  {"oa_secret_key", &c.zalo.oa_secret_key},
                                  {"access_token", &c.zalo.access_token},
                                  {"refresh_token", &c.zalo.refresh_token},
                                  {"openapi_base_url", &c.zalo.openapi_base_url},
                                  {"oauth_base_url", &c.zalo.oauth_base_url},
                                  {"request_info_image_url", &c.zalo.request_info_image_url}}))
           .ok()) {
    return s;
  }
  if (root.contains("sending")) {
    const json& w = root.at("sending");
    if (!w.is_object()) return FieldError(path, "sending", "must be an object");
    if (!(s = CheckKeys(path, w, "sending.",
                        {"max_attempts", "base_backoff_ms", "max_backoff_ms", "messenger_per_second",
                         "zalo_per_second", "workers", "http_timeout_ms", "token_refresh_margin_s",
                         "human_pause_hours"}))
             .ok()) {
      return s;
    }
    double attempts = c.sending.max_attempts, workers = c.sending.workers;
    SendingConfig& g = c.sending;
    for (auto [key, ptr, lo, hi] :
         {std::tuple<const char*, double*, double, double>{"max_attempts", &attempts, 1, 1000},
          {"base_backoff_ms", &g.base_backoff_ms, 1, 3600000},
          {"max_backoff_ms", &g.max_backoff_ms, 1, 86400000},
          {"messenger_per_second", &g.messenger_per_second, 0.1, 300},
          {"zalo_per_second", &g.zalo_per_second, 0.1, 1000},
          {"workers", &workers, 1, 64},
          {"http_timeout_ms", &g.http_timeout_ms, 100, 120000},
          {"token_refresh_margin_s", &g.token_refresh_margin_s, 0, 86400},
          {"human_pause_hours", &g.human_pause_hours, 1, 720}}) {
      if (!(s = ReadNumber(path, w, "sending.", key, lo, hi, ptr)).ok()) return s;
    }
    g.max_attempts = static_cast<int>(attempts);
    g.workers = static_cast<int>(workers);
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
  str("BHXH_MESSENGER_PAGE_ACCESS_TOKEN", &c.messenger.page_access_token);
  str("BHXH_MESSENGER_APP_SECRET", &c.messenger.app_secret);
  str("BHXH_MESSENGER_VERIFY_TOKEN", &c.messenger.verify_token);
  str("BHXH_MESSENGER_APP_ID", &c.messenger.app_id);
  str("BHXH_MESSENGER_GRAPH_URL", &c.messenger.graph_base_url);
  str("BHXH_ZALO_APP_ID", &c.zalo.app_id);
  str("BHXH_ZALO_APP_SECRET", &c.zalo.app_secret);
  str("BHXH_ZALO_OA_SECRET_KEY", &c.zalo.oa_secret_key);
  str("BHXH_ZALO_ACCESS_TOKEN", &c.zalo.access_token);
  str("BHXH_ZALO_REFRESH_TOKEN", &c.zalo.refresh_token);
  str("BHXH_ZALO_OPENAPI_URL", &c.zalo.openapi_base_url);
  str("BHXH_ZALO_OAUTH_URL", &c.zalo.oauth_base_url);
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
