// Messenger webhook body -> ChannelEvents. See webhook_parse.h for the
// contract. Every field is type-checked: Meta documents several shapes for
// the same thing (timestamps as ms numbers or second strings, echoes with
// sender/recipient either way round), and the body is untrusted input even
// after its signature checked out.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "bot/channels/webhook_json.h"
#include "bot/channels/webhook_parse.h"

namespace bhxh {
namespace {

using nlohmann::json;
using namespace webhook_json;

constexpr const char* kChannel = "messenger";
struct EntryContext {
  std::optional<std::string> page_id;
  std::optional<uint64_t> time;  // entry.time, when an event has no timestamp
};

// What the handlers below fill in; Emit turns it into a ChannelEvent.
struct Draft {
  ChannelEventKind kind = ChannelEventKind::kText;
  std::string raw_type;
  std::string user;
  std::string page;
  std::optional<std::string> mid;
  std::string text;
  std::string payload;
  bool ignore = false;  // well-formed, but nothing for the bot: only counted
};

class Parser {
 public:
  explicit Parser(std::string_view own_app_id) : own_app_id_(own_app_id) {}

  void Entry(const json& entry) {
    if (!entry.is_object()) return Ignore("malformed:entry");
    EntryContext ctx;
    ctx.page_id = IdText(Field(entry, "id"));
    ctx.time = Millis(Field(entry, "time"));
    // `messaging` "will only contain one messaging object", but it is an
    // array: loop anyway. `standby` holds events while another app (the Page
    // Inbox) owns the thread.
    for (const bool standby : {false, true}) {
      const char* key = standby ? "standby" : "messaging";
      const json* list = Field(entry, key);
      if (list == nullptr) continue;
      if (!list->is_array()) {
        Ignore(std::string("malformed:") + key);
        continue;
      }
      for (const json& ev : *list) Event(ev, ctx, standby);
    }
  }

  void Ignore(std::string label) { result_.ignored.push_back(std::move(label)); }
  WebhookParse Take() { return std::move(result_); }

 private:
  using Handler = bool (Parser::*)(const json& body, const json& ev, Draft* d);
  struct EventType {
    const char* key;
    Handler handler;
  };

  void Event(const json& ev, const EntryContext& ctx, bool standby) {
    if (!ev.is_object()) return Ignore("malformed:event");
    // Dispatch table: the first key that names a handled event type wins;
    // anything else (delivery, read, reaction, handover...) is only counted.
    static const EventType kTypes[] = {
        {"message", &Parser::Message},
        {"postback", &Parser::Postback},
        {"optin", &Parser::Referral},
        {"referral", &Parser::Referral},
        {"pass_thread_control", &Parser::ThreadPassed},
    };
    for (const EventType& type : kTypes) {
      const json* body = Field(ev, type.key);
      if (body == nullptr) continue;
      // Only what a user said can be kept while another app owns the thread.
      const bool kept_on_standby =
          type.handler != &Parser::Referral && type.handler != &Parser::ThreadPassed;
      if (standby && !kept_on_standby) return Ignore(std::string("standby:") + type.key);
      Draft d;
      d.raw_type = type.key;
      d.page = ctx.page_id.value_or("");
      if (!body->is_object() || !(this->*type.handler)(*body, ev, &d)) {
        return Ignore(std::string("malformed:") + type.key);
      }
      if (d.ignore) return Ignore(type.key);
      if (standby) {
        d.kind = ChannelEventKind::kStandby;
        d.raw_type = "standby_" + d.raw_type;
      }
      return Emit(std::move(d), ev, ctx);
    }
    std::string type = "unknown";
    for (const auto& item : ev.items()) {
      if (item.key() != "sender" && item.key() != "recipient" && item.key() != "timestamp") {
        type = Label(item.key());
        break;
      }
    }
    Ignore(standby ? "standby:" + type : type);
  }

  bool Message(const json& msg, const json& ev, Draft* d) {
    const auto sender = IdAt(ev, "sender", "id");
    const auto recipient = IdAt(ev, "recipient", "id");
    const json* text = Field(msg, "text");
    if (text != nullptr && !text->is_string()) return false;
    if (text != nullptr) d->text = text->get<std::string>();
    d->mid = IdText(Field(msg, "mid"));

    // A mistyped is_echo could turn the Page's own message into one the bot
    // answers (to the Page itself): skip it rather than guess.
    const json* echo = Field(msg, "is_echo");
    if (echo != nullptr && !echo->is_boolean()) return false;
    if (echo != nullptr && echo->get<bool>()) {
      // The Page sent this. Current docs: sender = Page, recipient = PSID;
      // an older version has it the other way round, so the user is
      // whichever side is not the entry's page.
      d->raw_type = "message_echo";
      if (d->page.empty()) d->page = sender.value_or("");
      if (recipient && *recipient != d->page) {
        d->user = *recipient;
      } else if (sender && *sender != d->page) {
        d->user = *sender;
      } else {
        return false;
      }
      const auto app_id = IdText(Field(msg, "app_id"));
      d->kind = (!own_app_id_.empty() && app_id && *app_id == own_app_id_)
                    ? ChannelEventKind::kEcho
                    : ChannelEventKind::kHumanReply;
      return true;
    }

    if (!sender) return false;
    d->user = *sender;
    if (d->page.empty()) d->page = recipient.value_or("");
    if (const json* qr = Field(msg, "quick_reply")) {
      const auto payload = StringAt(*qr, "payload");
      if (!payload) return false;
      d->kind = ChannelEventKind::kPayload;
      d->payload = *payload;
      return true;
    }
    // Attachments (image, sticker, audio, file, location, fallback...) or a
    // message type the platform could not render: nothing the bot can read.
    d->kind = d->text.empty() ? ChannelEventKind::kMedia : ChannelEventKind::kText;
    return true;
  }

  bool Postback(const json& pb, const json& ev, Draft* d) {
    const auto sender = IdAt(ev, "sender", "id");
    const auto payload = StringAt(pb, "payload");
    if (!sender || !payload) return false;
    const json* title = Field(pb, "title");
    if (title != nullptr && !title->is_string()) return false;
    d->user = *sender;
    if (d->page.empty()) d->page = IdAt(ev, "recipient", "id").value_or("");
    d->kind = ChannelEventKind::kPayload;
    d->payload = *payload;
    if (title != nullptr) d->text = title->get<std::string>();
    d->mid = IdText(Field(pb, "mid"));
    return true;
  }

  // pass_thread_control: another app (the Page Inbox, when staff mark the
  // conversation done) handed the thread to an app. Only a hand-back to this
  // app means anything to the bot; without our app id it cannot tell.
  bool ThreadPassed(const json& body, const json& ev, Draft* d) {
    const auto sender = IdAt(ev, "sender", "id");
    if (!sender) return false;
    const auto new_owner = IdText(Field(body, "new_owner_app_id"));
    d->ignore = own_app_id_.empty() || !new_owner || *new_owner != own_app_id_;
    d->kind = ChannelEventKind::kThreadReturned;
    d->user = *sender;
    if (d->page.empty()) d->page = IdAt(ev, "recipient", "id").value_or("");
    return true;
  }

  // optin and referral: the user (re-)entered through a plugin, an m.me link
  // or an ad. `ref` is the pass-through value. A checkbox-plugin optin has
  // only a user_ref and no PSID yet: nobody to greet, so it is skipped.
  bool Referral(const json& body, const json& ev, Draft* d) {
    const auto sender = IdAt(ev, "sender", "id");
    if (!sender) return false;
    d->user = *sender;
    if (d->page.empty()) d->page = IdAt(ev, "recipient", "id").value_or("");
    d->kind = ChannelEventKind::kFollow;
    d->payload = StringAt(body, "ref").value_or("");
    return true;
  }

  void Emit(Draft d, const json& ev, const EntryContext& ctx) {
    const std::optional<uint64_t> ts = Millis(Field(ev, "timestamp"));
    const uint64_t ms = ts ? *ts : ctx.time.value_or(0);
    ChannelEvent e;
    e.channel = kChannel;
    e.platform_id = d.mid ? *d.mid : d.raw_type + ":" + d.user + ":" + std::to_string(ms);
    e.user = std::move(d.user);
    e.recipient = std::move(d.page);
    e.kind = d.kind;
    e.text = std::move(d.text);
    e.payload = std::move(d.payload);
    e.raw_type = std::move(d.raw_type);
    e.at = TimeOf(ms);
    result_.events.push_back(std::move(e));
  }

  std::string own_app_id_;
  WebhookParse result_;
};

}  // namespace

Result<WebhookParse> ParseMessengerWebhook(std::string_view body, std::string_view own_app_id) {
  const json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded()) return InvalidArgument("malformed JSON");
  if (!doc.is_object()) return InvalidArgument("not a JSON object");
  Parser parser(own_app_id);
  const auto object = StringAt(doc, "object");
  if (!object || *object != "page") {
    parser.Ignore("object:" + (object ? Label(*object) : std::string("missing")));
    return parser.Take();
  }
  const json* entries = Field(doc, "entry");
  if (entries == nullptr || !entries->is_array()) {
    parser.Ignore("malformed:entry");
    return parser.Take();
  }
  for (const json& entry : *entries) parser.Entry(entry);
  return parser.Take();
}

}  // namespace bhxh
