#include "bot/faq_reloader.h"

#include <iostream>

namespace bhxh {

FaqReloader::FaqReloader(FaqStore& store, LiveContent& content, long long loaded_revision)
    : store_(store), content_(content), loaded_revision_(loaded_revision) {}

FaqReloader::~FaqReloader() { Stop(); }

long long FaqReloader::loaded_revision() const {
  std::lock_guard<std::mutex> lock(mu_);
  return loaded_revision_;
}

Status FaqReloader::CheckNow(bool* reloaded) {
  if (reloaded) *reloaded = false;
  auto latest = store_.Revisions(1);
  if (!latest.ok()) return latest.status();
  if (latest->empty()) return Status::Ok();
  const long long newest = latest->front().number;
  std::lock_guard<std::mutex> lock(mu_);
  if (newest == loaded_revision_) return Status::Ok();
  // Read the live FAQ (not the snapshot of `newest`): a revision committed
  // in between is then picked up by the next check at the latest.
  auto live = store_.LoadLive();
  if (!live.ok()) return live.status();
  content_.ReplaceFaq(std::move(live).value());
  loaded_revision_ = newest;
  if (reloaded) *reloaded = true;
  return Status::Ok();
}

void FaqReloader::Start(std::chrono::milliseconds interval) {
  Stop();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this, interval] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_cv_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      bool reloaded = false;
      const Status s = CheckNow(&reloaded);
      if (!s.ok()) {
        std::cerr << R"({"event":"faq_reload_failed","error":")" << s.message() << "\"}\n";
      } else if (reloaded) {
        std::cerr << R"({"event":"faq_reloaded","revision":)" << loaded_revision() << "}\n";
      }
      lock.lock();
    }
  });
}

void FaqReloader::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace bhxh
