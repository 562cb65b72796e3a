// Keeps the live FAQ index in step with the database. Another process
// (`bhxh-bot import-faq`, later the staff page) may replace the live FAQ;
// the reloader notices the new revision and swaps in a rebuilt index, so the
// running service answers from it without a restart.
#ifndef BHXH_BOT_FAQ_RELOADER_H_
#define BHXH_BOT_FAQ_RELOADER_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "base/status.h"
#include "handlers/live_content.h"
#include "storage/faq_store.h"

namespace bhxh {

class FaqReloader {
 public:
  // `store` and `content` must outlive the reloader. `loaded_revision` is
  // the revision the current index was built from (0 = none).
  FaqReloader(FaqStore& store, LiveContent& content, long long loaded_revision);
  ~FaqReloader();

  // Reloads if the newest revision differs from the loaded one. Returns
  // true in `reloaded` when it swapped the index. Thread-safe.
  Status CheckNow(bool* reloaded = nullptr);

  // Calls CheckNow every `interval` on a background thread until Stop().
  void Start(std::chrono::milliseconds interval);
  void Stop();

  long long loaded_revision() const;

 private:
  FaqStore& store_;
  LiveContent& content_;
  mutable std::mutex mu_;
  long long loaded_revision_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bhxh

#endif  // BHXH_BOT_FAQ_RELOADER_H_
