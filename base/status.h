// Errors as values on the request path. Code meanings follow abseil's
// status.h: InvalidArgument = the caller's input is wrong whatever the
// system state; FailedPrecondition = the system is not in a state to do it
// (e.g. a database from a newer version); NotFound; AlreadyExists;
// ResourceExhausted = a limit was hit; Unavailable = transient, retry may
// succeed; Internal = a bug or a broken invariant.
#ifndef BHXH_BASE_STATUS_H_
#define BHXH_BASE_STATUS_H_

#include <optional>
#include <string>
#include <utility>

namespace bhxh {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kResourceExhausted,
  kUnavailable,
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// A value or the Status that explains why there is none. Accessing value()
// of a failed Result is a programming error (checked by the optional).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  const T& value() const& { return value_.value(); }
  T& value() & { return value_.value(); }
  T&& value() && { return std::move(value_).value(); }
  const T* operator->() const { return &value_.value(); }
  T* operator->() { return &value_.value(); }
  const T& operator*() const& { return value_.value(); }
  T& operator*() & { return value_.value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace bhxh

#endif  // BHXH_BASE_STATUS_H_
