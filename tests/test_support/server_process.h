// Runs the real bhxh-bot binary as a child process for end-to-end tests.
//
//   ServerProcess server(BHXH_BINARY, {"serve", "--host", "127.0.0.1", "--port", "{port}",
//                                      "--data-dir", dir.path()}, dir.path());
//   REQUIRE(server.Start() == "");
//   HttpClient client(server.base_url());
//
// Every argument equal to "{port}" is replaced by a free loopback port. The
// child's stdout and stderr go to files in `log_dir`. Not thread-safe.
#ifndef BHXH_TESTS_TEST_SUPPORT_SERVER_PROCESS_H_
#define BHXH_TESTS_TEST_SUPPORT_SERVER_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace bhxh::testing {

struct ProcessExit {
  bool exited = false;    // ended by exit(); `code` is valid
  int code = -1;          // exit code when exited
  int signal = 0;         // the signal that ended it otherwise
  bool needed_kill = false;  // Stop() had to escalate to SIGKILL
  std::chrono::milliseconds took{0};  // from the first signal to the end
};

class ServerProcess {
 public:
  ServerProcess(std::string binary, std::vector<std::string> args, std::string log_dir);
  // Stops the process if it still runs (SIGTERM, then SIGKILL).
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Picks a port, starts the child and polls GET /healthz until it answers
  // 200 or `timeout` passes. Returns "" on success, otherwise what went
  // wrong followed by the child's stderr (the child is then killed).
  std::string Start(std::chrono::milliseconds timeout = std::chrono::seconds(15));

  // SIGTERM, then SIGKILL if it has not ended after `grace`. Waits for it.
  ProcessExit Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  // SIGKILL and wait.
  ProcessExit Kill();

  // True while the child runs (reaps it if it ended by itself).
  bool Running();
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string base_url() const;
  std::string stderr_path() const { return log_dir_ + "/server.stderr"; }
  std::string stdout_path() const { return log_dir_ + "/server.stdout"; }
  std::string StderrText() const;

 private:
  // Waits up to `wait` for the child to end; true when it has (fills exit_).
  bool WaitFor(std::chrono::milliseconds wait);

  std::string binary_;
  std::vector<std::string> args_;
  std::string log_dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  ProcessExit exit_;
};

}  // namespace bhxh::testing

#endif  // BHXH_TESTS_TEST_SUPPORT_SERVER_PROCESS_H_
