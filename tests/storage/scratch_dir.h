// Test support for the storage tests: a fresh temporary directory per test,
// removed afterwards, polling for a condition, and direct access to a database file with the SQLite
// C API (to inspect or prepare a file behind the Database's back).
#ifndef BHXH_TESTS_STORAGE_SCRATCH_DIR_H_
#define BHXH_TESTS_STORAGE_SCRATCH_DIR_H_

#include <sqlite3.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>

#include "storage/database.h"

namespace bhxh {

// Polls `condition` (thread-safe counters, such as the database writer's)
// every millisecond for up to 10 s; returns whether it became true.
inline bool WaitFor(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// mkdtemp under /tmp; removed with everything in it on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    char pattern[] = "/tmp/bhxh-storage-test-XXXXXX";
    const char* made = mkdtemp(pattern);
    REQUIRE(made != nullptr);
    path_ = made;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Opens the database or fails the test with the status message.
inline std::unique_ptr<Database> OpenOrFail(const std::string& path) {
  Result<std::unique_ptr<Database>> db = Database::Open(path);
  INFO(db.status().message());
  REQUIRE(db.ok());
  return std::move(db).value();
}

inline void RequireOk(const Status& s) {
  INFO(s.message());
  REQUIRE(s.ok());
}

// A raw connection to a file, bypassing Database (no migrations, no PRAGMAs).
class RawConnection {
 public:
  explicit RawConnection(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            nullptr) == SQLITE_OK);
  }
  ~RawConnection() { sqlite3_close_v2(db_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void Exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    INFO(sql << ": " << (error != nullptr ? error : ""));
    sqlite3_free(error);
    REQUIRE(rc == SQLITE_OK);
  }
  // The first column of the first row as text ("" when there is no row).
  std::string QueryText(const std::string& sql) { return QueryTextOn(db_, sql); }
  long long QueryInt(const std::string& sql) {
    const std::string text = QueryText(sql);
    return text.empty() ? 0 : std::stoll(text);
  }

  static std::string QueryTextOn(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    INFO(sql << ": " << sqlite3_errmsg(db));
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::string out;
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    REQUIRE((rc == SQLITE_ROW || rc == SQLITE_DONE));
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace bhxh

#endif  // BHXH_TESTS_STORAGE_SCRATCH_DIR_H_
