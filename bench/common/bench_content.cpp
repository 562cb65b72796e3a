#include "bench/common/bench_content.h"

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "content/lexicon.h"
#include "content/variables.h"

namespace bhxh::bench {

std::shared_ptr<const TextNormalizer> LoadNormalizer(const std::string& content_dir) {
  Lexicon lex;
  std::vector<ContentProblem> problems;
  if (!LoadLexicon(content_dir + "/abbreviations.json", content_dir + "/lexicon.json", &lex,
                   &problems)) {
    std::cerr << JoinProblems(problems);
    std::exit(1);
  }
  return std::make_shared<const TextNormalizer>(std::move(lex));
}

std::vector<FaqEntry> LoadFaq(const std::string& content_dir, const std::string& faq_file) {
  std::vector<ContentProblem> problems;
  auto vars = VariableTable::Load(content_dir + "/variables.json", &problems);
  if (!vars) {
    std::cerr << JoinProblems(problems);
    std::exit(1);
  }
  auto parsed = LoadFaqFile(faq_file.empty() ? content_dir + "/faq.json" : faq_file,
                            [&](std::string_view n) { return vars->Has(n); });
  if (!parsed.ok()) {
    std::cerr << JoinProblems(parsed.problems);
    std::exit(1);
  }
  return parsed.entries;
}

std::vector<LabelledQuestion> LoadQuestions(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    std::exit(1);
  }
  std::vector<LabelledQuestion> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    const auto t1 = line.find('\t');
    const auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) {
      std::cerr << path << ":" << n << ": expected 3 tab-separated fields\n";
      std::exit(1);
    }
    LabelledQuestion q;
    q.expected = line.substr(0, t1);
    if (q.expected == "-") q.expected.clear();
    q.kind = line.substr(t1 + 1, t2 - t1 - 1);
    q.text = line.substr(t2 + 1);
    q.line = n;
    out.push_back(std::move(q));
  }
  return out;
}

}  // namespace bhxh::bench
