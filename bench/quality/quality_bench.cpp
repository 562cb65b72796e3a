// Matching quality on a labelled set of citizen-style questions.
//
//   bench_quality [--questions FILE] [--faq FILE] [--content-dir DIR] [--verbose] [--sweep]
//
// Prints, with the default thresholds:
//   in-scope top-1      share of in-scope questions whose best-ranked entry is the expected one
//   in-scope answered   share answered (outcome "answer") with the expected entry
//   in-scope wrong      share answered with a WRONG entry (the harmful case)
//   in-scope clarify-ok share whose clarify choices include the expected entry
//   out-of-scope declined  share of out-of-scope questions not answered
//   overall             (in-scope answered right or clarified with the right choice
//                        + out-of-scope declined) / all
// --sweep prints the same for a grid of thresholds, to choose defaults.
#include <cstring>
#include <iomanip>
#include <iostream>
#include <map>

#include "bench/common/bench_content.h"
#include "content/faq_index.h"

using namespace bhxh;

namespace {

struct Figures {
  int in_scope = 0, top1 = 0, answered_right = 0, answered_wrong = 0, clarify_ok = 0;
  int oos = 0, oos_declined = 0;
  double Pct(int a, int b) const { return b ? 100.0 * a / b : 0; }
  double Overall() const {
    return Pct(answered_right + clarify_ok + oos_declined, in_scope + oos);
  }
};

Figures Run(const FaqIndex& index, const std::vector<bench::LabelledQuestion>& qs, bool verbose) {
  Figures f;
  std::map<std::string, std::pair<int, int>> by_kind;  // kind -> right, total
  for (const auto& q : qs) {
    const MatchResult m = index.Match(q.text);
    const std::string best = m.ranked.empty() ? "" : index.entries()[m.ranked[0].entry].id;
    bool right = false;
    if (q.expected.empty()) {
      ++f.oos;
      right = m.outcome != MatchOutcome::kAnswer;
      f.oos_declined += right;
    } else {
      ++f.in_scope;
      f.top1 += best == q.expected;
      if (m.outcome == MatchOutcome::kAnswer) {
        right = best == q.expected;
        (right ? f.answered_right : f.answered_wrong)++;
      } else if (m.outcome == MatchOutcome::kClarify) {
        for (size_t e : m.alternatives) right |= index.entries()[e].id == q.expected;
        f.clarify_ok += right;
      }
    }
    auto& k = by_kind[q.kind];
    k.first += right;
    ++k.second;
    if (verbose && (!right || (!q.expected.empty() && best != q.expected))) {
      std::cout << (right ? "  (ok) line " : "  line ") << q.line << " [" << q.kind << "] expected "
                << (q.expected.empty() ? "(decline)" : q.expected) << ", got "
                << MatchOutcomeName(m.outcome) << " " << best << " " << std::setprecision(3)
                << m.score << (m.reason != DeclineReason::kNone ? std::string(" ") + DeclineReasonName(m.reason) : "")
                << ": " << q.text << "\n";
    }
  }
  if (verbose) {
    for (const auto& [kind, rt] : by_kind) {
      std::cout << "  kind " << kind << ": " << rt.first << "/" << rt.second << "\n";
    }
  }
  return f;
}

void Print(const Figures& f) {
  std::cout << std::fixed << std::setprecision(1)
            << "in-scope questions:      " << f.in_scope << "\n"
            << "out-of-scope questions:  " << f.oos << "\n"
            << "in-scope top-1:          " << f.Pct(f.top1, f.in_scope) << " %\n"
            << "in-scope answered right: " << f.Pct(f.answered_right, f.in_scope) << " %\n"
            << "in-scope answered WRONG: " << f.Pct(f.answered_wrong, f.in_scope) << " %\n"
            << "in-scope clarify-ok:     " << f.Pct(f.clarify_ok, f.in_scope) << " %\n"
            << "out-of-scope declined:   " << f.Pct(f.oos_declined, f.oos) << " %\n"
            << "overall accuracy:        " << f.Overall() << " %\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string questions = std::string(BHXH_BENCH_DIR) + "/quality/questions.tsv";
  std::string content_dir = BHXH_BENCH_CONTENT_DIR, faq_file;
  bool verbose = false, sweep = false, tune = false, dump = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--questions" && i + 1 < argc) questions = argv[++i];
    else if (a == "--faq" && i + 1 < argc) faq_file = argv[++i];
    else if (a == "--content-dir" && i + 1 < argc) content_dir = argv[++i];
    else if (a == "--verbose") verbose = true;
    else if (a == "--sweep") sweep = true;
    else if (a == "--tune") tune = true;
    else if (a == "--dump") dump = true;
    else {
      std::cerr << "unknown argument: " << a << "\n";
      return 2;
    }
  }
  auto normalizer = bench::LoadNormalizer(content_dir);
  auto faq = bench::LoadFaq(content_dir, faq_file);
  const auto qs = bench::LoadQuestions(questions);
  std::cout << "FAQ entries: " << faq.size() << ", questions file: " << questions << "\n";
  if (dump) {
    // expected, best, second, s1, s2, reason: for studying decision rules.
    FaqIndex index(faq, normalizer);
    for (const auto& q : qs) {
      const MatchResult m = index.Match(q.text);
      auto id = [&](size_t i) { return m.ranked.size() > i ? index.entries()[m.ranked[i].entry].id : "-"; };
      auto sc = [&](size_t i) { return m.ranked.size() > i ? m.ranked[i].score : 0.0; };
      std::cout << (q.expected.empty() ? "-" : q.expected) << "\t" << q.kind << "\t" << id(0) << "\t"
                << id(1) << "\t" << sc(0) << "\t" << sc(1) << "\t"
                << (m.reason == DeclineReason::kNone || m.reason == DeclineReason::kLowScore ? "scored" : DeclineReasonName(m.reason))
                << "\n";
    }
    return 0;
  }
  if (tune) {
    // One weight at a time around the defaults: how sensitive is quality?
    std::cout << "weight value | top1 right wrong clarify oos overall\n";
    const MatchTuning base;
    const std::vector<std::pair<const char*, double MatchTuning::*>> knobs = {
        {"bigram_weight", &MatchTuning::bigram_weight},
        {"unknown_word_factor", &MatchTuning::unknown_word_factor},
        {"typo_penalty", &MatchTuning::typo_penalty},
        {"best_phrasing_share", &MatchTuning::best_phrasing_share},
        {"answer_share", &MatchTuning::answer_share},
        {"idf_power", &MatchTuning::idf_power}};
    for (const auto& [name, member] : knobs) {
      for (double factor : {0.0, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0}) {
        MatchTuning t = base;
        t.*member = base.*member * factor;
        if (t.*member > 1 && std::string(name) != "bigram_weight" && std::string(name) != "idf_power") continue;
        FaqIndex index(faq, normalizer, MatchThresholds{}, t);
        const Figures f = Run(index, qs, false);
        std::cout << std::fixed << std::setprecision(3) << name << " " << t.*member << " | "
                  << std::setprecision(1) << f.Pct(f.top1, f.in_scope) << " "
                  << f.Pct(f.answered_right, f.in_scope) << " " << f.Pct(f.answered_wrong, f.in_scope)
                  << " " << f.Pct(f.clarify_ok, f.in_scope) << " " << f.Pct(f.oos_declined, f.oos)
                  << " " << f.Overall() << "\n";
      }
    }
    return 0;
  }
  if (!sweep) {
    FaqIndex index(faq, normalizer);
    Print(Run(index, qs, verbose));
    return 0;
  }
  std::cout << "answer_min margin_min clarify_min | top1 right wrong clarify oos overall\n";
  for (double answer_min : {0.35, 0.4, 0.45, 0.5, 0.55, 0.6}) {
    for (double margin : {0.0, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1, 0.12}) {
      for (double clarify_min : {0.25, 0.3}) {
        MatchThresholds t;
        t.answer_min = answer_min;
        t.margin_min = margin;
        t.clarify_min = clarify_min;
        FaqIndex index(faq, normalizer, t);
        const Figures f = Run(index, qs, false);
        std::cout << std::fixed << std::setprecision(2) << answer_min << " " << margin << " "
                  << clarify_min << " | " << std::setprecision(1) << f.Pct(f.top1, f.in_scope)
                  << " " << f.Pct(f.answered_right, f.in_scope) << " "
                  << f.Pct(f.answered_wrong, f.in_scope) << " " << f.Pct(f.clarify_ok, f.in_scope)
                  << " " << f.Pct(f.oos_declined, f.oos) << " " << f.Overall() << "\n";
      }
    }
  }
  return 0;
}
