#include "bot/channels/channel_config.h"

namespace bhxh {
namespace {

void Need(const std::string& value, const char* name, std::string* missing) {
  if (value.empty()) *missing += std::string(missing->empty() ? "" : ", ") + name;
}

}  // namespace

std::string MessengerConfig::Missing() const {
  std::string missing;
  Need(page_access_token, "page_access_token", &missing);
  Need(app_secret, "app_secret", &missing);
  Need(verify_token, "verify_token", &missing);
  // Without it the bot cannot tell its own echoes from a staff member's
  // reply in the Page Inbox, and would pause every user after answering.
  Need(app_id, "app_id", &missing);
  Need(graph_base_url, "graph_base_url", &missing);
  return missing;
}

std::string ZaloConfig::Missing() const {
  std::string missing;
  Need(app_id, "app_id", &missing);
  Need(app_secret, "app_secret", &missing);
  Need(oa_secret_key, "oa_secret_key", &missing);
  if (access_token.empty() && refresh_token.empty()) missing += std::string(missing.empty() ? "" : ", ") + "access_token or refresh_token";
  Need(openapi_base_url, "openapi_base_url", &missing);
  Need(oauth_base_url, "oauth_base_url", &missing);
  return missing;
}

}  // namespace bhxh
