// Runs a function every `interval` on its own thread until stopped. Used for
// the service's background jobs (content reload, retention purge).
#ifndef BHXH_BOT_PERIODIC_TASK_H_
#define BHXH_BOT_PERIODIC_TASK_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace bhxh {

class PeriodicTask {
 public:
  // `task` runs first after one interval, then every interval. It must not
  // throw (exceptions are caught and dropped so the job keeps running).
  PeriodicTask(std::chrono::milliseconds interval, std::function<void()> task);
  ~PeriodicTask();  // stops and joins
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Stops after the current run, if any; idempotent.
  void Stop();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bhxh

#endif  // BHXH_BOT_PERIODIC_TASK_H_
