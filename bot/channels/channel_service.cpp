#include "bot/channels/channel_service.h"

#include <nlohmann/json.hpp>

#include "bot/channels/event_processor.h"
#include "bot/channels/intake_priority.h"
#include "bot/channels/outbox_rows.h"
#include "bot/channels/outbox_sender.h"
#include "bot/channels/platform_http.h"
#include "bot/channels/platform_sender.h"
#include "bot/channels/webhook_routes.h"
#include "bot/channels/zalo_token_manager.h"
#include "storage/channel_state_store.h"
#include "storage/event_inbox.h"
#include "storage/outbox.h"

namespace bhxh {

struct ChannelService::Impl {
  bool messenger = false, zalo = false;
  std::unique_ptr<EventInbox> inbox;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<ChannelStateStore> state;
  std::unique_ptr<PlatformHttp> http;
  std::unique_ptr<ZaloTokenManager> tokens;
  std::unique_ptr<MessengerSender> messenger_sender;
  std::unique_ptr<ZaloSender> zalo_sender;
  std::unique_ptr<IntakePriority> priority;  // outlives the sender and processor that use it
  std::unique_ptr<OutboxSender> sender;
  std::unique_ptr<EventProcessor> processor;
  const Clock* clock = nullptr;
  DialogEngine* engine = nullptr;
  OutboxRenderOptions render;
  bool started = false;
};

ChannelService::ChannelService() : impl_(std::make_unique<Impl>()) {}
ChannelService::~ChannelService() { Stop(); }

bool ChannelService::any_enabled() const { return impl_->messenger || impl_->zalo; }

Status ChannelService::Setup(const Config& config, Database& db, DialogEngine& engine,
                             ConversationStore& conversations, QuestionLog& questions,
                             UnitOfWork& unit, const Clock& clock, HttpServer& server,
                             std::ostream& log) {
  using json = nlohmann::json;
  Impl& x = *impl_;
  const std::string messenger_missing = config.messenger.Missing();
  const std::string zalo_missing = config.zalo.Missing();
  x.messenger = messenger_missing.empty();
  x.zalo = zalo_missing.empty();
  // Names of missing settings only, never values.
  log << json{{"event", x.messenger ? "channel_enabled" : "channel_disabled"}, {"channel", "messenger"},
              {"missing", messenger_missing}}
             .dump()
      << "\n";
  log << json{{"event", x.zalo ? "channel_enabled" : "channel_disabled"}, {"channel", "zalo"},
              {"missing", zalo_missing}}
             .dump()
      << "\n";
  if (!any_enabled()) return Status::Ok();

  x.clock = &clock;
  x.engine = &engine;
  x.render.zalo_request_info_image_url = config.zalo.request_info_image_url;
  x.inbox = NewSqliteEventInbox(db);
  x.outbox = NewSqliteOutbox(db);
  x.state = NewSqliteChannelStateStore(db);
  x.http = std::make_unique<PlatformHttp>(
      std::chrono::milliseconds(static_cast<long long>(config.sending.http_timeout_ms)));
  x.priority = std::make_unique<IntakePriority>(IntakePriorityOptions{}, clock);
  x.sender = std::make_unique<OutboxSender>(*x.outbox, config.sending, clock);
  x.sender->YieldTo(x.priority.get());
  x.processor = std::make_unique<EventProcessor>(
      EventProcessorDeps{*x.inbox, *x.outbox, *x.state, conversations, questions, unit, engine, clock,
                         x.sender.get(), x.render, x.priority.get()},
      std::max(1, config.sending.workers),
      std::chrono::minutes(static_cast<long long>(config.sending.human_pause_hours * 60)));
  if (x.messenger) {
    x.messenger_sender = std::make_unique<MessengerSender>(config.messenger, *x.http);
    x.sender->Register("messenger", x.messenger_sender.get(), config.sending.messenger_per_second);
    AddMessengerRoutes(server, config.messenger, {*x.inbox, *x.processor, clock, x.priority.get()});
  }
  if (x.zalo) {
    x.tokens = std::make_unique<ZaloTokenManager>(
        *x.state, config.zalo, *x.http, clock,
        std::chrono::seconds(static_cast<long long>(config.sending.token_refresh_margin_s)));
    if (Status s = x.tokens->Init(); !s.ok()) return s;
    x.zalo_sender = std::make_unique<ZaloSender>(config.zalo, *x.http, *x.tokens);
    x.sender->Register("zalo", x.zalo_sender.get(), config.sending.zalo_per_second);
    AddZaloRoutes(server, config.zalo, {*x.inbox, *x.processor, clock, x.priority.get()});
  }
  return Status::Ok();
}

Status ChannelService::Start() {
  Impl& x = *impl_;
  if (!any_enabled() || x.started) return Status::Ok();
  x.processor->Start();
  auto recovered = x.processor->Recover();
  if (!recovered.ok()) return recovered.status();
  x.sender->Start();
  x.started = true;
  return Status::Ok();
}

void ChannelService::Stop() {
  Impl& x = *impl_;
  if (!x.started) return;
  x.processor->Stop();
  x.sender->Stop();
  x.started = false;
}

std::map<std::string, std::chrono::minutes> ChannelService::PushWindows() const {
  std::map<std::string, std::chrono::minutes> windows;
  if (impl_->messenger) windows["messenger"] = std::chrono::hours(24);
  if (impl_->zalo) windows["zalo"] = std::chrono::hours(24 * 7);
  return windows;
}

Status ChannelService::EnqueueFirst(const std::string& channel, const std::string& user,
                                    const std::vector<Reply>& replies) {
  const Impl& x = *impl_;
  if (!x.outbox || !((channel == "messenger" && x.messenger) || (channel == "zalo" && x.zalo))) {
    // Not FailedPrecondition: the reminder scheduler reads that as "the job
    // ended meanwhile" and would leave the job pending without a word.
    return InvalidArgument("channel " + channel + " is not enabled");
  }
  OutboxRenderOptions render = x.render;
  render.wording = WordingFrom(*x.engine->content().Current()->messages);
  auto ids = x.outbox->Enqueue(OutboxRowsFor(channel, user, 0, replies, x.clock->Now(), render));
  return ids.ok() ? Status::Ok() : ids.status();
}

Result<size_t> ChannelService::PurgeBefore(std::chrono::system_clock::time_point cutoff) {
  const Impl& x = *impl_;
  if (!x.inbox || !x.outbox) return size_t{0};
  auto events = x.inbox->PurgeDoneBefore(cutoff);
  if (!events.ok()) return events.status();
  auto rows = x.outbox->PurgeFinishedBefore(cutoff);
  if (!rows.ok()) return rows.status();
  return *events + *rows;
}

void ChannelService::Notify(const std::string& channel, const std::string& user) {
  if (impl_->sender) impl_->sender->Notify(channel, user);
}

std::map<std::string, std::string> ChannelService::Health() const {
  std::map<std::string, std::string> checks;
  const Impl& x = *impl_;
  checks["messenger"] = x.messenger ? "enabled" : "disabled";
  checks["zalo"] = x.zalo ? "enabled" : "disabled";
  if (x.tokens) checks["zalo_token"] = x.tokens->Health();
  if (x.outbox) {
    auto pending = x.outbox->CountByStatus(OutboxStatus::kPending);
    auto failed = x.outbox->CountByStatus(OutboxStatus::kFailed);
    if (pending.ok()) checks["outbox_pending"] = std::to_string(*pending);
    if (failed.ok()) checks["outbox_failed"] = std::to_string(*failed);
  }
  return checks;
}

}  // namespace bhxh
