// Type-checked readers of untrusted webhook JSON, shared by the Messenger
// and Zalo parsers (internal to bot/channels). None of them throws: a
// missing or mistyped field is nullopt/nullptr.
#ifndef BHXH_BOT_CHANNELS_WEBHOOK_JSON_H_
#define BHXH_BOT_CHANNELS_WEBHOOK_JSON_H_

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace bhxh::webhook_json {

using nlohmann::json;

constexpr size_t kMaxIdBytes = 256;
constexpr size_t kMaxLabelChars = 40;
// Beyond this (year 2255) a time_point in nanoseconds would overflow.
constexpr uint64_t kMaxMillis = 9'000'000'000'000ULL;
constexpr uint64_t kSecondsBelow = 10'000'000'000ULL;  // up to 10 digits: seconds

// An event type for the `ignored` list of a log line, reduced to
// [a-z0-9_:] and a bounded length so that a body cannot inject into logs.
std::string Label(std::string_view s);

// obj[key] when obj is an object that has it, else nullptr.
const json* Field(const json& obj, const char* key);

// A non-empty string, or an integer written back as its digits (exact: a
// number too large for 64 bits was parsed as a double and is refused).
std::optional<std::string> ScalarText(const json* v);
// ScalarText of at most kMaxIdBytes.
std::optional<std::string> IdText(const json* v);
// IdText of obj[outer][inner].
std::optional<std::string> IdAt(const json& obj, const char* outer, const char* inner);
// obj[key] when it is a string.
std::optional<std::string> StringAt(const json& obj, const char* key);

// Epoch milliseconds from digits; a value of at most 10 digits is seconds.
std::optional<uint64_t> MillisFromDigits(std::string_view digits);
// From an unsigned number or a digit string.
std::optional<uint64_t> Millis(const json* v);

std::chrono::system_clock::time_point TimeOf(uint64_t ms);

}  // namespace bhxh::webhook_json

#endif  // BHXH_BOT_CHANNELS_WEBHOOK_JSON_H_
