// "Tính tiền đóng": what a citizen would pay for voluntary BHXH (22 % of a
// chosen income between the floor and the ceiling, minus the state support
// of their group) or household BHYT (4.5 % of the base salary for the first
// member, then 70/60/50/40 %), from content/variables.json on the day asked,
// with the arithmetic and the date the figures apply from. Asks for what the
// message did not say (product, income, group, household size).
#ifndef BHXH_HANDLERS_CALCULATOR_FLOW_H_
#define BHXH_HANDLERS_CALCULATOR_FLOW_H_

#include <string>
#include <vector>

#include "handlers/flow.h"

namespace bhxh {

inline constexpr const char* kCalculatorFlow = "calculator";
inline constexpr const char* kCalculatorPayloadPrefix = "CALC:";

class CalculatorFlow {
 public:
  // A typed message that asks for a computation: "thu nhập 3 triệu đóng
  // bhxh tự nguyện bao nhiêu", "nhà tôi 4 người mua bhyt hết bao nhiêu",
  // "tinh tien dong". `folded` is FoldVietnamese(text). False for general
  // questions the FAQ answers ("mức đóng bhxh tự nguyện thấp nhất").
  static bool Detect(const std::string& folded);

  // Opens the flow (t.flow), taking whatever the message already says, and
  // answers: the result when nothing is missing, else the next question.
  std::vector<Reply> Start(TurnContext& t) const;
  // A message or a CALC: payload while the flow is open. Closes the flow
  // when the result is given (with choices: compute again, register, menu).
  FlowOutcome Continue(TurnContext& t) const;
  // The open question again (after an unrelated question was answered).
  Reply Resume(const TurnContext& t) const;

  // The keys of content/messages.vi.json this flow uses.
  static const std::vector<std::string>& MessageKeys();
};

}  // namespace bhxh

#endif  // BHXH_HANDLERS_CALCULATOR_FLOW_H_
