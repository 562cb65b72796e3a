// "Đăng ký tham gia / tư vấn": the guided form for the office's lead lists.
// Consent first (nothing is stored before "Đồng ý"; the consent text's
// version and time go with the lead), then interest, full name, birth
// year, commune and village, phone, CCCD (optional, with the reason),
// occupation, a good time to call; a summary where any field can be
// edited; then the lead is saved (one per phone and commune: a second
// registration updates it) and the citizen is told what happens next.
// The form lives in the conversation state, so it resumes after an
// interruption or a restart; the engine drops it after 24 h.
#ifndef BHXH_HANDLERS_LEAD_FLOW_H_
#define BHXH_HANDLERS_LEAD_FLOW_H_

#include <string>
#include <vector>

#include "handlers/flow.h"

namespace bhxh {

class LeadStore;

inline constexpr const char* kLeadFlow = "lead";
inline constexpr const char* kLeadPayloadPrefix = "LEAD:";

class LeadFlow {
 public:
  // `leads` may be null (no database): the form works, saving is skipped.
  explicit LeadFlow(LeadStore* leads) : leads_(leads) {}

  // A typed message asking to register or to be called back: "tôi muốn
  // đăng ký", "dang ky tham gia bhyt", "muốn được tư vấn", "gọi lại cho
  // tôi". False for questions about registering ("đăng ký bhxh tự nguyện ở
  // đâu", "cần giấy tờ gì"), which the FAQ answers.
  static bool Detect(const std::string& folded);

  // Opens the form with the consent notice. The interest is prefilled when
  // the message names it ("muốn đăng ký bhyt hộ gia đình"); `meeting_id`
  // is the meeting the citizen registers from ("" if none; slot
  // "meeting_id"); a commune already known in the conversation may be given
  // (slot "commune").
  std::vector<Reply> Start(TurnContext& t, const std::string& meeting_id,
                           const std::string& commune_code) const;
  FlowOutcome Continue(TurnContext& t) const;
  Reply Resume(const TurnContext& t) const;

  // Every messages.vi.json key the form uses (its own "lead_" keys, the
  // re-asks of handlers/lead_fields.h, and the shared "menu_back",
  // "hotline"); for RequiredMessageKeys and the content check.
  static const std::vector<std::string>& MessageKeys();

 private:
  LeadStore* leads_;
};

}  // namespace bhxh

#endif  // BHXH_HANDLERS_LEAD_FLOW_H_
