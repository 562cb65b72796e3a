// The bot's own wording, content/messages.vi.json: a flat object of
// message key -> Vietnamese text. Texts may contain {{placeholders}} filled
// by the caller (e.g. {{hotline}}). Staff edit this file; code refers to keys.
#ifndef BHXH_CONTENT_MESSAGES_H_
#define BHXH_CONTENT_MESSAGES_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "content/content_problem.h"

namespace bhxh {

class Messages {
 public:
  // Parses messages.vi.json. Every key in `required_keys` must be present
  // with a non-empty string; other keys are allowed (staff may add wording
  // before code uses it). Non-string values and keys written twice are
  // problems (ContentProblem::field = the key). Returns nullptr when there is
  // any problem; never throws on malformed input. `problems` may be null.
  static std::unique_ptr<Messages> Parse(std::string_view text, const std::string& file_label,
                                         const std::vector<std::string>& required_keys,
                                         std::vector<ContentProblem>* problems);
  // Reads the file in binary; a missing or unreadable file is one problem
  // "cannot read file" naming the path.
  static std::unique_ptr<Messages> Load(const std::string& path,
                                        const std::vector<std::string>& required_keys,
                                        std::vector<ContentProblem>* problems);

  // The text for `key` with {{name}} replaced from `params` (spaces inside
  // the braces ignored; a placeholder without a param is left as-is; values
  // are inserted verbatim, not scanned again); a missing key returns the key
  // itself in brackets ("[menu.greeting]"), so a gap is visible, never a crash.
  std::string Get(std::string_view key,
                  const std::map<std::string, std::string>& params = {}) const;
  bool Has(std::string_view key) const;

 private:
  std::map<std::string, std::string, std::less<>> texts_;
};

}  // namespace bhxh

#endif  // BHXH_CONTENT_MESSAGES_H_
