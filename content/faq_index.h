// The FAQ matcher: ranks every entry for a citizen's message and decides
// whether to answer, to offer choices, or to say it does not know.
//
// A wrong confident answer misleads a citizen, so `kAnswer` is returned only
// when the best entry is both good in absolute terms and clearly ahead of the
// next one; close calls become `kClarify`, weak ones `kUnknown`. Greetings,
// thanks, out-of-scope topics and long personal case accounts are `kUnknown`
// with a reason, whatever their word overlap.
//
// Immutable after construction; Match() is thread-safe. Content changes build
// a new index that replaces the old one as a whole (see handlers/live_content.h).
#ifndef BHXH_CONTENT_FAQ_INDEX_H_
#define BHXH_CONTENT_FAQ_INDEX_H_

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "content/faq_content.h"
#include "content/text_normalizer.h"

namespace bhxh {

enum class MatchOutcome { kAnswer, kClarify, kUnknown };
const char* MatchOutcomeName(MatchOutcome o);  // "answer" | "clarify" | "unknown"

// Why a message was declined; kNone for answer/clarify.
enum class DeclineReason { kNone, kEmpty, kSmalltalk, kOutOfScope, kPersonalCase, kLowScore };
const char* DeclineReasonName(DeclineReason r);  // "", "empty", "smalltalk", ...

struct MatchThresholds {
  double answer_min = 0.45;   // best score needed to answer (chosen with bench/quality)
  double margin_min = 0.08;   // best minus second needed to answer
  double clarify_min = 0.30;  // best score needed to offer choices
  double clarify_band = 0.15; // alternatives within this of the best are offered
  size_t max_choices = 3;
  // A message of at least `personal_case_min_words` words with one
  // personal-case phrase, or of at least `personal_case_hint_min_words`
  // words with two signs (phrases or hints), goes to a staff member.
  size_t personal_case_min_words = 6;
  size_t personal_case_hint_min_words = 15;
};

// Weights of the scoring model. The defaults were chosen with bench/quality;
// they are not part of the config a deployment normally touches.
struct MatchTuning {
  double bigram_weight = 0.25;       // adjacent word pairs, relative to their IDF
  double unknown_word_factor = 0.5;  // weight of a word the FAQ never uses
  double number_factor = 0.3;        // ... of an unknown number
  double typo_penalty = 0.98;        // score factor per corrected word
  double best_phrasing_share = 0.7;  // best single phrasing vs. the entry as a whole
  double answer_share = 0.1;         // words found in the entry's answer text
  double idf_power = 1.0;            // sharpen (>1) or flatten (<1) rarity weights
};

struct ScoredEntry {
  size_t entry = 0;  // index into the entries the index was built from
  double score = 0;  // 0..1
};

struct MatchResult {
  MatchOutcome outcome = MatchOutcome::kUnknown;
  DeclineReason reason = DeclineReason::kNone;
  double score = 0;                       // best score (0 when declined early)
  std::vector<ScoredEntry> ranked;        // best first, at most 10
  std::vector<size_t> alternatives;       // clarify choices (entry indexes), best first
  std::vector<std::string> tokens;        // normalised query words, for debugging
};

class FaqIndex {
 public:
  FaqIndex(std::vector<FaqEntry> entries, std::shared_ptr<const TextNormalizer> normalizer,
           MatchThresholds thresholds = {}, MatchTuning tuning = {});
  ~FaqIndex();
  FaqIndex(const FaqIndex&) = delete;
  FaqIndex& operator=(const FaqIndex&) = delete;

  MatchResult Match(std::string_view message) const;

  const std::vector<FaqEntry>& entries() const { return entries_; }
  const FaqEntry* Find(std::string_view id) const;  // nullptr when absent
  const MatchThresholds& thresholds() const { return thresholds_; }
  const TextNormalizer& normalizer() const { return *normalizer_; }

 private:
  struct Impl;
  std::vector<FaqEntry> entries_;
  std::shared_ptr<const TextNormalizer> normalizer_;
  MatchThresholds thresholds_;
  MatchTuning tuning_;
  std::unordered_map<std::string, size_t> by_id_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bhxh

#endif  // BHXH_CONTENT_FAQ_INDEX_H_
