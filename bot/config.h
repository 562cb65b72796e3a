// Service configuration: defaults, then a JSON config file, then
// environment variables, then command-line flags (each overrides the one
// before). Unknown keys in the file are errors naming the key.
//
// Config file (all keys optional):
//   {"host": "127.0.0.1", "port": 8080, "data_dir": "./data",
//    "content_dir": "content", "web_dir": "web", "retention_days": 90,
//    "matching": {"answer_min": 0.45, "margin_min": 0.08, "clarify_min": 0.3,
//                 "clarify_band": 0.15, "max_choices": 3, "personal_case_min_words": 6,
//                 "personal_case_hint_min_words": 15},
//    "web_chat": {"max_body_bytes": 8192, "max_text_chars": 1000,
//                 "messages_per_minute": 20, "burst": 10}}
//    "messenger": {"page_access_token": "…", "app_secret": "…", "verify_token": "…",
//                  "app_id": "…", "graph_base_url": "https://graph.facebook.com/v21.0"},
//    "zalo": {"app_id": "…", "app_secret": "…", "oa_secret_key": "…", "access_token": "…",
//             "refresh_token": "…", "openapi_base_url": "https://openapi.zalo.me",
//             "oauth_base_url": "https://oauth.zaloapp.com",
//             "request_info_image_url": "https://…/banner.jpg"},
//    "sending": {"max_attempts": 10, "base_backoff_ms": 1000, "max_backoff_ms": 300000,
//                "messenger_per_second": 50, "zalo_per_second": 20, "workers": 4,
//                "http_timeout_ms": 10000, "token_refresh_margin_s": 3600,
//                "human_pause_hours": 24}}
// Environment: BHXH_HOST, BHXH_PORT, BHXH_DATA_DIR, BHXH_CONTENT_DIR, BHXH_WEB_DIR,
// BHXH_MESSENGER_PAGE_ACCESS_TOKEN, BHXH_MESSENGER_APP_SECRET, BHXH_MESSENGER_VERIFY_TOKEN,
// BHXH_MESSENGER_APP_ID, BHXH_MESSENGER_GRAPH_URL, BHXH_ZALO_APP_ID, BHXH_ZALO_APP_SECRET,
// BHXH_ZALO_OA_SECRET_KEY, BHXH_ZALO_ACCESS_TOKEN, BHXH_ZALO_REFRESH_TOKEN,
// BHXH_ZALO_OPENAPI_URL, BHXH_ZALO_OAUTH_URL.
#ifndef BHXH_BOT_CONFIG_H_
#define BHXH_BOT_CONFIG_H_

#include <functional>
#include <string>

#include "base/status.h"
#include "bot/channels/channel_config.h"
#include "bot/http_server.h"
#include "content/faq_index.h"

namespace bhxh {

struct Config {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string data_dir = "./data";
  std::string content_dir;  // "" = resolve (./content, else the source tree)
  std::string web_dir;      // "" = resolve (./web, else the source tree)
  int retention_days = 90;  // citizens' question texts older than this are deleted
  // Threads of cpprestsdk's pool, which runs every HTTP connection (the
  // server's and the platform clients'); 0: two per core, at least 4. The
  // webhooks never block one of them (they answer from the commit), so more
  // threads than cores only add wake-ups.
  int http_threads = 0;
  MatchThresholds matching;
  HttpServerOptions web_chat;  // host/port/web_dir are filled from the fields above
  MessengerConfig messenger;
  ZaloConfig zalo;
  SendingConfig sending;

  std::string database_path() const { return data_dir + "/bhxh-bot.db"; }
};

// Applies the JSON config file at `path` over `config`. InvalidArgument
// naming the file and the field on any problem; `config` is unchanged then.
Status ApplyConfigFile(const std::string& path, Config* config);

// Applies BHXH_* variables read through `getenv` (injected for tests).
Status ApplyEnvironment(const std::function<const char*(const char*)>& getenv, Config* config);

}  // namespace bhxh

#endif  // BHXH_BOT_CONFIG_H_
