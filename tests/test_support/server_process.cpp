#include "test_support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "test_support/http_client.h"

namespace bhxh::testing {

ServerProcess::ServerProcess(std::string binary, std::vector<std::string> args,
                             std::string log_dir)
    : binary_(std::move(binary)), args_(std::move(args)), log_dir_(std::move(log_dir)) {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop();
}

std::string ServerProcess::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::string ServerProcess::StderrText() const {
  std::ifstream in(stderr_path(), std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string ServerProcess::Start(std::chrono::milliseconds timeout) {
  if (pid_ > 0) return "already started";
  port_ = FindFreeLoopbackPort();

  // Everything the child needs is prepared before fork(): between fork and
  // exec only async-signal-safe calls are allowed (the test process has
  // cpprestsdk threads).
  std::vector<std::string> argv_strings;
  argv_strings.push_back(binary_);
  for (const std::string& a : args_) {
    argv_strings.push_back(a == "{port}" ? std::to_string(port_) : a);
  }
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const std::string out_path = stdout_path();
  const std::string err_path = stderr_path();
  const long max_fd = std::min<long>(sysconf(_SC_OPEN_MAX) > 0 ? sysconf(_SC_OPEN_MAX) : 1024,
                                     65536);

  const pid_t pid = fork();
  if (pid < 0) return "fork() failed";
  if (pid == 0) {
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    // Do not leak the test's sockets and files into the server.
    for (long fd = 3; fd < max_fd; ++fd) close(static_cast<int>(fd));
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  exit_ = ProcessExit{};

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  HttpClient client(base_url(), std::chrono::milliseconds(1000));
  std::string last_problem = "no answer from /healthz";
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Running()) {
      std::ostringstream why;
      why << "the server ended during startup ("
          << (exit_.exited ? "exit code " + std::to_string(exit_.code)
                           : "signal " + std::to_string(exit_.signal))
          << "); stderr:\n"
          << StderrText();
      return why.str();
    }
    try {
      HttpResult r = client.Get("/healthz");
      if (r.status == 200) return "";
      last_problem = "/healthz answered " + std::to_string(r.status) + ": " + r.body;
    } catch (const std::exception& e) {
      last_problem = std::string("/healthz: ") + e.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Kill();
  return "the server was not healthy within the timeout (" + last_problem + "); stderr:\n" +
         StderrText();
}

bool ServerProcess::Running() {
  if (pid_ <= 0) return false;
  return !WaitFor(std::chrono::milliseconds(0));
}

bool ServerProcess::WaitFor(std::chrono::milliseconds wait) {
  if (pid_ <= 0) return true;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_.exited = WIFEXITED(status);
      exit_.code = exit_.exited ? WEXITSTATUS(status) : -1;
      exit_.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      pid_ = -1;
      return true;
    }
    if (r < 0) {  // not our child any more; nothing to wait for
      pid_ = -1;
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

ProcessExit ServerProcess::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return exit_;
  const auto start = std::chrono::steady_clock::now();
  kill(pid_, SIGTERM);
  if (!WaitFor(grace)) {
    kill(pid_, SIGKILL);
    WaitFor(std::chrono::seconds(30));
    exit_.needed_kill = true;
  }
  exit_.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return exit_;
}

ProcessExit ServerProcess::Kill() {
  if (pid_ <= 0) return exit_;
  const auto start = std::chrono::steady_clock::now();
  kill(pid_, SIGKILL);
  WaitFor(std::chrono::seconds(30));
  exit_.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return exit_;
}

}  // namespace bhxh::testing
