// The content the bot answers from right now: the FAQ index, the variables
// and the wording. A snapshot is immutable; a content change builds a new
// snapshot and swaps it in atomically, so a request in flight keeps using the
// snapshot it started with. Thread-safe.
#ifndef BHXH_HANDLERS_LIVE_CONTENT_H_
#define BHXH_HANDLERS_LIVE_CONTENT_H_

#include <memory>

#include "content/communes.h"
#include "content/faq_index.h"
#include "content/messages.h"
#include "content/office_hours.h"
#include "content/variables.h"

namespace bhxh {

struct ContentSnapshot {
  std::shared_ptr<const TextNormalizer> normalizer;  // the one `faq` was built with
  std::shared_ptr<const FaqIndex> faq;
  std::shared_ptr<const VariableTable> variables;
  std::shared_ptr<const Messages> messages;
  std::shared_ptr<const CommuneDirectory> communes;   // content/communes.json
  std::shared_ptr<const OfficeHours> office_hours;    // content/office_hours.json
};

class LiveContent {
 public:
  explicit LiveContent(std::shared_ptr<const ContentSnapshot> initial);
  std::shared_ptr<const ContentSnapshot> Current() const;
  void Replace(std::shared_ptr<const ContentSnapshot> next);
  // Builds a new FAQ index from `entries` with the current normaliser and
  // thresholds, and swaps it in keeping variables and messages.
  void ReplaceFaq(std::vector<FaqEntry> entries);

 private:
  std::shared_ptr<const ContentSnapshot> current_;  // accessed with std::atomic_load/store
};

// The message keys the dialog engine needs; messages.vi.json must define them.
const std::vector<std::string>& RequiredMessageKeys();

}  // namespace bhxh

#endif  // BHXH_HANDLERS_LIVE_CONTENT_H_
