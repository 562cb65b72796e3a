// Several store operations as one transaction: all of them or none. The
// dialog engine saves the conversation state and logs the question (and,
// with the channels, writes the outbox rows) through one unit of work, so a
// crash never leaves a reply recorded without its state or the reverse.
#ifndef BHXH_STORAGE_UNIT_OF_WORK_H_
#define BHXH_STORAGE_UNIT_OF_WORK_H_

#include <functional>
#include <memory>

#include "base/status.h"

namespace bhxh {

class Database;

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;
  // Runs `work`; the store calls it makes commit together when it returns
  // OK and are all rolled back when it returns an error (which is returned).
  // Thread-safe; concurrent units are serialised.
  virtual Status Run(const std::function<Status()>& work) = 0;
};

std::unique_ptr<UnitOfWork> NewSqliteUnitOfWork(Database& db);

}  // namespace bhxh

#endif  // BHXH_STORAGE_UNIT_OF_WORK_H_
