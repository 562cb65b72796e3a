// How storage keeps instants: INTEGER milliseconds since 1970-01-01 UTC.
// Integers sort and compare in SQL without parsing, and round-trip exactly
// at millisecond precision (finer precision is floored away). To read one in
// the sqlite3 shell: strftime('%Y-%m-%dT%H:%M:%fZ', at_ms / 1000.0, 'unixepoch').
#ifndef BHXH_STORAGE_UNIX_MILLIS_H_
#define BHXH_STORAGE_UNIX_MILLIS_H_

#include <chrono>
#include <cstdint>

namespace bhxh {

inline int64_t ToUnixMillis(std::chrono::system_clock::time_point t) {
  return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

inline std::chrono::system_clock::time_point FromUnixMillis(int64_t ms) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::milliseconds(ms)));
}

}  // namespace bhxh

#endif  // BHXH_STORAGE_UNIX_MILLIS_H_
