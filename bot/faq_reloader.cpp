#include "bot/faq_reloader.h"

#include <sys/stat.h>

namespace bhxh {

FaqReloader::FaqReloader(FaqStore& store, LiveContent& content, long long loaded_revision,
                         ContentFiles files, MatchThresholds thresholds)
    : store_(store),
      content_(content),
      files_(std::move(files)),
      thresholds_(thresholds),
      loaded_revision_(loaded_revision) {
  file_times_ = FileTimes();
}

std::vector<std::timespec> FaqReloader::FileTimes() const {
  std::vector<std::timespec> times;
  if (files_.dir.empty()) return times;
  for (const std::string& path :
       {files_.variables(), files_.messages(), files_.abbreviations(), files_.lexicon(),
        files_.communes(), files_.office_hours()}) {
    struct stat st {};
    times.push_back(::stat(path.c_str(), &st) == 0 ? st.st_mtim : std::timespec{0, 0});
  }
  return times;
}

long long FaqReloader::loaded_revision() const {
  std::lock_guard<std::mutex> lock(mu_);
  return loaded_revision_;
}

Status FaqReloader::CheckNow(bool* reloaded) {
  if (reloaded) *reloaded = false;
  std::lock_guard<std::mutex> lock(mu_);
  auto latest = store_.Revisions(1);
  if (!latest.ok()) return latest.status();
  const long long newest = latest->empty() ? 0 : latest->front().number;
  const std::vector<std::timespec> times = FileTimes();
  const bool files_changed = !std::equal(
      times.begin(), times.end(), file_times_.begin(), file_times_.end(),
      [](const std::timespec& a, const std::timespec& b) {
        return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
      });
  if (newest == loaded_revision_ && !files_changed) return Status::Ok();

  // Read the live FAQ (not the snapshot of `newest`): a revision committed in
  // between is then picked up by the next check at the latest.
  auto live = store_.LoadLive();
  if (!live.ok()) return live.status();
  if (files_changed) {
    file_times_ = times;  // report a broken file once, not at every check
    SharedContent shared;
    std::vector<ContentProblem> problems;
    if (!LoadSharedContent(files_, &shared, &problems)) {
      return InvalidArgument("content files not reloaded: " + JoinProblems(problems));
    }
    // An empty live FAQ (nothing imported yet) keeps the entries in use.
    std::vector<FaqEntry> entries = live->empty() ? content_.Current()->faq->entries()
                                                  : std::move(live).value();
    content_.Replace(MakeSnapshot(shared, std::move(entries), thresholds_));
  } else {
    content_.ReplaceFaq(std::move(live).value());
  }
  loaded_revision_ = newest;
  if (reloaded) *reloaded = true;
  return Status::Ok();
}

}  // namespace bhxh
