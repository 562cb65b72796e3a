#include "handlers/live_content.h"

#include <atomic>

#include "handlers/calculator_flow.h"
#include "handlers/lead_flow.h"
#include "handlers/meeting_flow.h"

namespace bhxh {

LiveContent::LiveContent(std::shared_ptr<const ContentSnapshot> initial)
    : current_(std::move(initial)) {}

std::shared_ptr<const ContentSnapshot> LiveContent::Current() const {
  return std::atomic_load(&current_);
}

void LiveContent::Replace(std::shared_ptr<const ContentSnapshot> next) {
  std::atomic_store(&current_, std::move(next));
}

void LiveContent::ReplaceFaq(std::vector<FaqEntry> entries) {
  const auto now = Current();
  auto next = std::make_shared<ContentSnapshot>(*now);
  next->faq = std::make_shared<const FaqIndex>(
      std::move(entries),
      now->normalizer,
      now->faq->thresholds());
  Replace(std::move(next));
}

const std::vector<std::string>& RequiredMessageKeys() {
  static const std::vector<std::string> kKeys = [] {
    std::vector<std::string> keys = {
        "welcome", "menu_prompt", "menu_faq", "menu_meetings", "menu_register", "menu_calculator",
        "menu_staff", "menu_back", "faq_topics_prompt", "faq_topic_questions", "answer_source",
        "clarify_intro", "clarify_hint", "clarify_none", "unknown", "unknown_again",
        "personal_case", "out_of_scope", "smalltalk_greeting", "smalltalk_thanks", "entry_missing",
        "hotline", "media_only", "user_info_received", "flow_cancelled", "reminder_day_before",
        "reminder_morning_of", "reminder_moved", "reminder_cancelled", "staff_offer",
        "staff_offer_closed", "staff_offer_web", "staff_choice_confirm", "staff_choice_callback", "staff_queued",
        "staff_queued_closed", "staff_waiting", "privacy_confirm", "privacy_choice_yes",
        "privacy_choice_no", "privacy_done", "privacy_kept", "lead_form_closed",
        // the channels' own sentences (bot/channels/reply_render.h)
        "choice_prompt", "zalo_choice_hint", "zalo_share_title", "zalo_share_subtitle"};
    for (const auto* flow_keys :
         {&MeetingFlow::MessageKeys(), &LeadFlow::MessageKeys(), &CalculatorFlow::MessageKeys()}) {
      keys.insert(keys.end(), flow_keys->begin(), flow_keys->end());
    }
    return keys;
  }();
  return kKeys;
}

}  // namespace bhxh
