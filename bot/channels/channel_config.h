// Settings of the Messenger and Zalo channels. Secrets come from the config
// file or, overriding it, the environment; they are never logged or echoed
// in error messages. A channel whose secrets are missing is disabled.
#ifndef BHXH_BOT_CHANNELS_CHANNEL_CONFIG_H_
#define BHXH_BOT_CHANNELS_CHANNEL_CONFIG_H_

#include <string>

namespace bhxh {

struct MessengerConfig {
  std::string page_access_token;  // secret
  std::string app_secret;         // secret: signs webhooks
  std::string verify_token;       // secret: the GET handshake
  std::string app_id;             // our app: echoes with this app_id are our own sends
  std::string graph_base_url = "https://graph.facebook.com/v21.0";
  // "" when enabled, else the names of the missing settings (not their values).
  std::string Missing() const;
};

struct ZaloConfig {
  std::string app_id;
  std::string app_secret;     // secret: OAuth refresh (header secret_key)
  std::string oa_secret_key;  // secret: signs webhooks
  std::string access_token;   // secret: initial token, used until the stored pair is newer
  std::string refresh_token;  // secret: initial refresh token (single-use)
  std::string openapi_base_url = "https://openapi.zalo.me";
  std::string oauth_base_url = "https://oauth.zaloapp.com";
  // The image Zalo's contact-sharing form requires; "" = the form is not
  // sent and citizens type their phone number.
  std::string request_info_image_url;
  std::string Missing() const;
};

// How the outbox sender retries and paces sends.
struct SendingConfig {
  int max_attempts = 10;            // then the row is failed ("gave_up")
  double base_backoff_ms = 1000;    // first retry after 0.5-1 x this (equal jitter), doubling
  double max_backoff_ms = 300000;   // backoff cap (5 min)
  double messenger_per_second = 50; // per page; Meta allows 300/s
  double zalo_per_second = 20;      // per OA; Zalo allows 4,000/min per app
  int workers = 4;                  // parallel sends (different users)
  double http_timeout_ms = 10000;
  double token_refresh_margin_s = 3600;  // refresh the Zalo token this long before it expires
  double human_pause_hours = 24;    // bot silent after a staff member replies
};

}  // namespace bhxh

#endif  // BHXH_BOT_CHANNELS_CHANNEL_CONFIG_H_
