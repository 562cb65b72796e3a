// Matching speed and memory with a large FAQ.
//
//   bench_speed [--entries N] [--rounds R]
//
// Expands the shipped FAQ to N entries (default 2,000) by copying entries
// with distinct ids and a distinct invented word in every question (so the
// copies are different documents for the index), then prints the index build
// time, p50/p99/max time of Match() over the labelled question set repeated
// R times, and the resident memory (VmRSS, VmHWM).
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <string>

#include "bench/common/bench_content.h"
#include "content/faq_index.h"

using namespace bhxh;
using Clock = std::chrono::steady_clock;

namespace {

std::string ProcStatus(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return line.substr(std::string(key).size());
  }
  return "?";
}

std::string Syllable(size_t n) {
  static const char* kOnsets[] = {"b", "c", "d", "g", "h", "k", "l", "m", "n", "ph", "qu", "s", "t", "th", "v", "x"};
  static const char* kRimes[] = {"ang", "oi", "uyen", "ep", "ach", "inh", "ong", "ua", "iet", "am"};
  std::string s;
  do {
    s += kOnsets[n % 16];
    n /= 16;
    s += kRimes[n % 10];
    n /= 10;
  } while (n > 0);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  size_t target = 2000, rounds = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--entries") target = std::stoul(argv[i + 1]);
    else if (a == "--rounds") rounds = std::stoul(argv[i + 1]);
  }
  auto normalizer = bench::LoadNormalizer(BHXH_BENCH_CONTENT_DIR);
  const auto shipped = bench::LoadFaq(BHXH_BENCH_CONTENT_DIR, "");
  const auto questions = bench::LoadQuestions(std::string(BHXH_BENCH_DIR) + "/quality/questions.tsv");
  std::vector<FaqEntry> faq;
  for (size_t i = 0; faq.size() < target; ++i) {
    FaqEntry e = shipped[i % shipped.size()];
    if (i >= shipped.size()) {
      e.id += "-x" + std::to_string(i);
      e.follow_up.clear();
      for (auto& q : e.questions) q += " " + Syllable(i);
    }
    faq.push_back(std::move(e));
  }
  std::cout << "entries: " << faq.size() << ", questions: " << questions.size() << " x " << rounds
            << " rounds\n";
  std::cout << "RSS before index: " << ProcStatus("VmRSS:") << "\n";

  const auto b0 = Clock::now();
  FaqIndex index(faq, normalizer);
  const auto b1 = Clock::now();
  std::cout << std::fixed << std::setprecision(2) << "index build: "
            << std::chrono::duration<double, std::milli>(b1 - b0).count() << " ms\n";

  std::vector<double> micros;
  size_t answered = 0;
  for (size_t r = 0; r < rounds; ++r) {
    for (const auto& q : questions) {
      const auto t0 = Clock::now();
      const MatchResult m = index.Match(q.text);
      const auto t1 = Clock::now();
      answered += m.outcome == MatchOutcome::kAnswer;
      micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
  }
  std::sort(micros.begin(), micros.end());
  auto pct = [&](double p) { return micros[std::min(micros.size() - 1, static_cast<size_t>(p * micros.size()))]; };
  std::cout << "match p50: " << pct(0.50) << " us, p99: " << pct(0.99) << " us, max: " << micros.back()
            << " us (" << micros.size() << " matches, " << answered << " answered)\n";
  std::cout << "RSS: " << ProcStatus("VmRSS:") << ", peak RSS (VmHWM): " << ProcStatus("VmHWM:") << "\n";
  return 0;
}
