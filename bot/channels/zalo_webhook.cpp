// Zalo OA webhook body -> ChannelEvents. See webhook_parse.h for the
// contract. One body is one event. Zalo's docs give IDs and timestamps as
// strings, older payloads and third-party captures as numbers (long enough
// to overflow a double), so every ID is read as text and every field's type
// is checked before use.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "bot/channels/webhook_json.h"
#include "bot/channels/webhook_parse.h"

namespace bhxh {
namespace {

using nlohmann::json;
using namespace webhook_json;

constexpr const char* kChannel = "zalo";
std::string StringOr(const json& obj, const char* key, std::string fallback = "") {
  return StringAt(obj, key).value_or(std::move(fallback));
}

std::optional<uint64_t> Millis(const std::optional<std::string>& text) {
  return text ? MillisFromDigits(*text) : std::nullopt;
}

std::optional<std::string> TimestampText(const json& doc) {
  return ScalarText(Field(doc, "timestamp"));
}

// "a, b, c" of the non-empty string parts.
std::string JoinParts(const json& obj, std::initializer_list<const char*> keys) {
  std::string out;
  for (const char* key : keys) {
    const std::string part = StringOr(obj, key);
    if (part.empty()) continue;
    if (!out.empty()) out += ", ";
    out += part;
  }
  return out;
}

// user_submit_info "info" -> {"name","phone","address"[,"dob"][,"gender"]}.
// Current shape: full_address{user_address,user_ward,user_district,
// user_city}, user_dob; older shape: flat address/ward/district/city, dob.
std::optional<std::string> UserInfoJson(const json& info) {
  if (!info.is_object()) return std::nullopt;
  json out = json::object();
  out["name"] = StringOr(info, "name");
  out["phone"] = ScalarText(Field(info, "phone")).value_or("");
  std::string address;
  if (const json* full = Field(info, "full_address")) {
    address = full->is_string()
                  ? full->get<std::string>()
                  : JoinParts(*full, {"user_address", "user_ward", "user_district", "user_city"});
  }
  if (address.empty()) address = JoinParts(info, {"address", "ward", "district", "city"});
  out["address"] = address;
  auto dob = ScalarText(Field(info, "user_dob"));
  if (!dob) dob = ScalarText(Field(info, "dob"));
  if (dob) out["dob"] = *dob;
  if (auto gender = ScalarText(Field(info, "gender"))) out["gender"] = *gender;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

enum class Shape { kUserMessage, kFollow, kUserInfo, kOaMessage, kWithdraw };

struct EventType {
  const char* name;
  ChannelEventKind kind;
  Shape shape;
};

// Dispatch table; oa_send_* is matched by prefix below. Anything not here
// (user_received_message, user_seen_message, reactions, tags, anonymous_*,
// group events...) is only counted in `ignored`.
constexpr EventType kEventTypes[] = {
    {"user_send_text", ChannelEventKind::kText, Shape::kUserMessage},
    {"user_send_image", ChannelEventKind::kMedia, Shape::kUserMessage},
    {"user_send_gif", ChannelEventKind::kMedia, Shape::kUserMessage},
    {"user_send_sticker", ChannelEventKind::kMedia, Shape::kUserMessage},
    {"user_send_audio", ChannelEventKind::kMedia, Shape::kUserMessage},
    {"user_send_video", ChannelEventKind::kMedia, Shape::kUserMessage},
    {"user_send_location", ChannelEventKind::kMedia, Shape::kUserMessage},
    {"user_send_file", ChannelEventKind::kMedia, Shape::kUserMessage},
    {"user_send_link", ChannelEventKind::kMedia, Shape::kUserMessage},
    {"user_send_business_card", ChannelEventKind::kMedia, Shape::kUserMessage},
    {"follow", ChannelEventKind::kFollow, Shape::kFollow},
    {"user_click_chatnow", ChannelEventKind::kFollow, Shape::kFollow},
    {"unfollow", ChannelEventKind::kUnfollow, Shape::kFollow},
    {"user_submit_info", ChannelEventKind::kUserInfo, Shape::kUserInfo},
    {"user_withdraw", ChannelEventKind::kWithdraw, Shape::kWithdraw},
};
constexpr EventType kOaMessage = {"oa_send_", ChannelEventKind::kEcho, Shape::kOaMessage};

const EventType* FindType(const std::string& name) {
  for (const EventType& t : kEventTypes) {
    if (name == t.name) return &t;
  }
  if (StartsWith(name, kOaMessage.name) && name.size() > std::string_view(kOaMessage.name).size()) {
    return &kOaMessage;
  }
  return nullptr;
}

// The citizen of a user->OA event: sender.id in messages, follower.id in
// follow/unfollow, user_id in user_click_chatnow (and perhaps user_withdraw,
// whose shape no source shows).
std::optional<std::string> UserOf(const json& doc) {
  if (auto id = IdAt(doc, "sender", "id")) return id;
  if (auto id = IdAt(doc, "follower", "id")) return id;
  return IdText(Field(doc, "user_id"));
}

std::string OaOf(const json& doc) {
  if (auto id = IdAt(doc, "recipient", "id")) return *id;
  return IdText(Field(doc, "oa_id")).value_or("");
}

// Fills `e` from `doc`; false when a field the event needs is missing or
// mistyped.
bool Fill(const EventType& type, const json& doc, ChannelEvent* e,
          std::optional<std::string>* msg_id) {
  const json* message = Field(doc, "message");
  if (message != nullptr) {
    if (!message->is_object()) return false;
    const json* text = Field(*message, "text");
    if (text != nullptr && !text->is_string()) return false;
    if (text != nullptr) e->text = text->get<std::string>();
    *msg_id = IdText(Field(*message, "msg_id"));
  }
  switch (type.shape) {
    case Shape::kUserMessage: {
      if (message == nullptr) return false;
      if (e->kind == ChannelEventKind::kText && Field(*message, "text") == nullptr) return false;
      const auto user = UserOf(doc);
      if (!user) return false;
      e->user = *user;
      e->recipient = OaOf(doc);
      return true;
    }
    case Shape::kFollow:
    case Shape::kWithdraw: {
      const auto user = UserOf(doc);
      if (!user) return false;
      e->user = *user;
      e->recipient = OaOf(doc);
      return true;
    }
    case Shape::kUserInfo: {
      const auto user = UserOf(doc);
      const json* info = Field(doc, "info");
      const auto fields = info == nullptr ? std::nullopt : UserInfoJson(*info);
      if (!user || !fields) return false;
      e->user = *user;
      e->recipient = OaOf(doc);
      e->text = *fields;
      return true;
    }
    case Shape::kOaMessage: {
      // The OA sent this: to the citizen in recipient.id. sender.admin_id is
      // present only when a person typed it in the OA chat tool; our own API
      // sends carry none.
      const auto user = IdAt(doc, "recipient", "id");
      if (!user) return false;
      e->user = *user;
      e->recipient = IdAt(doc, "sender", "id").value_or(IdText(Field(doc, "oa_id")).value_or(""));
      e->kind =
          IdAt(doc, "sender", "admin_id") ? ChannelEventKind::kHumanReply : ChannelEventKind::kEcho;
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<std::string> ZaloBodyTimestamp(std::string_view body) {
  const json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (!doc.is_object()) return std::nullopt;  // also covers is_discarded()
  return TimestampText(doc);
}

Result<WebhookParse> ParseZaloWebhook(std::string_view body) {
  const json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded()) return InvalidArgument("malformed JSON");
  if (!doc.is_object()) return InvalidArgument("not a JSON object");
  WebhookParse result;
  const json* name_field = Field(doc, "event_name");
  if (name_field == nullptr || !name_field->is_string()) {
    // Includes the unsigned "{}" some report Zalo posts when the URL is saved.
    result.ignored.push_back("missing:event_name");
    return result;
  }
  const std::string& name = name_field->get_ref<const std::string&>();
  const EventType* type = FindType(name);
  if (type == nullptr) {
    result.ignored.push_back(Label(name));
    return result;
  }
  ChannelEvent e;
  e.channel = kChannel;
  e.kind = type->kind;
  e.raw_type = Label(name);
  std::optional<std::string> msg_id;
  if (!Fill(*type, doc, &e, &msg_id)) {
    result.ignored.push_back("malformed:" + Label(name));
    return result;
  }
  const uint64_t ms = Millis(TimestampText(doc)).value_or(0);
  e.at = std::chrono::system_clock::time_point(std::chrono::milliseconds(static_cast<int64_t>(ms)));
  e.platform_id = msg_id ? *msg_id : e.raw_type + ":" + e.user + ":" + std::to_string(ms);
  result.events.push_back(std::move(e));
  return result;
}

}  // namespace bhxh
