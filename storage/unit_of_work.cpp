#include "storage/unit_of_work.h"

#include "storage/database.h"

namespace bhxh {
namespace {

// The stores built on the same Database run their statements through its
// InTransaction/WithConnection/Read on the same thread, which join this
// transaction (see Database::InTransaction).
class SqliteUnitOfWork final : public UnitOfWork {
 public:
  explicit SqliteUnitOfWork(Database& db) : db_(db) {}
  Status Run(const std::function<Status()>& work) override {
    return db_.InTransaction([&](sqlite3*) { return work(); });
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<UnitOfWork> NewSqliteUnitOfWork(Database& db) {
  return std::make_unique<SqliteUnitOfWork>(db);
}

}  // namespace bhxh
