#include "content/faq_index.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

namespace bhxh {

const char* MatchOutcomeName(MatchOutcome o) {
  switch (o) {
    case MatchOutcome::kAnswer: return "answer";
    case MatchOutcome::kClarify: return "clarify";
    case MatchOutcome::kUnknown: return "unknown";
  }
  return "unknown";
}

const char* DeclineReasonName(DeclineReason r) {
  switch (r) {
    case DeclineReason::kNone: return "";
    case DeclineReason::kEmpty: return "empty";
    case DeclineReason::kSmalltalk: return "smalltalk";
    case DeclineReason::kOutOfScope: return "out_of_scope";
    case DeclineReason::kPersonalCase: return "personal_case";
    case DeclineReason::kLowScore: return "low_score";
  }
  return "";
}

namespace {

// Scoring constants. Scores are IDF-weighted overlaps of words and adjacent
// word pairs between the message and each phrasing of an entry, combined as
// an F-measure of "how much of the message is explained" (precision) and
// "how much of the phrasing is present" (recall), so they stay in 0..1 and
// thresholds mean the same thing for any FAQ size.
constexpr double kBeta = 1.0;  // F-measure balance for short messages

bool IsNumber(const std::string& w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// True when a and b differ by at most one insertion, deletion, substitution
// or transposition of adjacent characters.
bool WithinOneEdit(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const size_t la = a.size(), lb = b.size();
  if (la + 1 < lb || lb + 1 < la) return false;
  if (la == lb) {
    size_t i = 0;
    while (i < la && a[i] == b[i]) ++i;
    if (i == la) return true;
    if (a.compare(i + 1, std::string::npos, b, i + 1, std::string::npos) == 0) return true;
    return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.compare(i + 2, std::string::npos, b, i + 2, std::string::npos) == 0;
  }
  const std::string& s = la < lb ? a : b;
  const std::string& l = la < lb ? b : a;
  size_t i = 0;
  while (i < s.size() && s[i] == l[i]) ++i;
  return s.compare(i, std::string::npos, l, i + 1, std::string::npos) == 0;
}

// Undoes Telex typing that the keyboard did not convert ("ddongs" -> "dong",
// "baor" -> "bao", "nguwowif" -> "nguoi"), on folded text.
std::string UndoTelex(std::string w) {
  if (w.size() > 2) {
    const char last = w.back();
    if (last == 's' || last == 'f' || last == 'r' || last == 'x' || last == 'j') w.pop_back();
  }
  std::string out;
  for (size_t i = 0; i < w.size(); ++i) {
    const char c = w[i];
    if (c == 'w') {
      if (out.empty()) out.push_back('u');
      continue;  // aw, ow, uw: the modifier only
    }
    if (!out.empty() && out.back() == c && (c == 'd' || c == 'a' || c == 'e' || c == 'o')) continue;
    out.push_back(c);
  }
  return out;
}

bool ContainsWords(const std::vector<std::string>& words, const std::vector<std::string>& phrase,
                   std::vector<bool>* covered = nullptr) {
  if (phrase.empty() || phrase.size() > words.size()) return false;
  bool found = false;
  for (size_t i = 0; i + phrase.size() <= words.size(); ++i) {
    if (std::equal(phrase.begin(), phrase.end(), words.begin() + static_cast<long>(i))) {
      found = true;
      if (!covered) return true;
      for (size_t k = 0; k < phrase.size(); ++k) (*covered)[i + k] = true;
    }
  }
  return found;
}

}  // namespace

struct FaqIndex::Impl {
  struct Phrasing {
    size_t entry;
    std::vector<int> features;
    double total = 0;
  };

  std::unordered_map<std::string, int> feature_ids;
  std::vector<double> idf;                          // per feature
  std::vector<std::vector<int>> phrasing_postings;  // feature -> phrasings
  std::vector<std::vector<int>> entry_postings;     // feature -> entries
  std::vector<Phrasing> phrasings;
  std::vector<double> entry_total;                  // per entry, union of features
  // Words of the answers (placeholders removed): word -> (idf over answers,
  // entries whose answer has it). A weak signal for words no phrasing uses.
  std::unordered_map<std::string, std::pair<double, std::vector<int>>> answer_words;
  double unknown_idf = 1;

  // Words of the FAQ after expansion -> document frequency.
  std::unordered_map<std::string, int> word_df;
  // Every word a message may legitimately contain before expansion: FAQ
  // words, stopwords, and the words of abbreviations, synonyms and the
  // lexicon's phrases. Typo correction targets these (FAQ words first).
  std::unordered_set<std::string> known_raw;
  // one-deletion variants -> words, for candidates within one edit
  std::unordered_map<std::string, std::vector<std::string>> deletions;

  // A phrase of the lexicon: its normalised words, and its lower-cased
  // toned form (" sơn ha2 ") when it was written with diacritics. Folding
  // merges words ("lắm nhà" and "làm nhà" both fold to "lam nha"), so a
  // message written with diacritics must also match the toned form.
  struct Phrase {
    std::vector<std::string> words;
    std::string toned;
  };
  std::vector<Phrase> smalltalk, out_of_scope, in_scope, personal_case, personal_case_hints;

  // True when `phrase` occurs in the message: in its normalised words, and,
  // if both were written with diacritics and `toned_message` is given, in
  // its toned text too. The toned check is for phrases whose false matches
  // do harm (out of scope, personal case); small talk is matched folded
  // only, since "cám ơn" and "cảm ơn" are both right.
  static bool Contains(const std::vector<std::string>& tokens, const std::string& toned_message,
                       const Phrase& phrase, std::vector<bool>* covered = nullptr) {
    if (!toned_message.empty() && !phrase.toned.empty() &&
        toned_message.find(phrase.toned) == std::string::npos) {
      return false;
    }
    return ContainsWords(tokens, phrase.words, covered);
  }

  static void Features(const std::vector<std::string>& words, std::vector<std::string>* out) {
    for (size_t i = 0; i < words.size(); ++i) {
      out->push_back(words[i]);
      if (i + 1 < words.size()) out->push_back(words[i] + " " + words[i + 1]);
    }
  }

  // Replaces each word that is not known by a known word one edit away, its
  // unconverted-Telex reading, or two known words run together. Counts the
  // replacements in `corrections`.
  std::vector<std::string> CorrectTypos(const std::vector<std::string>& words, int* corrections) const {
    std::vector<std::string> out;
    out.reserve(words.size());
    for (const auto& w : words) {
      const bool has_digit = std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (known_raw.count(w) || has_digit || w.size() < 3) {
        out.push_back(w);
        continue;
      }
      const std::string telex = UndoTelex(w);
      if (telex != w && known_raw.count(telex)) {
        out.push_back(telex);
        ++*corrections;
        continue;
      }
      if (w.size() >= 4) {
        const std::string c = Correct(w);
        if (!c.empty()) {
          out.push_back(c);
          ++*corrections;
          continue;
        }
        bool split = false;
        for (size_t cut = 2; cut + 2 <= w.size() && !split; ++cut) {
          const std::string a = w.substr(0, cut), b = w.substr(cut);
          if (word_df.count(a) && word_df.count(b)) {
            out.push_back(a);
            out.push_back(b);
            ++*corrections;
            split = true;
          }
        }
        if (split) continue;
      }
      out.push_back(w);
    }
    return out;
  }

  void AddDeletions(const std::string& w) {
    deletions[w].push_back(w);
    for (size_t i = 0; i < w.size(); ++i) {
      std::string d = w;
      d.erase(i, 1);
      deletions[d].push_back(w);
    }
  }

  // The best vocabulary word within one edit of `w`, or "" when none.
  std::string Correct(const std::string& w) const {
    std::vector<std::string> keys{w};
    for (size_t i = 0; i < w.size(); ++i) {
      std::string d = w;
      d.erase(i, 1);
      keys.push_back(d);
    }
    std::string best;
    int best_df = -1;
    for (const auto& k : keys) {
      auto it = deletions.find(k);
      if (it == deletions.end()) continue;
      for (const auto& cand : it->second) {
        if (!WithinOneEdit(w, cand)) continue;
        auto df_it = word_df.find(cand);
        const int df = df_it == word_df.end() ? 0 : df_it->second;
        if (df > best_df || (df == best_df && cand < best)) {
          best = cand;
          best_df = df;
        }
      }
    }
    return best;
  }
};

namespace {

std::vector<std::string> ContentWords(const TextNormalizer& n, const std::vector<std::string>& words) {
  std::vector<std::string> out;
  out.reserve(words.size());
  for (const auto& w : words) {
    if (!n.IsStopword(w)) out.push_back(w);
  }
  return out;
}

}  // namespace

FaqIndex::FaqIndex(std::vector<FaqEntry> entries, std::shared_ptr<const TextNormalizer> normalizer,
                   MatchThresholds thresholds, MatchTuning tuning)
    : entries_(std::move(entries)),
      normalizer_(std::move(normalizer)),
      thresholds_(thresholds),
      tuning_(tuning),
      impl_(std::make_unique<Impl>()) {
  Impl& x = *impl_;
  const TextNormalizer& norm = *normalizer_;
  for (size_t i = 0; i < entries_.size(); ++i) by_id_.emplace(entries_[i].id, i);

  auto feature_id = [&](const std::string& f) {
    auto [it, inserted] = x.feature_ids.emplace(f, static_cast<int>(x.feature_ids.size()));
    if (inserted) {
      x.phrasing_postings.emplace_back();
      x.entry_postings.emplace_back();
    }
    return it->second;
  };

  std::vector<std::vector<int>> entry_features(entries_.size());
  for (size_t e = 0; e < entries_.size(); ++e) {
    std::unordered_set<int> in_entry;
    auto add_text = [&](const std::string& text, bool as_phrasing) {
      const auto words = ContentWords(norm, norm.Tokens(text));
      std::vector<std::string> feats;
      Impl::Features(words, &feats);
      Impl::Phrasing p{e, {}, 0};
      std::unordered_set<int> seen;
      for (const auto& f : feats) {
        const int id = feature_id(f);
        if (seen.insert(id).second) p.features.push_back(id);
        in_entry.insert(id);
      }
      for (const auto& w : words) {
        if (!IsNumber(w)) x.word_df[w];  // registers vocabulary; df counted below
      }
      if (as_phrasing && !p.features.empty()) x.phrasings.push_back(std::move(p));
    };
    for (const auto& q : entries_[e].questions) add_text(q, true);
    if (!entries_[e].topic.empty()) add_text(entries_[e].topic, false);
    entry_features[e].assign(in_entry.begin(), in_entry.end());
  }

  // Document frequency over entries, IDF (BM25 form, always positive).
  std::vector<int> df(x.feature_ids.size(), 0);
  for (size_t e = 0; e < entries_.size(); ++e) {
    for (int f : entry_features[e]) {
      ++df[static_cast<size_t>(f)];
      x.entry_postings[static_cast<size_t>(f)].push_back(static_cast<int>(e));
    }
  }
  const double n = static_cast<double>(entries_.size());
  x.idf.resize(df.size());
  for (size_t f = 0; f < df.size(); ++f) {
    x.idf[f] = std::pow(std::log(1.0 + (n - df[f] + 0.5) / (df[f] + 0.5)), tuning_.idf_power);
  }
  x.unknown_idf = std::pow(std::log(1.0 + (n + 0.5) / 0.5), tuning_.idf_power);
  for (auto& kv : x.word_df) {
    auto it = x.feature_ids.find(kv.first);
    kv.second = it == x.feature_ids.end() ? 0 : df[static_cast<size_t>(it->second)];
    if (kv.first.size() >= 3 && !IsNumber(kv.first)) x.AddDeletions(kv.first);
  }

  for (size_t e = 0; e < entries_.size(); ++e) {
    std::string text = entries_[e].answer;
    for (size_t open = text.find("{{"); open != std::string::npos; open = text.find("{{")) {
      const size_t close = text.find("}}", open);
      text.erase(open, close == std::string::npos ? std::string::npos : close + 2 - open);
    }
    std::unordered_set<std::string> words;
    for (const auto& w : ContentWords(norm, norm.Tokens(text))) {
      if (!IsNumber(w)) words.insert(w);
    }
    for (const auto& w : words) x.answer_words[w].second.push_back(static_cast<int>(e));
  }
  for (auto& kv : x.answer_words) {
    const double adf = static_cast<double>(kv.second.second.size());
    kv.second.first = std::pow(std::log(1.0 + (n - adf + 0.5) / (adf + 0.5)), tuning_.idf_power);
  }

  for (size_t p = 0; p < x.phrasings.size(); ++p) {
    for (int f : x.phrasings[p].features) {
      x.phrasing_postings[static_cast<size_t>(f)].push_back(static_cast<int>(p));
    }
  }
  // Bigram features carry tuning_.bigram_weight of their IDF; the totals of
  // each phrasing and entry are summed with the final weights.
  std::vector<bool> is_bigram(x.feature_ids.size(), false);
  for (const auto& kv : x.feature_ids) {
    is_bigram[static_cast<size_t>(kv.second)] = kv.first.find(' ') != std::string::npos;
  }
  for (size_t f = 0; f < x.idf.size(); ++f) {
    if (is_bigram[f]) x.idf[f] *= tuning_.bigram_weight;
  }
  x.entry_total.assign(entries_.size(), 0);
  for (auto& p : x.phrasings) {
    p.total = 0;
    for (int f : p.features) p.total += x.idf[static_cast<size_t>(f)];
  }
  for (size_t e = 0; e < entries_.size(); ++e) {
    for (int f : entry_features[e]) x.entry_total[e] += x.idf[static_cast<size_t>(f)];
  }

  const Lexicon& lex = norm.lexicon();
  for (const auto& kv : x.word_df) x.known_raw.insert(kv.first);
  auto add_known = [&](const std::string& phrase) {
    for (const auto& w : SplitWords(phrase)) {
      if (x.known_raw.insert(w).second && w.size() >= 3) x.AddDeletions(w);
    }
  };
  for (const auto& kv : lex.abbreviations) add_known(kv.first);
  for (const auto& kv : lex.synonyms) add_known(kv.first);
  for (const auto& w : lex.stopwords) add_known(w);
  for (const auto* list : {&lex.smalltalk, &lex.out_of_scope, &lex.in_scope, &lex.personal_case}) {
    for (const auto& phrase : *list) add_known(FoldVietnamese(phrase));
  }
  auto phrases = [&](const std::vector<std::string>& list, std::vector<Impl::Phrase>* out) {
    for (const auto& s : list) {
      const auto written = SplitWords(FoldVietnamese(s));
      auto t = norm.TokensFromFolded(written);
      // A phrase that normalisation shrinks to fewer words than written
      // ("nhờ anh chị" -> "nhờ": "anh chị" is a stop phrase) would match far
      // too much: keep its words as written then.
      if (written.size() >= 2 && t.size() < 2) t = written;
      if (t.empty()) continue;
      const std::string toned = CanonicalToned(s);
      const bool has_marks = toned != FoldVietnamese(s);
      out->push_back({std::move(t), has_marks ? " " + toned + " " : ""});
    }
  };
  phrases(norm.lexicon().smalltalk, &x.smalltalk);
  phrases(norm.lexicon().out_of_scope, &x.out_of_scope);
  phrases(norm.lexicon().personal_case, &x.personal_case);
  phrases(norm.lexicon().personal_case_hints, &x.personal_case_hints);
  phrases(norm.lexicon().in_scope, &x.in_scope);
}

FaqIndex::~FaqIndex() = default;

const FaqEntry* FaqIndex::Find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &entries_[it->second];
}

MatchResult FaqIndex::Match(std::string_view message) const {
  const Impl& x = *impl_;
  const TextNormalizer& norm = *normalizer_;
  MatchResult r;
  const std::string folded = FoldVietnamese(message);
  if (folded.empty()) {
    r.reason = DeclineReason::kEmpty;
    return r;
  }
  int corrections = 0;
  r.tokens = norm.TokensFromFolded(x.CorrectTypos(SplitWords(folded), &corrections));
  if (r.tokens.empty()) {
    // Only fillers and politeness ("ad ơi", "dạ ạ").
    r.reason = DeclineReason::kSmalltalk;
    return r;
  }

  bool anchored = false;
  // The toned text, only when the message has diacritics to compare.
  const bool has_marks = std::any_of(message.begin(), message.end(),
                                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  const std::string toned = has_marks ? " " + CanonicalToned(message) + " " : "";
  auto contains = [&](const Impl::Phrase& p, std::vector<bool>* covered = nullptr) {
    return Impl::Contains(r.tokens, toned, p, covered);
  };
  for (const auto& phrase : x.in_scope) {
    anchored = anchored || Impl::Contains(r.tokens, "", phrase);
  }
  if (!anchored) {
    for (const auto& phrase : x.out_of_scope) {
      if (contains(phrase)) {
        r.reason = DeclineReason::kOutOfScope;
        return r;
      }
    }
  }

  // Long digit runs are ID, insurance-book or phone numbers: a personal case.
  size_t digit_run = 0, longest_digit_run = 0;
  for (char c : folded) {
    digit_run = (c >= '0' && c <= '9') ? digit_run + 1 : 0;
    longest_digit_run = std::max(longest_digit_run, digit_run);
  }
  const size_t raw_words = SplitWords(folded).size();
  int strong = 0, signs = 0;
  for (const auto& phrase : x.personal_case) strong += contains(phrase);
  for (const auto& phrase : x.personal_case_hints) signs += contains(phrase);
  signs += strong;
  const bool personal = longest_digit_run >= 9 ||
                        (strong >= 1 && raw_words >= thresholds_.personal_case_min_words) ||
                        (signs >= 2 && raw_words >= thresholds_.personal_case_hint_min_words);
  if (personal) {
    r.reason = DeclineReason::kPersonalCase;
    return r;
  }

  // Greetings and thanks: words covered by small-talk phrases that the FAQ
  // itself never uses are dropped; if nothing meaningful is left, it was
  // small talk.
  std::vector<bool> smalltalk_word(r.tokens.size(), false);
  for (const auto& phrase : x.smalltalk) Impl::Contains(r.tokens, "", phrase, &smalltalk_word);
  std::vector<std::string> words;
  size_t other_words = 0;
  bool any_smalltalk = false;
  for (size_t i = 0; i < r.tokens.size(); ++i) {
    const std::string& w = r.tokens[i];
    if (norm.IsStopword(w)) continue;
    any_smalltalk |= smalltalk_word[i];
    if (!smalltalk_word[i]) ++other_words;
    if (smalltalk_word[i] && !x.word_df.count(w)) continue;
    words.push_back(w);
  }
  // "cảm ơn ad nhiều", "chào em nha": a greeting or thanks with at most one
  // other word in a short message is small talk, not a question.
  if (other_words == 0 || (any_smalltalk && other_words <= 1 && raw_words <= 5)) {
    // Only greetings, thanks, fillers or politeness words ("dạ", "ad ơi").
    r.reason = DeclineReason::kSmalltalk;
    return r;
  }

  std::vector<std::pair<std::string, double>> weighted;  // word, factor
  for (const auto& w : words) weighted.emplace_back(w, 1.0);

  // Query features and their weights.
  std::vector<std::pair<int, double>> known;  // feature, weight
  double query_total = 0;
  std::unordered_set<std::string> seen;
  auto add = [&](const std::string& f, double factor, bool number) {
    if (!seen.insert(f).second) return;
    auto it = x.feature_ids.find(f);
    if (it != x.feature_ids.end()) {
      const double w = x.idf[static_cast<size_t>(it->second)] * factor;
      known.emplace_back(it->second, w);
      query_total += w;
    } else if (f.find(' ') == std::string::npos) {
      // An unknown pair says little (its words are counted already); an
      // unknown word is part of the message the FAQ does not explain.
      query_total += x.unknown_idf *
                     (number ? tuning_.number_factor : tuning_.unknown_word_factor) * factor;
    }
  };
  for (size_t i = 0; i < weighted.size(); ++i) {
    add(weighted[i].first, weighted[i].second, IsNumber(weighted[i].first));
    if (i + 1 < weighted.size()) {
      add(weighted[i].first + " " + weighted[i + 1].first,
          std::min(weighted[i].second, weighted[i + 1].second), false);
    }
  }
  if (known.empty() || query_total <= 0) {
    r.reason = DeclineReason::kLowScore;
    return r;
  }

  std::vector<double> phrasing_match(x.phrasings.size(), 0);
  std::vector<double> entry_match(entries_.size(), 0);
  for (const auto& [f, w] : known) {
    for (int p : x.phrasing_postings[static_cast<size_t>(f)]) phrasing_match[static_cast<size_t>(p)] += w;
    for (int e : x.entry_postings[static_cast<size_t>(f)]) entry_match[static_cast<size_t>(e)] += w;
  }
  std::vector<double> best_phrasing(entries_.size(), 0);
  // Long messages wrap a question in chatter ("chào ad, nhà em ở thôn …"):
  // the more words, the less the unexplained ones count against an entry.
  const double beta =
      kBeta + std::clamp((static_cast<double>(weighted.size()) - 8.0) / 12.0, 0.0, 1.0);
  const double b2 = beta * beta;
  for (size_t p = 0; p < x.phrasings.size(); ++p) {
    const double m = phrasing_match[p];
    if (m <= 0) continue;
    const double precision = std::min(1.0, m / query_total);
    const double recall = std::min(1.0, m / x.phrasings[p].total);
    const double f = (1 + b2) * precision * recall / (b2 * precision + recall);
    double& best = best_phrasing[x.phrasings[p].entry];
    best = std::max(best, f);
  }
  // Share of the message's words (by answer IDF) found in each answer.
  std::vector<double> answer_match(entries_.size(), 0);
  double answer_total = 0;
  {
    std::unordered_set<std::string> seen_words;
    for (const auto& [w, factor] : weighted) {
      if (!seen_words.insert(w).second) continue;
      auto it = x.answer_words.find(w);
      if (it == x.answer_words.end()) {
        answer_total += x.unknown_idf * (IsNumber(w) ? tuning_.number_factor : tuning_.unknown_word_factor);
        continue;
      }
      answer_total += it->second.first;
      for (int e : it->second.second) answer_match[static_cast<size_t>(e)] += it->second.first;
    }
  }
  auto AnswerCoverage = [&](size_t e) {
    return answer_total > 0 ? std::min(1.0, answer_match[e] / answer_total) : 0.0;
  };
  std::vector<ScoredEntry> scored;
  for (size_t e = 0; e < entries_.size(); ++e) {
    if (entry_match[e] <= 0) continue;
    const double coverage = std::min(1.0, entry_match[e] / query_total);
    const double question_score = tuning_.best_phrasing_share * best_phrasing[e] +
                                  (1 - tuning_.best_phrasing_share) * coverage;
    const double s = ((1 - tuning_.answer_share) * question_score +
                      tuning_.answer_share * AnswerCoverage(e)) *
                     std::pow(tuning_.typo_penalty, corrections);
    scored.push_back({e, s});
  }
  std::sort(scored.begin(), scored.end(), [](const ScoredEntry& a, const ScoredEntry& b) {
    return a.score != b.score ? a.score > b.score : a.entry < b.entry;
  });
  if (scored.size() > 10) scored.resize(10);
  r.ranked = scored;
  if (scored.empty()) {
    r.reason = DeclineReason::kLowScore;
    return r;
  }

  const double s1 = scored[0].score;
  const double s2 = scored.size() > 1 ? scored[1].score : 0;
  r.score = s1;
  if (s1 < thresholds_.clarify_min) {
    r.reason = DeclineReason::kLowScore;
    return r;
  }
  if (s1 >= thresholds_.answer_min && s1 - s2 >= thresholds_.margin_min) {
    r.outcome = MatchOutcome::kAnswer;
    return r;
  }
  r.outcome = MatchOutcome::kClarify;
  for (const auto& s : scored) {
    if (r.alternatives.size() >= thresholds_.max_choices) break;
    if (s.score < thresholds_.clarify_min || s.score < s1 - thresholds_.clarify_band) break;
    r.alternatives.push_back(s.entry);
  }
  return r;
}

}  // namespace bhxh
