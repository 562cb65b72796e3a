// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the object is destroyed.
#ifndef BHXH_TESTS_TEST_SUPPORT_TEMP_DIR_H_
#define BHXH_TESTS_TEST_SUPPORT_TEMP_DIR_H_

#include <string>

namespace bhxh::testing {

class TempDir {
 public:
  // Throws std::runtime_error when the directory cannot be created.
  explicit TempDir(const std::string& prefix = "bhxh-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string File(const std::string& name) const;
  // Writes `content` to File(name), replacing it. Throws on failure.
  void Write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace bhxh::testing

#endif  // BHXH_TESTS_TEST_SUPPORT_TEMP_DIR_H_
