// "Lịch hội nghị ở xã": the next meetings in the citizen's commune (asked
// once and remembered in the conversation), "I will attend", and opting in
// to or out of reminders. The commune is never guessed: a name that could
// mean several communes ("son ha", "huyện Sơn Tây") is asked back.
#ifndef BHXH_HANDLERS_MEETING_FLOW_H_
#define BHXH_HANDLERS_MEETING_FLOW_H_

#include <string>
#include <vector>

#include "handlers/flow.h"

namespace bhxh {

class MeetingStore;

inline constexpr const char* kMeetingFlow = "meetings";
inline constexpr const char* kMeetingPayloadPrefix = "MEET:";

// How many upcoming meetings one answer lists.
inline constexpr size_t kMeetingsShown = 3;

class MeetingFlow {
 public:
  // `meetings` may be null (no database): the flow then says there is no
  // schedule.
  explicit MeetingFlow(MeetingStore* meetings) : meetings_(meetings) {}

  enum class Intent {
    kNone,
    kSchedule,     // "lịch hội nghị", "tháng này có họp không", "hội nghị ở Sơn Kỳ khi nào"
    kAttend,       // "tôi sẽ tham dự"
    kRemind,       // "nhắc lịch cho tôi"
    kUnsubscribe,  // "hủy nhắc lịch", "không nhận tin nhắc nữa"
  };
  static Intent Detect(const std::string& folded);

  // Handles a detected intent. `remembered_commune` is the commune code the
  // conversation knows ("" if none) and is updated when the citizen names
  // one; `last_meeting` is the meeting last shown (the one "tôi sẽ tham dự"
  // refers to) and is updated when meetings are listed.
  Result<std::vector<Reply>> Start(TurnContext& t, Intent intent, std::string& remembered_commune,
                                   std::string& last_meeting) const;
  // A MEET: payload (any time) or a message while the flow asks for the
  // commune.
  Result<FlowOutcome> Continue(TurnContext& t, std::string& remembered_commune,
                               std::string& last_meeting) const;
  Reply Resume(const TurnContext& t) const;

  static const std::vector<std::string>& MessageKeys();

 private:
  Result<std::vector<Reply>> ShowCommune(TurnContext& t, const std::string& code,
                                         std::string& last_meeting,
                                         const std::string& note) const;
  Result<std::vector<Reply>> Attend(TurnContext& t, const std::string& meeting_id) const;
  Result<std::vector<Reply>> Remind(TurnContext& t, const std::string& code) const;
  std::vector<Reply> AskCommune(TurnContext& t, const std::vector<const Commune*>& candidates,
                                const std::string& typed) const;
  MeetingStore* meetings_;
};

}  // namespace bhxh

#endif  // BHXH_HANDLERS_MEETING_FLOW_H_
